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
	stderr.write(`he6-dns: internal error: ${message.split('\n')[0]} (set HE6_DEBUG=1 for details and please report it)\n`);
	if (process.env.HE6_DEBUG === '1' && error instanceof Error && error.stack) stderr.write(error.stack + '\n');
	return exitCode.usage;
}
