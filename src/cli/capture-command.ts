// `he6-dns capture`: live (libpcap) or -r FILE through the capture pipeline, shown as Ink, plain lines or NDJSON.
import type {CaptureEvent, ExchangeEvent, NameEvent, SummaryEvent} from '../capture/events.js';
import {defaultMaxPending} from '../capture/correlate.js';
import {createProcAttribution} from '../capture-live/proc-attribution.js';
import type {Writable} from 'node:stream';
import {startCapture, type CaptureResult, type CaptureRun} from '../capture-live/capture-run.js';
import {laneAddon, laneWanted, runNativeLane, type LaneAddon} from '../capture-live/native-lane.js';
import {defaultInterface} from '../capture-live/default-interface.js';
import {fileMagic, openFileSource} from '../capture-live/file-source.js';
import {linktypeLabel, snapLength, type FrameSource} from '../capture-live/frame-source.js';
import {openLiveSource} from '../capture-live/live-source.js';
import {CaptureSetupError, loadPcap, type PcapModule} from '../capture-live/pcap-binding.js';
import type {SelectionSettings} from '../core/selection.js';
import {exchangeLine, inventoryLine, inventoryTable, summaryText} from '../report/capture-text.js';
import {exchangeJsonLine, nameJsonLine, writeExchangeJson, writeNameJson} from '../report/capture-json.js';
import {JsonBytes} from '../report/json-bytes.js';
import {tuneForLongRun} from './long-run.js';
import {ChunkedOutput, outputBacklog} from '../report/chunked-output.js';
import {jsonLine} from '../report/json.js';
import {loadConfig} from './config.js';
import {UsageError} from './errors.js';
import {exitCode} from './exit-codes.js';
import {selectionSettings, type SelectionFlags} from './selection-options.js';
import {chooseView, type ViewChoice} from './view.js';

export interface CaptureFlags extends SelectionFlags {
	readonly interface?: string;
	readonly read?: string;
	readonly write?: string;
	readonly port?: string;
	readonly filter?: string;
	readonly duration?: string;
	readonly count?: string;
	readonly maxPending?: string;
	readonly json?: boolean;
	readonly plain?: boolean;
}

export const defaultFilter = 'udp port 53 or tcp port 53';

export interface CaptureSettings {
	readonly iface: string | null;
	readonly read: string | null;
	readonly write: string | null;
	/** The BPF filter: always one live; on a file only with --port or --filter. */
	readonly filter: string | null;
	readonly durationMs: number | null;
	readonly count: number | null;
	readonly maxPending: number;
}

function positive(flag: string, text: string | undefined, integer: boolean): number | null {
	if (text === undefined) return null;
	const n = Number(text);
	if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
		throw new UsageError(`${flag} takes a positive ${integer ? 'whole number' : 'number'}, not '${text.replace(/[^\x21-\x7e]/g, '?')}'`);
	}
	return n;
}

/** Flags to settings, every check before anything is opened. */
export function captureSettings(flags: CaptureFlags): CaptureSettings {
	if (flags.read !== undefined && flags.interface !== undefined) throw new UsageError('-i and -r exclude each other: capture live on an interface, or read a file');
	if (flags.filter !== undefined && flags.port !== undefined) throw new UsageError('--port N is the filter "udp port N or tcp port N": give --port or --filter, not both');
	if (flags.read !== undefined && flags.read === flags.write) throw new UsageError('-w would overwrite the file -r reads');
	const port = positive('--port', flags.port, true);
	if (port !== null && port > 65535) throw new UsageError(`--port takes 1 to 65535, not ${port}`);
	const byPort = port === null ? null : `udp port ${port} or tcp port ${port}`;
	const live = flags.read === undefined;
	const duration = positive('--duration', flags.duration, false);
	return {
		iface: live ? (flags.interface ?? null) : null,
		read: flags.read ?? null,
		write: flags.write ?? null,
		filter: flags.filter ?? byPort ?? (live ? defaultFilter : null),
		durationMs: duration === null ? null : duration * 1000,
		count: positive('--count', flags.count, true),
		maxPending: positive('--max-pending', flags.maxPending, true) ?? defaultMaxPending,
	};
}

/** The source, or a one-line UsageError. libpcap is required live; a classic pcap file is read without it. */
async function openSource(settings: CaptureSettings): Promise<FrameSource> {
	try {
		if (settings.read !== null) {
			// A classic file without a filter is read by our own reader: node_pcap is not loaded for it.
			const kind = fileMagic(settings.read);
			const pcap: PcapModule | null = kind === 'pcap' && settings.filter === null ? null : await loadPcap().catch(() => null);
			return openFileSource(pcap, {path: settings.read, filter: settings.filter}, kind);
		}
		const pcap = await loadPcap();
		const iface = settings.iface ?? defaultInterface()?.iface ?? 'any';
		return openLiveSource(pcap, {iface, filter: settings.filter ?? defaultFilter});
	} catch (error) {
		if (error instanceof CaptureSetupError) throw new UsageError(error.message);
		throw error;
	}
}

/** What each view does with the run's events; `finish` prints what is printed once, at the end. */
interface CaptureSink {
	readonly onOpen: (source: FrameSource, linktype: number) => void;
	readonly onEvent: (event: CaptureEvent) => void;
	/** The output's backpressure for a file's reading (FrameHandlers.ready); absent: never wait. */
	readonly ready?: () => Promise<void> | null;
	readonly finish: (result: CaptureResult | null) => Promise<void>;
	/**
	 * Exchange lines already written as NDJSON bytes (the native lane's); only a file's JSON sink takes
	 * them. True when the output no longer holds `chunk` (it was written at once), so it may be reused.
	 */
	readonly bytes?: (chunk: Uint8Array) => boolean;
}

/** What a file's JSON lines are gathered into before a write. */
const chunkBytes = 1 << 20;

/**
 * Bytes queued on the output before a file's reading waits for it to drain. Decision: a file is read
 * and decoded without yielding, so into a pipe (`| jq`, `| gzip`) every line queued in memory until the
 * end: ~165 MB for 400k packets, and without bound for a larger file. A regular file or /dev/null is
 * written synchronously and never queues.
 */
const queueLimit = 8 << 20;

function streamSink(view: 'json' | 'text', out: NodeJS.WritableStream, err: NodeJS.WritableStream): CaptureSink {
	const names: NameEvent[] = [];
	// Decision: live, every line is written as it comes (1–8 ms from reply to line); from a file, lines
	// are gathered into ~1 MiB writes (a write per line cost more than decoding the packet).
	let live = true;
	const chunks = new ChunkedOutput(out);
	const write = (text: string): void => {
		if (live) out.write(text);
		else chunks.write(text);
	};
	// JSON lines from a file are written as bytes (report/capture-json.ts) into ~1 MiB chunks; each
	// chunk goes to the stream whole and is never reused (a pipe may still hold it), as ChunkedOutput's.
	let bytes = new JsonBytes(chunkBytes + 4096);
	const drainBytes = (): void => {
		if (bytes.length === 0) return;
		out.write(bytes.buffer.subarray(0, bytes.length));
		bytes = new JsonBytes(chunkBytes + 4096);
	};
	const drain = (): void => {
		drainBytes();
		chunks.flush();
	};
	return {
		onOpen(source, linktype) {
			live = source.live;
			// tcpdump's line, on stderr (stdout is the data); tests wait for it before sending traffic.
			if (source.live) err.write(`listening on ${source.label}, link-type ${linktypeLabel(linktype)}, snapshot length ${snapLength} bytes, filter "${source.filter ?? ''}"\n`);
		},
		onEvent(event) {
			if (view === 'json') {
				if (live) write(event.kind === 'exchange' ? exchangeJsonLine(event) : event.kind === 'name' ? nameJsonLine(event) : jsonLine(event));
				else {
					if (event.kind === 'exchange') writeExchangeJson(bytes, event);
					else if (event.kind === 'name') writeNameJson(bytes, event);
					else bytes.utf8(jsonLine(event));
					if (bytes.length >= chunkBytes) drainBytes();
				}
				if (event.kind === 'summary') drain();
				return;
			}
			if (event.kind === 'exchange') write(exchangeLine(event) + '\n');
			else if (event.kind === 'name') names.push(event);
			else {
				write(`\n${inventoryTable(names)}${inventoryLine(names)}\n${summaryText(event)}`);
				drain();
			}
		},
		finish: async () => drain(),
		ready: () => (live ? null : outputBacklog(out, queueLimit)),
		bytes(chunk) {
			drainBytes();
			out.write(chunk);
			// A file or /dev/null is written synchronously; a pipe that queues keeps the chunk until its write ends.
			return (out as Partial<Writable>).writableLength === 0;
		},
	};
}

/** The Ink view: exchanges batched to the feed every 100 ms, the inventory judged again each second. */
async function inkSink(run: () => CaptureRun | null, selection: SelectionSettings, noAaaa: boolean): Promise<CaptureSink> {
	const [{CaptureFeed}, {renderCaptureView}] = await Promise.all([import('../ui/capture-state.js'), import('../ui/CaptureApp.js')]);
	const feed = new CaptureFeed();
	const names: NameEvent[] = [];
	let summary: SummaryEvent | null = null;
	let batch: ExchangeEvent[] = [];
	let changed = false;
	let judging = false;
	const flushBatch = (): void => {
		if (batch.length > 0) feed.push({kind: 'exchanges', exchanges: batch});
		batch = [];
	};
	const timers = [setInterval(flushBatch, 100)];
	let source: FrameSource | null = null;
	const view = renderCaptureView(feed, () => run()?.stop('quit'));
	return {
		onOpen(opened, linktype) {
			source = opened;
			feed.push({kind: 'open', source: opened.label, live: opened.live, filter: opened.filter, linktype: linktypeLabel(linktype), startedAt: Date.now()});
			if (!opened.live) return;
			timers.push(setInterval(() => feed.push({kind: 'tick', now: Date.now(), drops: opened.drops()}), 500));
			timers.push(
				setInterval(() => {
					const r = run();
					if (!changed || judging || r === null) return;
					changed = false;
					judging = true;
					void r.pipeline.inventory
						.records({selection, noAaaa})
						.then((list) => feed.push({kind: 'names', names: list}))
						.finally(() => (judging = false));
				}, 1000),
			);
		},
		onEvent(event) {
			if (event.kind === 'exchange') {
				batch.push(event);
				changed = true;
			} else if (event.kind === 'name') names.push(event);
			else summary = event;
		},
		async finish(result) {
			for (const timer of timers) clearInterval(timer);
			flushBatch();
			if (summary !== null) {
				feed.push({kind: 'names', names});
				feed.push({kind: 'end', summary, error: result?.error ?? null});
			} else feed.push({kind: 'end', summary: emptySummary(source?.drops() ?? 0), error: 'capture did not finish'});
			await view;
			// The view is gone from the screen's live region: leave the inventory in the scrollback.
			if (summary !== null) process.stdout.write(`\n${inventoryTable(names)}${inventoryLine(names)}\n${summaryText(summary)}`);
		},
	};
}

function emptySummary(pcapDrops: number): SummaryEvent {
	const tcp = {retransmitted: 0, outOfOrder: 0, overflows: 0, incomplete: 0, evicted: 0};
	const zero = {packets: 0, messages: 0, exchanges: 0, unanswered: 0, decodeErrors: 0, answered: 0, unsolicited: 0, retransmissions: 0, duplicateResponses: 0, lateResponses: 0, evicted: 0, maxPending: defaultMaxPending, pendingPeak: 0, pairs: 0, lostHalves: 0, skipped: 0};
	return {kind: 'summary', ...zero, pcapDrops, reasons: {}, tcp};
}

/**
 * The native capture lane for this run (capture-live/native-lane.ts), or null for the JS pipeline. It
 * applies where it writes the same bytes: NDJSON of a classic pcap file without a filter, without -w,
 * --count or --duration (those stop or copy frame by frame in capture-run.ts). HE6_DNS_CAPTURE_LANE=js
 * never takes it; =native must (a usage error says why it cannot), so a comparison is never JS against JS.
 */
function nativeLane(view: ViewChoice, source: FrameSource, settings: CaptureSettings, sink: CaptureSink): {addon: LaneAddon; path: string; bytes: (chunk: Uint8Array) => boolean} | null {
	const wanted = laneWanted();
	if (wanted === 'js') return null;
	const addon = laneAddon();
	const why =
		view !== 'json' ? 'it writes NDJSON only (--json)' :
		(source.classicFile ?? null) === null ? 'it reads classic pcap files without a filter only' :
		settings.write !== null || settings.count !== null || settings.durationMs !== null ? 'it does not take -w, --count or --duration' :
		addon === null ? 'the native addon is not built (npm run build needs a C compiler)' :
		sink.bytes === undefined ? 'this output takes no bytes' : null;
	if (why === null && addon !== null && sink.bytes !== undefined) return {addon, path: source.classicFile as string, bytes: sink.bytes};
	if (wanted === 'native') throw new UsageError(`HE6_DNS_CAPTURE_LANE=native: the native capture lane cannot be used here: ${why ?? 'unknown'}`);
	return null;
}

function resolvConfNoAaaa(): boolean {
	try {
		return loadConfig({servers: []}).noAaaa;
	} catch {
		return false;
	}
}

export async function captureCommand(flags: CaptureFlags): Promise<number> {
	tuneForLongRun();
	const settings = captureSettings(flags);
	const selection = selectionSettings(flags);
	const noAaaa = resolvConfNoAaaa();
	const view: ViewChoice = chooseView(flags);
	const source = await openSource(settings);
	try {
		let run: CaptureRun | null = null;
		const sink = view === 'ink' ? await inkSink(() => run, selection, noAaaa) : streamSink(view, process.stdout, process.stderr);
		let result: CaptureResult | null = null;
		let stopLane: (() => void) | null = null;
		let signals = 0;
		const onSignal = (signal: NodeJS.Signals): void => {
			// A second Ctrl-C does not wait for the summary.
			if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
			run?.stop('signal');
			stopLane?.();
		};
		process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
		try {
			const lane = nativeLane(view, source, settings, sink);
			if (lane !== null) {
				let stopped = false;
				stopLane = () => void (stopped = true);
				const {summary, error} = await runNativeLane(lane.addon, {path: lane.path, maxPending: settings.maxPending, selection, noAaaa, onBytes: lane.bytes, onEvent: sink.onEvent, onOpen: (linktype) => sink.onOpen(source, linktype), stopped: () => stopped, ...(sink.ready === undefined ? {} : {ready: sink.ready})});
				result = {summary, error, stoppedBy: stopped ? 'signal' : 'end-of-file', written: null};
			} else {
				run = startCapture({
					source,
					onEvent: sink.onEvent,
					onOpen: (linktype) => sink.onOpen(source, linktype),
					...(sink.ready === undefined ? {} : {ready: sink.ready}),
					durationMs: settings.durationMs,
					count: settings.count,
					maxPending: settings.maxPending,
					writePath: settings.write,
					attribute: source.live ? createProcAttribution() : undefined,
					selection,
					noAaaa,
				});
				result = await run.done;
			}
		} finally {
			process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
			await sink.finish(result);
		}
		// Everything read before the damage is out; now the one line about it.
		if (result.error !== null) throw new UsageError(`${result.error}; the events above are what was read before it`);
		return exitCode.ok;
	} catch (error) {
		if (error instanceof CaptureSetupError) throw new UsageError(error.message);
		throw error;
	} finally {
		source.stop();
		// node_pcap's live session keeps the event loop alive after close(): exit once the CLI has set
		// the exit code and printed any error (both happen in microtasks, before this timer fires).
		// Not before stdout has taken every line: a pipe drains asynchronously, and exit() would cut the
		// tail (thousands of unanswered exchanges and names are written at once at the end of a flood).
		if (source.holdsEventLoop) setTimeout(() => process.stdout.write('', () => process.exit()), 0);
	}
}
