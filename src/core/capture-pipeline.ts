// Frames in, capture events out: the one path shared by live capture and `-r` replay.
import type {Endpoint} from '../transport/endpoint.js';
import {decodeMessage} from '../wire/codec.js';
import {decodeMessageLean} from '../wire/lean-decode.js';
import type {SelectionSettings} from './selection.js';
import type {Nat64Prefix} from '../resolve/dns64.js';
import {Correlator, type CorrelateOptions} from '../capture/correlate.js';
import type {CaptureEvent, ExchangeEvent, SummaryEvent} from '../capture/events.js';
import {decodeIp, type IpReject, type Segment} from '../capture/ip.js';
import {Inventory} from './capture-inventory.js';
import {decodeLink, type LinkReject} from '../capture/link.js';
import {frameTime, type Frame} from '../capture/pcap-file.js';
import {TcpReassembler, type TcpStreamOptions} from '../capture/tcp-stream.js';

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

type Reason = LinkReject | IpReject | 'other-port' | `dns-${string}`;
/** Reasons that are not errors: the frame is simply not DNS over UDP/TCP for us. */
const skips = new Set<Reason>(['not-ip', 'not-udp-tcp', 'ip-fragment', 'other-port']);

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
	const message = (bytes: Uint8Array, time: number, source: Endpoint, destination: Endpoint, transport: Segment['transport']): void => {
		const decoded = decode(bytes);
		if (!decoded.ok) return count(`dns-${decoded.error.kind}`);
		counts.messages++;
		emit(correlator.push({time, source, destination, transport, message: decoded.value}));
	};
	const endpoint = (address: string, port: number): Endpoint => ({address, port, scope: null});

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
			const link = decodeLink(frame.linktype, frame.data);
			if (!link.ok) return count(link.error);
			const ip = decodeIp(link.value);
			if (!ip.ok) return count(ip.error);
			const s = ip.value;
			if (ports !== null && !ports.has(s.sourcePort) && !ports.has(s.destinationPort)) return count('other-port');
			const source = endpoint(s.source, s.sourcePort);
			const destination = endpoint(s.destination, s.destinationPort);
			if (s.transport === 'udp') return message(s.payload, time, source, destination, 'udp');
			for (const m of tcp.push(s, time)) message(m.bytes, m.time, source, destination, 'tcp');
		},
		tick(time) {
			emit(correlator.advance(time));
		},
		async flush(end = {}) {
			emit(correlator.flush());
			// Each name's record goes out as it is judged: 100k records are never all held at once.
			await inventory.judgeAll({selection: options.selection ?? null, noAaaa: options.noAaaa ?? false, nat64: options.nat64 ?? [], final: true, ...(options.ready === undefined ? {} : {ready: options.ready})}, options.onEvent);
			const c = correlator.stats;
			const summary: SummaryEvent = {
				kind: 'summary',
				packets: counts.packets,
				messages: counts.messages,
				exchanges: counts.exchanges,
				unanswered: c.unanswered,
				decodeErrors: counts.decodeErrors,
				pcapDrops: end.pcapDrops ?? 0,
				answered: c.answered,
				unsolicited: c.unsolicited,
				retransmissions: c.retransmissions,
				duplicateResponses: c.duplicateResponses,
				lateResponses: c.lateResponses,
				evicted: c.evicted,
				maxPending: correlator.maxPending,
				pendingPeak: c.pendingPeak,
				pairs: c.pairs,
				lostHalves: c.lostHalves,
				skipped: counts.skipped,
				reasons: {...reasons},
				tcp: {...tcp.stats},
			};
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
