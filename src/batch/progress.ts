// Progress of a run as numbers (lines, rate, ETA, tally) and as the plain lines stderr gets without a TTY.
import type {BatchProgress} from './engine.js';
import type {BatchSummary, BatchTally} from './tally.js';
import {monotonicMs} from '../transport/clock.js';

export interface ProgressSnapshot {
	readonly elapsedMs: number;
	/** Lines handled: read, and either recorded, skipped or in flight no more. */
	readonly linesDone: number;
	/** Lines in the input file, or null when unknown (standard input). */
	readonly totalLines: number | null;
	readonly records: number;
	readonly inFlight: number;
	/** The in-flight cap right now, and the --concurrency it may not exceed. */
	readonly limit: number;
	readonly concurrency: number;
	/** Lines per second over the last few seconds. */
	readonly rate: number;
	/** Seconds to go at that rate, or null without a total or a rate. */
	readonly etaSeconds: number | null;
	readonly verdicts: Readonly<Record<string, number>>;
	readonly failed: number;
}

const windowMs = 5000;

/** Samples the engine and the tally; the rate is measured over the last `windowMs`. */
export class ProgressMeter {
	readonly #engine: {progress(): BatchProgress};
	readonly #tally: BatchTally;
	#totalLines: number | null = null;
	readonly #concurrency: number;
	readonly #now: () => number;
	readonly #started: number;
	readonly #samples: {t: number; done: number}[] = [];

	/** `totalLines`: the list's length, or a count still running (null until it is in; null: unknown). */
	constructor(engine: {progress(): BatchProgress}, tally: BatchTally, totalLines: number | null | Promise<number | null>, concurrency: number, now: () => number = monotonicMs) {
		this.#engine = engine;
		this.#concurrency = concurrency;
		this.#tally = tally;
		if (totalLines instanceof Promise) void totalLines.then((n) => (this.#totalLines = n), () => undefined);
		else this.#totalLines = totalLines;
		this.#now = now;
		this.#started = now();
		this.#samples.push({t: this.#started, done: 0});
	}

	sample(): ProgressSnapshot {
		const t = this.#now();
		const p = this.#engine.progress();
		const linesDone = Math.max(0, p.linesRead - p.inFlight);
		this.#samples.push({t, done: linesDone});
		while (this.#samples.length > 2 && (this.#samples[1]?.t ?? t) <= t - windowMs) this.#samples.shift();
		const oldest = this.#samples[0] ?? {t, done: 0};
		const rate = t > oldest.t ? ((linesDone - oldest.done) * 1000) / (t - oldest.t) : 0;
		const total = this.#totalLines;
		const etaSeconds = total === null || rate <= 0 ? null : Math.max(0, (total - linesDone) / rate);
		return {
			elapsedMs: t - this.#started,
			linesDone,
			totalLines: total,
			records: this.#tally.records,
			inFlight: p.inFlight,
			limit: p.limit,
			concurrency: this.#concurrency,
			rate,
			etaSeconds,
			verdicts: {...this.#tally.verdicts},
			failed: this.#tally.failed,
		};
	}
}

/** `1:05`, `12s`, `2:03:00`. */
export function formatDuration(seconds: number): string {
	const s = Math.round(seconds);
	if (s < 60) return `${s}s`;
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function verdictList(verdicts: Readonly<Record<string, number>>): string {
	const parts = Object.entries(verdicts)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([verdict, n]) => `${verdict} ${n}`);
	return parts.length === 0 ? 'no records yet' : parts.join(', ');
}

/** One line for stderr when there is no terminal to draw on. */
export function progressLine(s: ProgressSnapshot): string {
	const of = s.totalLines === null ? `${s.linesDone} lines` : `${s.linesDone}/${s.totalLines} lines (${percent(s.linesDone, s.totalLines)})`;
	const eta = s.etaSeconds === null ? '' : ` · ETA ${formatDuration(s.etaSeconds)}`;
	return `batch: ${of} · ${Math.round(s.rate)} lines/s${eta} · ${inFlight(s)} · ${verdictList(s.verdicts)}\n`;
}

/** `12 in flight`, or with the cap when this process is the bottleneck: `900 in flight (capped at 900 of 2000…)`. */
export function inFlight(s: ProgressSnapshot, short = false): string {
	if (s.limit >= s.concurrency) return `${s.inFlight} in flight`;
	return `${s.inFlight} in flight (capped at ${s.limit} of ${s.concurrency}${short ? '' : ': this process is the bottleneck'})`;
}

function percent(part: number, whole: number): string {
	return whole === 0 ? '100%' : `${Math.min(100, Math.floor((part / whole) * 100))}%`;
}

const statusList = (counts: Readonly<Record<string, number>>): string =>
	Object.entries(counts)
		.map(([status, n]) => `${status} ${n}`)
		.join(', ') || '-';

/** The closing summary on stderr: totals, share migrated, per verdict, per status and family. */
export function summaryText(s: BatchSummary): string {
	const share = s.migratedShare === null ? '' : ` · ${(s.migratedShare * 100).toFixed(1)}% migrated`;
	const extra = [s.duplicates > 0 ? `${s.duplicates} duplicates` : '', s.invalid > 0 ? `${s.invalid} invalid` : '', s.resumed > 0 ? `${s.resumed} from the earlier run` : '']
		.filter(Boolean)
		.join(', ');
	const skipped = Object.entries(s.skipped).filter(([, n]) => n > 0);
	const lines = [
		`batch: ${s.records} records from ${s.lines} lines${share}${s.interrupted === null ? '' : ` · stopped by ${s.interrupted}`}`,
		`  checked   ${s.checked} names in ${formatDuration(s.elapsedMs / 1000)} (${s.namesPerSecond}/s), ${s.queries} queries (${s.queriesPerSecond}/s${s.qps === null ? '' : `, capped at ${s.qps}`})${extra === '' ? '' : `; ${extra}`}`,
		`  verdicts  ${verdictList(s.verdicts)}`,
		`  A         ${statusList(s.status.A)}`,
		`  AAAA      ${statusList(s.status.AAAA)}`,
	];
	if (skipped.length > 0) lines.push(`  no record ${skipped.map(([why, n]) => `${n} ${why}`).join(', ')}`);
	if (s.unfinished > 0) lines.push(`  unfinished ${s.unfinished} names in flight at the forced stop: run again with --resume`);
	else if (s.interrupted !== null) lines.push('  the list was not read to its end: run again with --resume to continue');
	return lines.join('\n') + '\n';
}
