// Counts for progress and the summary: per verdict, per status and family, per kind of line. No results.
import type {RunSummary} from '../core/events.js';
import type {Status} from '../resolve/types.js';
import type {Brief} from './outcome-code.js';

export type RecordKind = 'checked' | 'duplicate' | 'invalid' | 'resumed';

/** Lines that got no record, by why. */
export interface Skipped {
	comment: number;
	blank: number;
	header: number;
	otherShard: number;
}

/** The summary of a run (or of the whole file, after --resume): the final object of `--format json`. */
export interface BatchSummary {
	readonly lines: number;
	readonly records: number;
	readonly checked: number;
	readonly duplicates: number;
	readonly invalid: number;
	/** Records that were already in the output file (--resume). */
	readonly resumed: number;
	readonly skipped: Readonly<Skipped>;
	readonly verdicts: Readonly<Record<string, number>>;
	readonly status: {readonly A: Readonly<Record<string, number>>; readonly AAAA: Readonly<Record<string, number>>};
	/** migrated ÷ records with a valid name (duplicates count per line), or null without any. */
	readonly migratedShare: number | null;
	readonly queries: number;
	readonly elapsedMs: number;
	/** Checked names (duplicates and resumed records excluded) per second of this run. */
	readonly namesPerSecond: number;
	readonly queriesPerSecond: number;
	readonly qps: number | null;
	/** The signal that stopped the run early, or null when the list was read to its end. */
	readonly interrupted: string | null;
	/** Names in flight when a second signal forced the exit: no record; --resume does them. */
	readonly unfinished: number;
}

const failedStatus = new Set<Status>(['TIMEOUT', 'ERROR', 'INVALID']);
const repliedStatus = new Set<Status>(['NOERROR', 'NODATA', 'NXDOMAIN', 'SERVFAIL', 'REFUSED']);

const bump = (counts: Record<string, number>, key: string): void => {
	counts[key] = (counts[key] ?? 0) + 1;
};

export class BatchTally {
	records = 0;
	checked = 0;
	duplicates = 0;
	invalid = 0;
	resumed = 0;
	queries = 0;
	failed = 0;
	anyReply = false;
	readonly skipped: Skipped = {comment: 0, blank: 0, header: 0, otherShard: 0};
	readonly verdicts: Record<string, number> = {};
	readonly statusA: Record<string, number> = {};
	readonly statusAaaa: Record<string, number> = {};

	add(brief: Brief, kind: RecordKind, queries = 0): void {
		this.records++;
		this[kind === 'duplicate' ? 'duplicates' : kind]++;
		this.queries += queries;
		bump(this.verdicts, brief.verdict);
		bump(this.statusA, brief.a);
		bump(this.statusAaaa, brief.aaaa);
		if (failedStatus.has(brief.a) || failedStatus.has(brief.aaaa)) this.failed++;
		if (repliedStatus.has(brief.a) || repliedStatus.has(brief.aaaa)) this.anyReply = true;
	}

	summary(run: {lines: number; elapsedMs: number; qps: number | null; interrupted: string | null; unfinished: number}): BatchSummary {
		const valid = this.records - (this.statusA['INVALID'] ?? 0);
		const seconds = Math.max(run.elapsedMs, 1) / 1000;
		return {
			lines: run.lines,
			records: this.records,
			checked: this.checked,
			duplicates: this.duplicates,
			invalid: this.invalid,
			resumed: this.resumed,
			skipped: {...this.skipped},
			verdicts: sorted(this.verdicts),
			status: {A: sorted(this.statusA), AAAA: sorted(this.statusAaaa)},
			migratedShare: valid === 0 ? null : Math.round(((this.verdicts['migrated'] ?? 0) / valid) * 10000) / 10000,
			queries: this.queries,
			elapsedMs: Math.round(run.elapsedMs),
			namesPerSecond: Math.round(this.checked / seconds),
			queriesPerSecond: Math.round(this.queries / seconds),
			qps: run.qps,
			interrupted: run.interrupted,
			unfinished: run.unfinished,
		};
	}

	/** The lookup's RunSummary, for its exit-code rule (0 all answered, 2 some failed, 9 no reply). */
	runSummary(elapsedMs: number): RunSummary {
		return {hosts: this.records, answered: this.records - this.failed, failed: this.failed, anyReply: this.anyReply, verdicts: {...this.verdicts}, elapsedMs};
	}
}

function sorted(counts: Readonly<Record<string, number>>): Record<string, number> {
	return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
