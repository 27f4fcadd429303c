// Frames in, capture events out: the one path shared by live capture and `-r` replay.
import type {Endpoint} from '../transport/endpoint.js';
import {decodeMessage, type Message, type Result, type WireError} from '../wire/codec.js';
import {decodeMessageLean} from '../wire/lean-decode.js';
import type {SelectionSettings} from './selection.js';
import type {Nat64Prefix} from '../resolve/dns64.js';
import {Correlator, type CorrelateOptions, type CorrelateStats} from '../capture/correlate.js';
import type {CaptureEvent, ExchangeEvent, SummaryEvent} from '../capture/events.js';
import {decodeIp, type IpReject, type Segment} from '../capture/ip.js';
import {Inventory} from './capture-inventory.js';
import {decodeLink, type LinkReject} from '../capture/link.js';
import {frameTime, type Frame} from '../capture/pcap-file.js';
import {TcpReassembler, type TcpStreamOptions, type TcpStreamStats} from '../capture/tcp-stream.js';

export interface PipelineOptions extends CorrelateOptions {
	/** Receives every event, synchronously, in order. */
	readonly onEvent: (event: CaptureEvent) => void;
	/**
	 * Only segments with one of these ports (either side) are read as DNS. Default null: every UDP and
	 * TCP segment is, because the BPF filter already chose them (and the fixtures' servers use high ports).
	 */
	readonly ports?: readonly number[] | null;
	readonly tcp?: TcpStreamOptions;
	/** Address selection for the verdicts at the end (kernel or what-if sources); null: DNS alone. */
	readonly selection?: SelectionSettings | null;
	readonly noAaaa?: boolean;
	readonly nat64?: readonly Nat64Prefix[];
	/**
	 * 'lean' (default): common messages read without dns-packet (wire/lean-decode.ts); 'general': every
	 * message through decodeMessage. Same events either way; the differential tests compare the two.
	 */
	readonly decoder?: 'lean' | 'general';
	/** The output's backpressure: awaited between chunks of the inventory's names at the end (InventoryOptions.ready). */
	readonly ready?: () => Promise<void> | null;
}

export interface PipelineStats {
	readonly packets: number;
	readonly messages: number;
	readonly decodeErrors: number;
	readonly skipped: number;
	readonly exchanges: number;
	readonly answered: number;
	readonly unanswered: number;
	readonly unsolicited: number;
	readonly pending: number;
	readonly reasons: Readonly<Record<string, number>>;
}

export interface Pipeline {
	/** Decodes one frame. Nothing refers to `frame.data` afterwards, so a reused capture buffer is fine. */
	push(frame: Frame): void;
	/** Moves time on (ms since the epoch) without a frame: a live capture calls it when the wire is quiet. */
	tick(time: number): void;
	/** Ends the input: pending queries become unanswered, then one `name` event per name and the `summary`. */
	flush(end?: {readonly pcapDrops?: number}): Promise<SummaryEvent>;
	readonly stats: PipelineStats;
	readonly inventory: Inventory;
}

export type Reason = LinkReject | IpReject | 'other-port' | `dns-${string}`;
/** Reasons that are not errors: the frame is simply not DNS over UDP/TCP for us. */
const skips = new Set<Reason>(['not-ip', 'not-udp-tcp', 'ip-fragment', 'other-port']);

/** A DNS decoder as the pipeline takes it: the lean reader (default) or the guarded general one. */
type Decode = (bytes: Uint8Array) => Result<Message, WireError>;

/** Where frameMessages hands each message: decoded, with its time and the segment that carried it. */
export type MessageSink = (message: Message, time: number, segment: Segment) => void;

/**
 * A frame's DNS messages as the pipeline reads them: link, IP, the port set, the UDP payload or the
 * TCP stream's messages, then `decode`; whatever yields no message is counted by its reason. Shared by
 * the pipeline and the native capture lane's JS half (capture-live/native-lane.ts), which differ only
 * in the correlator that takes the messages.
 */
export function frameMessages(frame: Frame, time: number, tcp: TcpReassembler, ports: ReadonlySet<number> | null, decode: Decode, count: (reason: Reason) => void, onMessage: MessageSink): void {
	const link = decodeLink(frame.linktype, frame.data);
	if (!link.ok) return count(link.error);
	const ip = decodeIp(link.value);
	if (!ip.ok) return count(ip.error);
	const s = ip.value;
	if (ports !== null && !ports.has(s.sourcePort) && !ports.has(s.destinationPort)) return count('other-port');
	if (s.transport === 'udp') return decodeOne(s.payload, time, s, decode, count, onMessage);
	for (const m of tcp.push(s, time)) decodeOne(m.bytes, m.time, s, decode, count, onMessage);
}

function decodeOne(bytes: Uint8Array, time: number, segment: Segment, decode: Decode, count: (reason: Reason) => void, onMessage: MessageSink): void {
	const decoded = decode(bytes);
	if (!decoded.ok) return count(`dns-${decoded.error.kind}`);
	onMessage(decoded.value, time, segment);
}

/** The correlator's counters a summary reports (CorrelateStats' own names). */
export type SummaryStats = Pick<CorrelateStats, 'answered' | 'unanswered' | 'unsolicited' | 'retransmissions' | 'duplicateResponses' | 'lateResponses' | 'evicted' | 'pendingPeak' | 'pairs' | 'lostHalves'>;

/** The summary event in the contract's key order, from the frames' counts and the correlator's (the pipeline's and the native lane's). */
export function captureSummary(
	counts: {readonly packets: number; readonly messages: number; readonly exchanges: number; readonly decodeErrors: number; readonly skipped: number},
	c: SummaryStats,
	end: {readonly maxPending: number; readonly pcapDrops: number; readonly reasons: ReasonCounts; readonly tcp: TcpStreamStats},
): SummaryEvent {
	return {
		kind: 'summary',
		packets: counts.packets,
		messages: counts.messages,
		exchanges: counts.exchanges,
		unanswered: c.unanswered,
		decodeErrors: counts.decodeErrors,
		pcapDrops: end.pcapDrops,
		answered: c.answered,
		unsolicited: c.unsolicited,
		retransmissions: c.retransmissions,
		duplicateResponses: c.duplicateResponses,
		lateResponses: c.lateResponses,
		evicted: c.evicted,
		maxPending: end.maxPending,
		pendingPeak: c.pendingPeak,
		pairs: c.pairs,
		lostHalves: c.lostHalves,
		skipped: counts.skipped,
		reasons: {...end.reasons},
		tcp: {...end.tcp},
	};
}

/** Frames counted by reason (the summary's `reasons`, in the order they first happened). */
export type ReasonCounts = Record<string, number>;

/** Counts a frame that yields no message: a skip, or a decode error (the native lane's JS half counts the same way). */
export function countReason(counts: {skipped: number; decodeErrors: number}, reasons: ReasonCounts, reason: Reason): void {
	reasons[reason] = (reasons[reason] ?? 0) + 1;
	if (skips.has(reason)) counts.skipped++;
	else counts.decodeErrors++;
}
/** How often (ms of packet time) idle TCP streams are swept. */
const sweepEveryMs = 1000;

export function createPipeline(options: PipelineOptions): Pipeline {
	const correlator = new Correlator(options);
	const tcp = new TcpReassembler(options.tcp);
	const inventory = new Inventory();
	const ports = options.ports === undefined || options.ports === null ? null : new Set(options.ports);
	const reasons: ReasonCounts = {};
	const counts = {packets: 0, messages: 0, decodeErrors: 0, skipped: 0, exchanges: 0};
	let lastSweep = -Infinity;
	const decode = options.decoder === 'general' ? decodeMessage : decodeMessageLean;

	const emit = (events: readonly ExchangeEvent[]): void => {
		// Indexed: for-of over the correlator's shared empty list and its fresh ones made an iterator a packet.
		for (let i = 0; i < events.length; i++) {
			const event = events[i] as ExchangeEvent;
			counts.exchanges++;
			inventory.add(event);
			options.onEvent(event);
		}
	};
	const count = (reason: Reason): void => countReason(counts, reasons, reason);
	const endpoint = (address: string, port: number): Endpoint => ({address, port, scope: null});
	const message: MessageSink = (m, time, s) => {
		counts.messages++;
		emit(correlator.push({time, source: endpoint(s.source, s.sourcePort), destination: endpoint(s.destination, s.destinationPort), transport: s.transport, message: m}));
	};

	const stats = (): PipelineStats => ({
		...counts,
		answered: correlator.stats.answered,
		unanswered: correlator.stats.unanswered,
		unsolicited: correlator.stats.unsolicited,
		pending: correlator.pending,
		reasons: {...reasons},
	});

	return {
		get stats() {
			return stats();
		},
		inventory,
		push(frame) {
			counts.packets++;
			const time = frameTime(frame);
			if (time - lastSweep >= sweepEveryMs) {
				tcp.evictIdle(time);
				lastSweep = time;
			}
			// Every frame moves time on, so a timeout passes on whatever arrives after it (an ACK, a reject).
			emit(correlator.advance(time));
			frameMessages(frame, time, tcp, ports, decode, count, message);
		},
		tick(time) {
			emit(correlator.advance(time));
		},
		async flush(end = {}) {
			emit(correlator.flush());
			// Each name's record goes out as it is judged: 100k records are never all held at once.
			await inventory.judgeAll({selection: options.selection ?? null, noAaaa: options.noAaaa ?? false, nat64: options.nat64 ?? [], final: true, ...(options.ready === undefined ? {} : {ready: options.ready})}, options.onEvent);
			const summary = captureSummary(counts, correlator.stats, {maxPending: correlator.maxPending, pcapDrops: end.pcapDrops ?? 0, reasons, tcp: tcp.stats});
			options.onEvent(summary);
			return summary;
		},
	};
}

/** Replays frames (a file's) through a fresh pipeline; returns every event, the summary last. */
export async function replay(frames: Iterable<Frame>, options: Omit<PipelineOptions, 'onEvent'> = {}): Promise<CaptureEvent[]> {
	const events: CaptureEvent[] = [];
	const pipeline = createPipeline({...options, onEvent: (event) => events.push(event)});
	for (const frame of frames) pipeline.push(frame);
	await pipeline.flush();
	return events;
}
