// Wires a batch run: shared sockets, pacing, the host checker, resume state, the engine and the writer.
import {createHostChecker, type HostCheckOptions} from '../core/host-check.js';
import {cachedSources} from './cached-sources.js';
import {ChannelPool, poolSockets, wantedRecvBuffer} from './channel-pool.js';
import {createLeanChecker} from './lean-checker.js';
import {LeanUdp} from '../transport/lean-udp.js';
import {batchable, udpBatchAddon} from '../transport/udp-batch.js';
import {socketAddress} from '../transport/endpoint.js';
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
	/** The list, a chunk's lines at a time (line-reader.ts readLineBatches). */
	readonly lines: AsyncIterable<readonly InputLine[]>;
	/** The list's length for the progress view, or a count still running; null: unknown (stdin). */
	readonly totalLines: number | null | Promise<number | null>;
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
	const general = createHostChecker({...options.check, selection, channels: pool, ...(bucket === null ? {} : {pace: bucket.pace})}, deadlines);
	// The lean lane (lean-checker.ts) needs plain paired UDP: no --tcp/use-vc, no single-request, no --qps pacing.
	const lanes = leanEligible(options.check, bucket === null) ? options.check.config.nameservers.map((server) => new LeanUdp(server, options.check.config.timeout * 1000, poolSockets, wantedRecvBuffer)) : [];
	const ready = Promise.all(lanes.map((lane) => lane.open())).then(() => undefined);
	const checker =
		lanes.length === 0 ? general : createLeanChecker(general, {config: options.check.config, edns: options.check.edns, useSearch: options.check.useSearch, lanes, pool, deadlines, ready});
	const closeAll = (): void => {
		pool.close();
		for (const lane of lanes) lane.close();
	};
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
		backlog: () => options.writer.backlog(),
	});
	const meter = new ProgressMeter(engine, options.tally, options.totalLines, options.concurrency);
	const started = monotonicMs();
	const summary = (unfinished: number): BatchSummary =>
		options.tally.summary({lines: engine.progress().linesRead, elapsedMs: monotonicMs() - started, qps: options.qps, interrupted, unfinished});
	const done = engine.run().then(
		() => {
			closeAll();
			const final = summary(0);
			options.writer.finish(final);
			return final;
		},
		(error: unknown) => {
			closeAll();
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

/** How the lean lane's datagrams will cross into the kernel (transport/udp-batch.ts), or null when the run has no lean lane. */
export function leanIo(check: BatchRunOptions['check'], qps: number | null): 'recvmmsg' | 'dgram' | null {
	if (!leanEligible(check, qps === null)) return null;
	return udpBatchAddon() !== null && check.config.nameservers.every((server) => batchable(socketAddress(server))) ? 'recvmmsg' : 'dgram';
}

/** Whether the lean lane can carry this run's first tries exactly as the general path would send them. */
function leanEligible(check: BatchRunOptions['check'], unpaced: boolean): boolean {
	return unpaced && !check.tcp && check.mode === 'parallel' && check.config.nameservers.length > 0;
}
