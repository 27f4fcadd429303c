// A record's verdict and two statuses packed in one small integer, for the duplicate and resume tables.
import type {Status, Verdict} from '../resolve/types.js';

export const statuses: readonly Status[] = ['NOERROR', 'NODATA', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR', 'INVALID'];
export const verdicts: readonly Verdict[] = ['migrated', 'v6-not-preferred', 'not-migrated', 'synthetic', 'bogus-aaaa', 'broken-aaaa', 'unresolved', 'error'];

/** What a record says in brief: enough for a duplicate's record and for the summary. */
export interface Brief {
	readonly verdict: Verdict;
	readonly a: Status;
	readonly aaaa: Status;
}

/** 0 is reserved for "not finished yet". */
export const pending = 0;

export function pack(brief: Brief): number {
	return 1 + verdicts.indexOf(brief.verdict) + (statuses.indexOf(brief.a) << 4) + (statuses.indexOf(brief.aaaa) << 8);
}

export function unpack(code: number): Brief | null {
	if (code === pending) return null;
	const value = code - 1;
	const verdict = verdicts[value & 0xf];
	const a = statuses[(value >> 4) & 0xf];
	const aaaa = statuses[(value >> 8) & 0xf];
	return verdict === undefined || a === undefined || aaaa === undefined ? null : {verdict, a, aaaa};
}

/** Reads a brief from untrusted text (a resumed output file); null when any part is unknown. */
export function briefOf(verdict: unknown, a: unknown, aaaa: unknown): Brief | null {
	const v = verdicts.find((x) => x === verdict);
	const sa = statuses.find((x) => x === a);
	const s6 = statuses.find((x) => x === aaaa);
	return v === undefined || sa === undefined || s6 === undefined ? null : {verdict: v, a: sa, aaaa: s6};
}
