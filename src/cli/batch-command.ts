// `he6-dns batch [@server...] [FILE | -]`: a long list checked fast and politely, one record per name line.
import {existsSync, realpathSync, statSync} from 'node:fs';
import {open} from 'node:fs/promises';
import isInCi from 'is-in-ci';
import {countLines, readLineBatches} from '../batch/line-reader.js';
import {maxLineBytes} from '../batch/input.js';
import {parseShard, type Shard} from '../batch/name-key.js';
import {batchFormats, fileSink, RecordWriter, stdoutSink, type BatchFormat} from '../batch/output.js';
import {choosePoliteness} from '../batch/politeness.js';
import {progressLine, summaryText} from '../batch/progress.js';
import {readResumed, ResumeError, type ResumedLines} from '../batch/resume.js';
import {tuneForLongRun} from './long-run.js';
import {leanIo, startBatch, type BatchRunOptions} from '../batch/run-batch.js';
import {BatchTally} from '../batch/tally.js';
import {rmemMax, wantedRecvBuffer} from '../batch/channel-pool.js';
import {formatEndpoint, type Endpoint} from '../transport/endpoint.js';
import {exitCodeFor} from './exit-codes.js';
import {loadConfig} from './config.js';
import {UsageError} from './errors.js';
import {pairMode, splitArguments} from './lookup-command.js';
import {selectionSettings, type SelectionFlags} from './selection-options.js';

export interface BatchFlags extends SelectionFlags {
	readonly format?: string;
	readonly output?: string;
	readonly concurrency?: string;
	readonly qps?: string;
	readonly retries?: string;
	readonly resume?: boolean;
	readonly shard?: string;
	readonly resolvConf?: string;
	readonly timeout?: string;
	readonly search?: boolean;
	readonly edns?: boolean;
	readonly tcp?: boolean;
	readonly singleRequest?: boolean;
	readonly singleRequestReopen?: boolean;
	readonly dns64?: boolean;
	readonly plain?: boolean;
}

export const defaultBatchConcurrency = 256;

function wholeNumber(text: string | undefined, flag: string, min: number, max: number): number | undefined {
	if (text === undefined) return undefined;
	const n = Number(text);
	if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not '${text}'`);
	return n;
}

function shardFlag(text: string): Shard {
	const shard = parseShard(text);
	if (shard === null) throw new UsageError(`--shard takes K/N with 1 <= K <= N <= 65536 (e.g. 2/4), not '${text}'`);
	return shard;
}

function format(text: string | undefined): BatchFormat {
	const value = text ?? 'ndjson';
	const found = batchFormats.find((f) => f === value);
	if (found === undefined) throw new UsageError(`--format takes ${batchFormats.join(', ')}, not '${value}'`);
	return found;
}

/** The input: a file opened now (so a missing one is a usage error, not a failure mid-run), or stdin. */
async function openInput(file: string): Promise<{chunks: AsyncIterable<Buffer>; total: number | null | Promise<number | null>; close: () => void}> {
	if (file === '-') {
		if (process.stdin.isTTY) throw new UsageError('batch reads names from FILE or standard input; give a FILE or pipe the list in (he6-dns batch names.txt)');
		// Destroyed at the end: a run stopped by a signal must not wait for a writer that never closes the pipe.
		return {chunks: process.stdin, total: null, close: () => process.stdin.destroy()};
	}
	const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
		throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
	});
	// Decision: counted beside the run, not before it: only the progress view reads the total (its
	// percentage and ETA), and counting a 1M-line list held the first query back by ~50 ms.
	const total = countLines(file).catch(() => null);
	// Decision: 16 KiB chunks. A chunk's lines wait as objects until the engine takes them; a 64 KiB
	// chunk's ~3,400 lines lived ~100 ms, through several young collections, and were promoted (ARCHITECTURE.md, Batch).
	const stream = handle.createReadStream({highWaterMark: 16 * 1024});
	return {chunks: stream, total, close: () => stream.destroy()};
}

/** Refuses combinations that would lose or mix records, before anything is written. */
function checkOutput(flags: BatchFlags, fmt: BatchFormat, inputPath: string): void {
	const out = flags.output;
	if (flags.resume === true) {
		if (out === undefined || out === '-') throw new UsageError('--resume needs -o FILE: it continues the records already in that file');
		if (fmt === 'json') throw new UsageError('--resume works with --format ndjson or csv (a JSON document is only whole at the end)');
	}
	if (out === undefined || out === '-') return;
	if (inputPath !== '-' && existsSync(out) && existsSync(inputPath) && realpathSync(out) === realpathSync(inputPath)) throw new UsageError(`-o ${out} is the input file`);
	if (flags.resume !== true && existsSync(out) && statSync(out).size > 0) {
		throw new UsageError(`${out} exists: --resume continues it; remove it to start over`);
	}
}

/** Runs the batch and returns the exit code. */
export async function batchCommand(args: readonly string[], flags: BatchFlags): Promise<number> {
	tuneForLongRun();
	const {servers, names} = splitArguments(args);
	if (names.length > 1) throw new UsageError(`batch takes one list (FILE or -), not ${names.length}: ${names.slice(0, 3).join(' ')}`);
	const fmt = format(flags.format);
	const concurrency = wholeNumber(flags.concurrency, '--concurrency', 1, 10000) ?? defaultBatchConcurrency;
	const retries = wholeNumber(flags.retries, '--retries', 0, 9);
	const qpsFlag = flags.qps === undefined ? undefined : Number(flags.qps);
	if (qpsFlag !== undefined && !(Number.isFinite(qpsFlag) && qpsFlag >= 0 && qpsFlag <= 1_000_000)) throw new UsageError(`--qps takes packets per second (0 for no cap), not '${flags.qps}'`);
	const shard = flags.shard === undefined ? null : shardFlag(flags.shard);
	const config = loadConfig({
		resolvConf: flags.resolvConf,
		servers,
		timeout: flags.timeout,
		attempts: retries === undefined ? undefined : String(retries + 1),
		singleRequest: flags.singleRequest,
		singleRequestReopen: flags.singleRequestReopen,
		tcp: flags.tcp,
	});
	const selection = selectionSettings(flags);
	checkOutput(flags, fmt, names[0] ?? '-');
	const input = await openInput(names[0] ?? '-');

	const tally = new BatchTally();
	let resumed: ResumedLines | null = null;
	let header = true;
	if (flags.resume === true && flags.output !== undefined && existsSync(flags.output)) {
		const read = await readResumed(flags.output, fmt === 'csv' ? 'csv' : 'ndjson', tally).catch((error: unknown) => {
			throw error instanceof ResumeError ? new UsageError(error.message) : error;
		});
		resumed = read.lines;
		header = read.empty;
	}
	const sink = flags.output === undefined || flags.output === '-' ? stdoutSink() : fileSink(flags.output, flags.resume === true);
	const writer = new RecordWriter(fmt, sink);
	writer.start(header);

	const politeness = choosePoliteness(qpsFlag, config.nameservers);
	const toStdout = flags.output === undefined || flags.output === '-';
	const view: 'ink' | 'plain' = flags.plain !== true && process.stderr.isTTY && !isInCi && !(toStdout && process.stdout.isTTY) ? 'ink' : 'plain';
	const check: BatchRunOptions['check'] = {
		config,
		mode: pairMode(config),
		edns: flags.edns !== false,
		tcp: config.useVc,
		// Decision: a list holds full names; the search list would multiply every NXDOMAIN by
		// the number of search domains (packets the --qps budget pays for). --search restores it.
		useSearch: flags.search === true,
		selection,
		discoverNat64: flags.dns64 !== false,
	};
	try {
		return await runBatchView(
			{
				check,
				lines: readLineBatches(input.chunks, maxLineBytes),
				totalLines: input.total,
				concurrency,
				qps: politeness.qps,
				shard,
				resumed,
				tally,
				writer,
			},
			{view, note: politeness.note, heading: heading(config.nameservers, concurrency, politeness.qps, shard, leanIo(check, politeness.qps))},
		);
	} finally {
		writer.close();
		input.close();
	}
}

/** Exit codes beyond the lookup's: a run stopped by a signal exits 128 + its number, as shells expect. */
const signalExit: Readonly<Record<string, number>> = {SIGINT: 130, SIGTERM: 143};
/** How often the plain view writes a progress line. */
const progressEveryMs = 5000;

/** `127.0.0.1:53 · concurrency 256 · no packet cap · recvmmsg`: the last part when the lean lane's batched I/O carries the queries. */
function heading(servers: readonly Endpoint[], concurrency: number, qps: number | null, shard: Shard | null, io: 'recvmmsg' | 'dgram' | null): string {
	const cap = qps === null ? 'no packet cap' : `at most ${qps} packets/s`;
	return `${servers.map(formatEndpoint).join(', ')} · concurrency ${concurrency} · ${cap}${shard === null ? '' : ` · shard ${shard.index}/${shard.count}`}${io === 'recvmmsg' ? ' · recvmmsg' : ''}`;
}

interface ViewSettings {
	readonly view: 'ink' | 'plain';
	readonly note: string | null;
	readonly heading: string;
}

/**
 * Runs the batch under a view and the signal rules: the first SIGINT/SIGTERM stops taking names and
 * lets the ones in flight finish (a few seconds at most: timeout × attempts); a second one exits at
 * once, after flushing what is finished. Either way the summary is written and --resume continues.
 */
async function runBatchView(options: BatchRunOptions, view: ViewSettings): Promise<number> {
	const run = startBatch(options);
	const stderr = process.stderr;
	let signals = 0;
	const onSignal = (signal: NodeJS.Signals): void => {
		signals++;
		if (signals === 1) {
			run.stop(signal);
			if (view.view === 'plain') stderr.write(`batch: ${signal}: finishing the ${run.engine.progress().inFlight} names in flight (${signal} again to stop now)\n`);
			return;
		}
		const summary = run.summaryNow();
		options.writer.finish(summary);
		options.writer.close();
		stderr.write(`\n${summaryText(summary)}`);
		process.exit(signalExit[signal] ?? 130);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	const limit = rmemMax();
	if (limit !== null && limit < wantedRecvBuffer) {
		stderr.write(`batch: net.core.rmem_max is ${limit} bytes, so receive buffers stay small and replies may be dropped at high concurrency; as root: sysctl -w net.core.rmem_max=${wantedRecvBuffer}\n`);
	}
	let ticker: NodeJS.Timeout | null = null;
	try {
		if (view.view === 'ink') {
			const {renderBatchView} = await import('../ui/BatchApp.js'); // React only for the terminal view
			await renderBatchView({heading: view.heading, note: view.note}, () => run.meter.sample(), run.done);
		} else {
			stderr.write(`batch: ${view.heading}\n`);
			if (view.note !== null) stderr.write(`batch: ${view.note}\n`);
			ticker = setInterval(() => stderr.write(progressLine(run.meter.sample())), progressEveryMs);
			ticker.unref();
			stderr.write(summaryText(await run.done));
		}
		const summary = await run.done;
		if (summary.interrupted !== null) return signalExit[summary.interrupted] ?? 130;
		return exitCodeFor(options.tally.runSummary(summary.elapsedMs));
	} finally {
		if (ticker !== null) clearInterval(ticker);
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
}
