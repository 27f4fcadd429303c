// Errors that stop the CLI before or outside a run: one line to stderr, with what to do, and a code.
import {exitCode} from './exit-codes.js';

/** A failure the user can fix; its message is printed as is, without a stack. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
	readonly code: number;
	constructor(message: string, code: number = exitCode.usage) {
		super(message);
		this.code = code;
	}
}

/** Prints the one-line message for any error and returns the exit code. Stacks only with HE6_DEBUG=1. */
export function reportFatal(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
	if (error instanceof UsageError) {
		stderr.write(`he6-dns: ${error.message}\n`);
		return error.code;
	}
	const message = error instanceof Error ? error.message : String(error);
	// Out of descriptors is this machine's limit, not a bug: say which and what to do.
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (code === 'EMFILE' || code === 'ENFILE') {
		const which = code === 'EMFILE' ? 'this process is out of file descriptors' : 'the system is out of file descriptors';
		stderr.write(`he6-dns: ${which} (${message.split('\n')[0]}): raise the limit (ulimit -n${code === 'ENFILE' ? ', fs.file-max' : ''}) or lower --concurrency\n`);
		return exitCode.usage;
	}
	stderr.write(`he6-dns: internal error: ${message.split('\n')[0]} (set HE6_DEBUG=1 for details and please report it)\n`);
	if (process.env.HE6_DEBUG === '1' && error instanceof Error && error.stack) stderr.write(error.stack + '\n');
	return exitCode.usage;
}
