// reportFatal: one line to stderr for every error, with what to do; a stack only with HE6_DEBUG=1.
import {describe, expect, it} from 'vitest';
import {reportFatal, UsageError} from '../../src/cli/errors.js';
import {exitCode} from '../../src/cli/exit-codes.js';

function report(error: unknown): {code: number; text: string} {
	let text = '';
	const code = reportFatal(error, {write: (chunk: string) => ((text += chunk), true)} as unknown as NodeJS.WritableStream);
	return {code, text};
}

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), {code});

describe('reportFatal', () => {
	it('prints a usage error as it is, with its code', () => {
		expect(report(new UsageError('--concurrency must be a positive integer', 7))).toEqual({code: 7, text: 'he6-dns: --concurrency must be a positive integer\n'});
	});

	it('says out of descriptors, and what to do, for EMFILE and ENFILE (not "internal error")', () => {
		expect(report(errno('EMFILE', 'listen EMFILE: too many open files 127.0.0.1:53'))).toEqual({
			code: exitCode.usage,
			text: 'he6-dns: this process is out of file descriptors (listen EMFILE: too many open files 127.0.0.1:53): raise the limit (ulimit -n) or lower --concurrency\n',
		});
		const system = report(errno('ENFILE', 'socket ENFILE'));
		expect(system.text).toBe('he6-dns: the system is out of file descriptors (socket ENFILE): raise the limit (ulimit -n, fs.file-max) or lower --concurrency\n');
	});

	it('calls anything else an internal error, on one line', () => {
		const {code, text} = report(new Error('first line\nsecond line'));
		expect(code).toBe(exitCode.usage);
		expect(text).toBe('he6-dns: internal error: first line (set HE6_DEBUG=1 for details and please report it)\n');
	});
});
