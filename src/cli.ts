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

/**
 * Exits as soon as the command is done and what it wrote to stdout and stderr has left. Decision (issue 6,
 * start-up): Node's natural exit first tears the environment down (handles, the heap, the platform's
 * threads), ~10–15 ms of a ~150 ms lookup; once the command's promise has settled nothing that is
 * still open (a socket closing, an unref'd timer) has work left. Files the commands write are written
 * synchronously and closed before they return; the callbacks wait for anything queued on the streams.
 */
function exitWhenWritten(code: number): void {
	process.exitCode = code;
	let open = 2;
	const written = (): void => {
		if (--open === 0) process.exit(code);
	};
	process.stdout.write('', written);
	process.stderr.write('', written);
}

// A promise chain, not top-level await: the build bundles this file as CommonJS (scripts/build.ts).
runProgram(process.argv.slice(2)).then(exitWhenWritten, (error: unknown) => exitWhenWritten(reportFatal(error)));
