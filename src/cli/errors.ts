// Errors that stop the CLI before or outside a run: one line to stderr, with what to do, and a code.
import {constants} from 'node:os';
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

/**
 * EMFILE or ENFILE when `error` says the process or the system ran out of file descriptors, else null.
 * Besides errno errors (code EMFILE), libuv calls that Node wraps as ERR_SYSTEM_ERROR carry the number
 * only (os.networkInterfaces: "uv_interface_addresses returned Unknown system error 24", info.errno 24).
 */
function descriptorShortage(error: unknown): 'EMFILE' | 'ENFILE' | null {
	if (typeof error !== 'object' || error === null) return null;
	const {code, info} = error as {code?: unknown; info?: {errno?: unknown}};
	if (code === 'EMFILE' || code === 'ENFILE') return code;
	if (code !== 'ERR_SYSTEM_ERROR' || typeof info?.errno !== 'number') return null;
	const errno = Math.abs(info.errno);
	return errno === constants.errno.EMFILE ? 'EMFILE' : errno === constants.errno.ENFILE ? 'ENFILE' : null;
}

/** Prints the one-line message for any error and returns the exit code. Stacks only with HE6_DEBUG=1. */
export function reportFatal(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
	if (error instanceof UsageError) {
		stderr.write(`he6-dns: ${error.message}\n`);
		return error.code;
	}
	const message = error instanceof Error ? error.message : String(error);
	// Out of descriptors is this machine's limit, not a bug: say which and what to do.
	const code = descriptorShortage(error);
	if (code !== null) {
		const which = code === 'EMFILE' ? 'this process is out of file descriptors' : 'the system is out of file descriptors';
		stderr.write(`he6-dns: ${which} (${message.split('\n')[0]}): raise the limit (ulimit -n${code === 'ENFILE' ? ', fs.file-max' : ''}) or lower --concurrency\n`);
		return exitCode.usage;
	}
	stderr.write(`he6-dns: internal error: ${message.split('\n')[0]} (set HE6_DEBUG=1 for details and please report it)\n`);
	if (process.env.HE6_DEBUG === '1' && error instanceof Error && error.stack) stderr.write(error.stack + '\n');
	return exitCode.usage;
}
