// Exit codes, named (documented in --help and README; doggo's partial-vs-full distinction).
import type {RunSummary} from '../core/events.js';

export const exitCode = {
	/** Every host was answered, whatever its verdict. */
	ok: 0,
	/** Usage or configuration error; nothing was resolved. */
	usage: 1,
	/** Some hosts failed: a family timed out, errored, or the name was invalid. */
	partialFailure: 2,
	/** No resolver answered at all. */
	noResolver: 9,
} as const;

export const exitCodeHelp = `Exit codes:
  0  every host was answered (whatever the verdict)
  1  usage or configuration error
  2  some hosts failed (timeout, error or invalid name)
  9  no resolver answered`;

/** The exit code a finished run deserves. */
export function exitCodeFor(summary: RunSummary): number {
	if (summary.failed === 0) return exitCode.ok;
	if (!summary.anyReply && summary.hosts > 0) return exitCode.noResolver;
	return exitCode.partialFailure;
}
