// `capture -r FILE --json` through the native lane (native/lane-*.c): its frames in C, the rest through the JS pipeline's own decoders.
//
// Decision (issue 6): the JS pipeline spent ~9 µs a packet, most of it objects, strings and the GC. The
// lane reads a classic pcap file's common frames in C (UDP DNS within wire/lean-decode.ts's subset),
// pairs them and writes their exchange lines there. Every other frame (TCP, fragments, other protocols,
// odd names or record types, damage) comes back here and goes through the same decoders the pipeline
// uses (capture/link.ts, ip.ts, tcp-stream.ts, wire/lean-decode.ts): they count it, or describe its
// message to the lane, whose correlator and inventory are the only ones. At the end the lane's names
// are judged by the pipeline's own Inventory.judgeAll, read from the lane a chunk at a time
// (Inventory.fromStore), and the summary is the pipeline's (captureSummary). Used only where it gives the same bytes: a classic pcap file, no filter, NDJSON, no
// -w/--count/--duration; HE6_DNS_CAPTURE_LANE=js turns it off, =native insists on it (the differential tests).
import {frameTime, scanPcapRecords, type Frame} from '../capture/pcap-file.js';
import {TcpReassembler} from '../capture/tcp-stream.js';
import type {NameEvent, SummaryEvent} from '../capture/events.js';
import type {AnswerRecord} from '../capture/records.js';
import type {SoaRecord} from '../resolve/types.js';
import {answerRecords, soaOf} from '../capture/records.js';
import {defaultMaxPending} from '../capture/correlate.js';
import {Inventory, type NameStore, type RestoredFamily, type RestoredName} from '../core/capture-inventory.js';
import type {SelectionSettings} from '../core/selection.js';
import type {Nat64Prefix} from '../resolve/dns64.js';
import {laneTexts} from '../report/capture-json.js';
import {udpBatchAddon} from '../transport/udp-batch.js';
import {decodeMessageLean} from '../wire/lean-decode.js';
import {nameKey} from '../wire/name.js';
import {presentedNames} from '../wire/rr-types.js';
import dnsRcodes from 'dns-packet/rcodes.js';
import {readClassicChunks} from './file-source.js';
import {nativeJudge, type JudgeAddon, type NativeJudge} from './native-judge.js';
import {captureSummary, countReason, frameMessages, type MessageSink, type Reason, type ReasonCounts, type SummaryStats} from '../core/capture-pipeline.js';

/** What native/lane-napi.c and lane-judge-napi.c export (on the same addon as the batch's sockets). */
export interface LaneAddon extends JudgeAddon {
	laneOpen(timeoutMs: number, pairWindowMs: number, maxPending: number, typeNames: readonly (number | string)[], classNames: readonly (number | string)[], rcodeNames: readonly (number | string)[]): LaneHandle;
	laneClose(lane: LaneHandle): void;
	laneScan(lane: LaneHandle, bytes: Uint8Array, at: number, length: number, final: boolean, tcpActive: boolean, little: boolean, nanos: boolean, snaplen: number, linktype: number, result: Float64Array): number;
	laneAdvance(lane: LaneHandle, time: number): void;
	laneSweepDue(lane: LaneHandle, time: number): boolean;
	lanePush(lane: LaneHandle, numbers: Float64Array, source: string, sourcePort: number, destination: string, destinationPort: number, qname: string | null, qnameJson: string | null, folded: string | null, qtype: string | null, qclass: string | null, rcode: string, answersJson: string, soaJson: string | null, answers: readonly (string | number)[]): void;
	laneTake(lane: LaneHandle, target: Uint8Array): number;
	laneFlush(lane: LaneHandle): void;
	laneStats(lane: LaneHandle, out: Float64Array): void;
	laneNames(lane: LaneHandle): number;
	laneNames(lane: LaneHandle, start: number, count: number): [Buffer, string];
	laneInterned(lane: LaneHandle, from: number): string[];
	laneFind(lane: LaneHandle, key: string): number;
}

export interface LaneHandle {
	readonly handle: unknown;
}

/** lane_scan's reasons (native/lane.h). */
const scanDone = 0;
const scanJs = 1;
const scanSweep = 2;
const scanDamaged = 3;
const scanOutput = 4;

/** The lane's statistics (native/lane.h STAT_*), then its packets and messages. */
const stat = {queries: 0, responses: 1, answered: 2, unanswered: 3, unsolicited: 4, retransmissions: 5, duplicateResponses: 6, lateResponses: 7, evicted: 8, pendingPeak: 9, pairs: 10, lostHalves: 11, pending: 12, exchanges: 13, packets: 14, messages: 15} as const;

/** The addon when it has the lane, else null (not built, HE6_DNS_UDP=dgram, or an older build). */
export function laneAddon(): LaneAddon | null {
	const addon = udpBatchAddon() as unknown as Partial<LaneAddon> | null;
	return addon !== null && typeof addon.laneOpen === 'function' ? (addon as LaneAddon) : null;
}

/** What `HE6_DNS_CAPTURE_LANE` asks: 'js' never the lane, 'native' the lane or an error, else the lane where it applies. */
export function laneWanted(env: NodeJS.ProcessEnv = process.env): 'js' | 'native' | 'auto' {
	const value = env['HE6_DNS_CAPTURE_LANE'];
	return value === 'js' || value === 'native' ? value : 'auto';
}

export interface LaneRunOptions {
	readonly path: string;
	readonly maxPending?: number;
	readonly selection: SelectionSettings | null;
	readonly noAaaa: boolean;
	readonly nat64?: readonly Nat64Prefix[];
	/**
	 * The exchange lines, in ~1 MiB pieces, in order; true when the piece is no longer held once this
	 * returns (written at once: a file, /dev/null), so its memory is used again for the next.
	 */
	readonly onBytes: (chunk: Uint8Array) => boolean;
	/** The name records, then the summary. */
	readonly onEvent: (event: NameEvent | SummaryEvent) => void;
	/** The output's backpressure: awaited between chunks (FrameHandlers.ready). */
	readonly ready?: () => Promise<void> | null;
	readonly stopped?: () => boolean;
	/** Called once the file's header is read, with its link type (before any output). */
	readonly onOpen?: (linktype: number) => void;
}

export interface LaneRunResult {
	readonly summary: SummaryEvent;
	/** A read error of the file (truncated, corrupt), in readClassic's words. */
	readonly error: string | null;
	/** Frames the lane read in C (the rest went through the JS decoders); the tests hold it to its subset. */
	readonly nativeFrames: number;
	/** Names judged and written in C (native/lane-judge.c; the rest by Inventory.judgeAll in JS). */
	readonly nativeNames: number;
}

/**
 * The name tables the lane writes type, class and RCODE texts from: rr-types.ts's presented mnemonics
 * (the lane writes TYPEn/CLASSn for the rest, as typeName/className do) and dns-packet's RCODEs.
 */
function nameTables(): {types: (number | string)[]; classes: (number | string)[]; rcodes: (number | string)[]} {
	const flat = (map: ReadonlyMap<number, string>): (number | string)[] => [...map].flat();
	const rcodes: (number | string)[] = [];
	for (let code = 0; code < 16; code++) rcodes.push(code, dnsRcodes.toString(code));
	return {types: flat(presentedNames.types), classes: flat(presentedNames.classes), rcodes};
}

/** The output pieces' size: the lane stops a scan at 1 MiB of lines. */
const outputPiece = 2 << 20;

export async function runNativeLane(addon: LaneAddon, options: LaneRunOptions): Promise<LaneRunResult> {
	const tables = nameTables();
	const maxPending = Math.max(1, options.maxPending ?? defaultMaxPending);
	// The correlator's timeout (5 s, glibc's) and getaddrinfo pair window (10 ms): capture sets neither.
	const lane = addon.laneOpen(5000, 10, maxPending, tables.types, tables.classes, tables.rcodes);
	const counts = {packets: 0, messages: 0, decodeErrors: 0, skipped: 0};
	const reasons: ReasonCounts = {};
	const tcp = new TcpReassembler();
	const numbers = new Float64Array(8);
	const result = new Float64Array(2);
	// Decision: the lines are copied into one reused Buffer while the output takes each piece at once; a
	// fresh 1 MiB Buffer a piece (125 MB for the bench's file) cost ~0.2 s of page faults on this kind of VM.
	let target = Buffer.allocUnsafe(outputPiece);
	const take = (): void => {
		for (;;) {
			const n = addon.laneTake(lane, target);
			if (n === 0) return;
			if (!options.onBytes(target.subarray(0, n))) target = Buffer.allocUnsafe(outputPiece);
			if (n < target.length) return;
		}
	};

	/** A DNS message the JS decoders read, described to the lane's correlator (as the pipeline pushes it to its own). */
	const message: MessageSink = (m, time, s) => {
		counts.messages++;
		const question = m.questions[0];
		const response = m.type === 'response';
		numbers[0] = time;
		numbers[1] = s.transport === 'tcp' ? 1 : 0;
		numbers[2] = m.id;
		numbers[3] = response ? 1 : 0;
		numbers[4] = question === undefined ? 0 : 1;
		numbers[5] = m.flag_aa ? 1 : 0;
		numbers[6] = m.flag_tc ? 1 : 0;
		numbers[7] = m.flag_ad ? 1 : 0;
		const answers = response ? answerRecords(m.answers) : [];
		addon.lanePush(
			lane,
			numbers,
			s.source,
			s.sourcePort,
			s.destination,
			s.destinationPort,
			question?.name ?? null,
			question === undefined ? null : laneTexts.string(question.name),
			question === undefined ? null : nameKey(question.name),
			question?.type ?? null,
			question === undefined ? null : (question.class ?? 'IN'),
			m.rcode,
			laneTexts.answers(answers),
			response ? laneTexts.soa(soaOf(m.authorities)) : null,
			answers.flatMap((rr) => [rr.name, rr.type, rr.ttl, rr.data]),
		);
	};
	const count = (reason: Reason): void => countReason(counts, reasons, reason);

	/** A frame the lane left to JS: the pipeline's push, with the lane as its correlator. */
	const frame = (f: Frame): void => {
		counts.packets++;
		const time = frameTime(f);
		if (addon.laneSweepDue(lane, time)) tcp.evictIdle(time);
		addon.laneAdvance(lane, time);
		frameMessages(f, time, tcp, null, decodeMessageLean, count, message);
	};

	try {
		const end = await readClassicChunks(options.path, {onOpen: (header) => options.onOpen?.(header.linktype), stopped: options.stopped ?? (() => false), ...(options.ready === undefined ? {} : {ready: options.ready})}, (buffer, start, filled, final, header) => {
			let at = start;
			for (;;) {
				const reason = addon.laneScan(lane, buffer, at, filled, final, tcp.size > 0, header.little, header.nanos, header.snaplen, header.linktype, result);
				const next = result[0] as number;
				if (reason === scanDone) {
					take();
					return {offset: next, error: null};
				}
				if (reason === scanOutput) {
					take();
					at = next;
				} else if (reason === scanSweep) {
					tcp.evictIdle(result[1] as number);
					at = next;
				} else if (reason === scanJs || reason === scanDamaged) {
					// One record through the JS scanner (its damage reports are the file reader's), then the lane again.
					const scan = scanPcapRecords(buffer.subarray(0, filled), next, header, final, frame, 1);
					if (scan.error !== null || scan.offset === next) {
						take();
						return scan;
					}
					at = scan.offset;
				} else throw new Error(`capture lane: unknown scan result ${reason}`);
			}
		});
		addon.laneFlush(lane);
		take();
		let judge: NativeJudge | null = null;
		const store = laneStore(addon, lane, (context) => (judge = nativeJudge(addon, lane, context, take, outputPiece)));
		const inventory = Inventory.fromStore(store);
		const stats = new Float64Array(16);
		addon.laneStats(lane, stats);
		await inventory.judgeAll({selection: options.selection, noAaaa: options.noAaaa, nat64: options.nat64 ?? [], final: true, ...(options.ready === undefined ? {} : {ready: options.ready})}, options.onEvent);
		const s = (key: keyof typeof stat): number => stats[stat[key]] as number;
		const correlated: SummaryStats = {
			answered: s('answered'),
			unanswered: s('unanswered'),
			unsolicited: s('unsolicited'),
			retransmissions: s('retransmissions'),
			duplicateResponses: s('duplicateResponses'),
			lateResponses: s('lateResponses'),
			evicted: s('evicted'),
			pendingPeak: s('pendingPeak'),
			pairs: s('pairs'),
			lostHalves: s('lostHalves'),
		};
		const summary = captureSummary(
			{packets: counts.packets + s('packets'), messages: counts.messages + s('messages'), exchanges: s('exchanges'), decodeErrors: counts.decodeErrors, skipped: counts.skipped},
			correlated,
			{maxPending, pcapDrops: 0, reasons, tcp: tcp.stats},
		);
		options.onEvent(summary);
		return {summary, error: end.error, nativeFrames: s('packets'), nativeNames: (judge as NativeJudge | null)?.judged ?? 0};
	} finally {
		addon.laneClose(lane);
	}
}

/**
 * The lane's inventory as an Inventory's store (native/lane-correlate.c lane_name_put's format), names in
 * first-seen order, read a chunk at a time as the judgement asks. Decision: a binary hand-over with one
 * string of texts split once, not JSON (JSON.parse of 100k names' objects took ~0.6 s), and no name held
 * here beyond its chunk's judgement (restoring all 100k first cost ~0.25 s of allocation and promotion).
 */
function laneStore(addon: LaneAddon, lane: LaneHandle, native: NameStore['native']): NameStore {
	const interned: string[] = [];
	const soas = new Map<number, SoaRecord>();
	const text = (id: number): string => {
		if (id >= interned.length) interned.push(...addon.laneInterned(lane, interned.length));
		return interned[id] as string;
	};
	const soa = (id: number): SoaRecord | null => {
		if (id === noId) return null;
		let record = soas.get(id);
		if (record === undefined) soas.set(id, (record = JSON.parse(text(id)) as SoaRecord));
		return record;
	};
	const range = (start: number, count: number): RestoredName[] => {
		const [b, blob] = addon.laneNames(lane, start, count);
		// One split makes every text of the chunk (a Buffer slice to a string each cost ~1 µs).
		const strings = blob.split('\0');
		let next = 0;
		let at = 0;
		const family = (name: string): RestoredFamily => {
			const asked = b.readUInt32LE(at);
			const answered = b.readUInt32LE(at + 4);
			const unanswered = b.readUInt32LE(at + 8);
			const kept = b[at + 12];
			at += 13;
			if (kept === 0) return [asked, answered, unanswered, null];
			const rcode = text(b.readUInt32LE(at));
			const tc = b[at + 4] === 1;
			const soaId = b.readUInt32LE(at + 5);
			const qname = b[at + 9] === 1 ? name : (strings[next++] as string);
			const records = b.readUInt32LE(at + 10);
			at += 14;
			const answers: AnswerRecord[] = [];
			for (let i = 0; i < records; i++) {
				const owner = b[at] === 1 ? qname : (strings[next++] as string);
				answers.push({name: owner, type: text(b.readUInt32LE(at + 1)), ttl: b.readUInt32LE(at + 5), data: strings[next++] as string});
				at += 9;
			}
			return [asked, answered, unanswered, rcode, qname, tc, answers, soa(soaId)];
		};
		const names: RestoredName[] = [];
		while (at < b.length) {
			const name = strings[next++] as string;
			const count_ = b.readDoubleLE(at);
			const lastSeen = b.readDoubleLE(at + 8);
			at += 16;
			const a = family(name);
			names.push({name, count: count_, lastSeen, a, aaaa: family(name)});
		}
		return names;
	};
	return {
		size: addon.laneNames(lane),
		get(key) {
			const index = addon.laneFind(lane, key);
			return index < 0 ? undefined : range(index, 1)[0];
		},
		range,
		...(native === undefined ? {} : {native}),
	};
}

/** lane_name_put's "none" (no SOA) and "the name's own text" (the qname). */
const noId = 0xffffffff;
