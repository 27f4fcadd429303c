#!/usr/bin/env node
// The he6-dns entry point: run the program, print one line for any failure, exit with its code.
import {reportFatal} from './cli/errors.js';
import {runProgram} from './cli/program.js';

// React's production build when the Ink view loads (it is imported lazily, after this line).
process.env.NODE_ENV ??= 'production';

// `he6-dns ... | head -1` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(0);
});

// A promise chain, not top-level await: the build bundles this file as CommonJS (scripts/build.ts).
runProgram(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		process.exitCode = reportFatal(error);
	},
);
