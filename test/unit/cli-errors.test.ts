// reportFatal: one line to stderr for every error, with what to do; a stack only with HE6_DEBUG=1.
import {spawnSync} from 'node:child_process';
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

	it('says the same for a libuv system error that carries only the number (os.networkInterfaces out of descriptors)', () => {
		// The real thing, made where descriptors can be used up without harm: a child process fills its
		// table, then asks for the interfaces (as the source attributes do) and prints what reportFatal says.
		const child = spawnSync(
			process.execPath,
			[
				'--import',
				'tsx',
				'--input-type=module',
				'-e',
				`import {openSync} from 'node:fs'; import {networkInterfaces} from 'node:os'; import {reportFatal} from ${JSON.stringify(new URL('../../src/cli/errors.ts', import.meta.url).pathname)};
				const fds = []; try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch {}
				try { networkInterfaces(); process.stdout.write('no error'); } catch (error) { reportFatal(error, process.stdout); }`,
			],
			{encoding: 'utf8'},
		);
		expect(child.stdout).toMatch(/^he6-dns: this process is out of file descriptors \(A system error occurred: uv_interface_addresses returned .*\): raise the limit \(ulimit -n\) or lower --concurrency\n$/);
		const shape = Object.assign(new Error('A system error occurred: uv_interface_addresses returned Unknown system error 23'), {code: 'ERR_SYSTEM_ERROR', info: {errno: 23, code: 'Unknown system error 23'}});
		expect(report(shape).text).toMatch(/^he6-dns: the system is out of file descriptors/);
		const other = Object.assign(new Error('A system error occurred: uv_something returned EPERM'), {code: 'ERR_SYSTEM_ERROR', info: {errno: 1}});
		expect(report(other).text).toMatch(/^he6-dns: internal error/);
	});

	it('calls anything else an internal error, on one line', () => {
		const {code, text} = report(new Error('first line\nsecond line'));
		expect(code).toBe(exitCode.usage);
		expect(text).toBe('he6-dns: internal error: first line (set HE6_DEBUG=1 for details and please report it)\n');
	});
});
