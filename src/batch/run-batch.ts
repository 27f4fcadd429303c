// Wires a batch run: shared sockets, pacing, the host checker, resume state, the engine and the writer.
import {createHostChecker, type HostCheckOptions} from '../core/host-check.js';
import {cachedSources} from './cached-sources.js';
import {ChannelPool} from './channel-pool.js';
import {BatchEngine} from './engine.js';
import {DeadlineQueue} from '../transport/deadlines.js';
import type {InputLine} from './line-reader.js';
import type {Shard} from './name-key.js';
import type {RecordWriter} from './output.js';
import {ProgressMeter} from './progress.js';
import type {ResumedLines} from './resume.js';
import {BatchTally, type BatchSummary} from './tally.js';
import {tokenBucket} from './token-bucket.js';
import {monotonicMs} from '../transport/clock.js';

export interface BatchRunOptions {
	readonly check: Omit<HostCheckOptions, 'channels' | 'pace'>;
	readonly lines: AsyncIterable<InputLine>;
	readonly totalLines: number | null;
	readonly concurrency: number;
	readonly qps: number | null;
	readonly shard: Shard | null;
	readonly resumed: ResumedLines | null;
	/** Already holds the resumed records' counts, if any. */
	readonly tally: BatchTally;
	readonly writer: RecordWriter;
}

export interface BatchRun {
	readonly engine: BatchEngine;
	readonly meter: ProgressMeter;
	readonly pool: ChannelPool;
	/** Stop taking new names; the ones in flight finish and are written. */
	stop(signal: string): void;
	/** The summary as of now, for a forced exit: names in flight count as unfinished. */
	summaryNow(): BatchSummary;
	/** Resolves when the run has ended and its records are flushed (the writer is not closed). */
	readonly done: Promise<BatchSummary>;
}

export function startBatch(options: BatchRunOptions): BatchRun {
	const deadlines = new DeadlineQueue();
	const pool = new ChannelPool(deadlines);
	const bucket = options.qps === null ? null : tokenBucket(options.qps);
	const selection = {...options.check.selection, sources: cachedSources(options.check.selection.sources)};
	const checker = createHostChecker({...options.check, selection, channels: pool, ...(bucket === null ? {} : {pace: bucket.pace})}, deadlines);
	const controller = new AbortController();
	let interrupted: string | null = null;
	const engine = new BatchEngine({
		lines: options.lines,
		checker,
		concurrency: options.concurrency,
		timeoutMs: options.check.config.timeout * 1000,
		search: options.check.useSearch,
		shard: options.shard,
		resumed: options.resumed,
		tally: options.tally,
		emit: (record) => options.writer.record(record),
		stop: controller.signal,
	});
	const meter = new ProgressMeter(engine, options.tally, options.totalLines, options.concurrency);
	const started = monotonicMs();
	const summary = (unfinished: number): BatchSummary =>
		options.tally.summary({lines: engine.progress().linesRead, elapsedMs: monotonicMs() - started, qps: options.qps, interrupted, unfinished});
	const done = engine.run().then(
		() => {
			pool.close();
			const final = summary(0);
			options.writer.finish(final);
			return final;
		},
		(error: unknown) => {
			pool.close();
			options.writer.flush();
			throw error;
		},
	);
	return {
		engine,
		meter,
		pool,
		done,
		stop(signal) {
			interrupted ??= signal;
			controller.abort();
		},
		summaryNow: () => summary(engine.progress().inFlight),
	};
}
