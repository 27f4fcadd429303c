// One host's result: the input, its two families, what selection would do, and the verdict.
import type {FamilyOutcome, Verdict} from '../resolve/types.js';
import type {Selection} from './selection.js';

export interface HostResult {
	/** Position of the host among the inputs, from 0. */
	readonly index: number;
	/** The input exactly as given (escaped when printed). */
	readonly input: string;
	/** The ASCII (A-label) form that was queried, no trailing dot; the input when it is invalid. */
	readonly name: string;
	/** The Unicode (U-label) form when the input was an IDN, else null. */
	readonly unicode: string | null;
	readonly a: FamilyOutcome;
	readonly aaaa: FamilyOutcome;
	/** RFC 6724 order of all addresses with this host's sources; null for an invalid name. */
	readonly selection: Selection | null;
	readonly verdict: Verdict;
	/** A human sentence saying why the verdict is what it is. */
	readonly reason: string;
}
