// DNS over TCP reassembly: per 4-tuple and direction, in sequence order, cut at the 2-byte length prefix.
import {tcpFlags, type Segment} from './ip.js';

/** One DNS message as it came out of a TCP stream (RFC 1035 §4.2.2 framing removed). */
export interface TcpMessage {
	readonly source: string;
	readonly sourcePort: number;
	readonly destination: string;
	readonly destinationPort: number;
	/** Timestamp (ms) of the segment that completed the message. */
	readonly time: number;
	/** A copy: it stays valid after the frame's buffer is reused. */
	readonly bytes: Uint8Array;
}

export interface TcpStreamOptions {
	/** Out-of-order bytes held per direction before the stream is given up (default 256 KiB). */
	readonly maxBufferedBytes?: number;
	/** Directions tracked at once; the least recently seen is evicted beyond it (default 4096). */
	readonly maxStreams?: number;
	/** A direction with no segment for this long (packet time) is evicted by `evictIdle` (default 60 s). */
	readonly idleMs?: number;
}

export interface TcpStreamStats {
	/** Segments whose bytes were all seen before (retransmissions or capture duplicates). */
	retransmitted: number;
	/** Segments that arrived ahead of a gap and were held until it filled. */
	outOfOrder: number;
	/** Directions given up because held out-of-order bytes passed the bound. */
	overflows: number;
	/** Directions that ended (FIN, RST, eviction) in the middle of a message. */
	incomplete: number;
	/** Directions dropped for idleness or for the stream cap. */
	evicted: number;
}

interface Direction {
	/** Sequence number of the next in-order byte; null until the first SYN or payload is seen. */
	next: number | null;
	/** In-order bytes not yet cut into messages. */
	buffer: Uint8Array;
	/** Out-of-order segments by sequence number. */
	readonly held: Map<number, Uint8Array>;
	heldBytes: number;
	/** Sequence number just past the FIN, once seen. */
	finAt: number | null;
	lastSeen: number;
}

/** Signed distance a − b on the 32-bit sequence circle (RFC 9293 §3.4). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;
const seqAdd = (a: number, n: number): number => (a + n) >>> 0;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
	if (a.length === 0) return b.slice();
	const out = new Uint8Array(a.length + b.length);
	out.set(a, 0);
	out.set(b, a.length);
	return out;
}

const directionKey = (s: string, sp: number, d: string, dp: number): string => `${s}|${sp}|${d}|${dp}`;

export class TcpReassembler {
	readonly stats: TcpStreamStats = {retransmitted: 0, outOfOrder: 0, overflows: 0, incomplete: 0, evicted: 0};
	readonly #streams = new Map<string, Direction>();
	readonly #maxBuffered: number;
	readonly #maxStreams: number;
	readonly #idleMs: number;

	constructor(options: TcpStreamOptions = {}) {
		this.#maxBuffered = options.maxBufferedBytes ?? 256 * 1024;
		this.#maxStreams = options.maxStreams ?? 4096;
		this.#idleMs = options.idleMs ?? 60_000;
	}

	/** Directions currently tracked. */
	get size(): number {
		return this.#streams.size;
	}

	/** Feeds one TCP segment seen at `time` (ms); returns the messages it completed, in order. */
	push(segment: Segment, time: number): TcpMessage[] {
		const tcp = segment.tcp;
		if (tcp === null) return [];
		const key = directionKey(segment.source, segment.sourcePort, segment.destination, segment.destinationPort);
		if ((tcp.flags & tcpFlags.rst) !== 0) {
			// RFC 9293 §3.10.7: RST ends the connection in both directions; what is half-read is lost.
			this.#drop(key);
			this.#drop(directionKey(segment.destination, segment.destinationPort, segment.source, segment.sourcePort));
			return [];
		}
		const syn = (tcp.flags & tcpFlags.syn) !== 0;
		let direction = this.#streams.get(key);
		// A retransmitted SYN (same initial sequence number) changes nothing.
		const newSyn = syn && (direction === undefined || direction.next !== seqAdd(tcp.seq, 1));
		if (direction === undefined || newSyn) {
			// A new SYN starts the direction afresh (port reuse); without one we join mid-stream and
			// assume the first payload starts a message, which holds between messages (the common case).
			if (direction !== undefined) this.#drop(key);
			if (!syn && segment.payload.length === 0) return [];
			direction = {next: null, buffer: new Uint8Array(0), held: new Map(), heldBytes: 0, finAt: null, lastSeen: time};
			this.#add(key, direction);
		} else {
			// Keep the Map in least-recently-seen order for the cap.
			this.#streams.delete(key);
			this.#streams.set(key, direction);
		}
		direction.lastSeen = time;
		// Data in a SYN (TCP Fast Open) starts one past the SYN's own sequence number.
		const dataSeq = syn ? seqAdd(tcp.seq, 1) : tcp.seq;
		direction.next ??= dataSeq;
		if ((tcp.flags & tcpFlags.fin) !== 0) direction.finAt = seqAdd(dataSeq, segment.payload.length);
		const messages: TcpMessage[] = [];
		if (segment.payload.length > 0 && !this.#accept(key, direction, dataSeq, segment.payload)) return messages;
		this.#frame(direction, segment, time, messages);
		if (direction.finAt !== null && direction.next === direction.finAt) this.#drop(key);
		return messages;
	}

	/** Drops directions idle for longer than the idle bound at packet time `now`. */
	evictIdle(now: number): void {
		for (const [key, direction] of this.#streams) {
			// The Map is in last-seen order, so the first fresh one ends the sweep.
			if (now - direction.lastSeen <= this.#idleMs) break;
			this.#drop(key);
			this.stats.evicted++;
		}
	}

	/** Takes bytes at `seq`: in order, trimmed when partly old, held when ahead; false if the direction was given up. */
	#accept(key: string, direction: Direction, seq: number, payload: Uint8Array): boolean {
		const next = direction.next ?? seq;
		const offset = seqDiff(seq, next);
		if (offset + payload.length <= 0) {
			this.stats.retransmitted++;
			return true;
		}
		if (offset > 0) {
			const existing = direction.held.get(seq);
			if (existing !== undefined && existing.length >= payload.length) {
				this.stats.retransmitted++;
				return true;
			}
			this.stats.outOfOrder++;
			direction.heldBytes += payload.length - (existing?.length ?? 0);
			if (direction.heldBytes > this.#maxBuffered) {
				this.stats.overflows++;
				this.#drop(key);
				return false;
			}
			direction.held.set(seq, payload.slice());
			return true;
		}
		// offset ≤ 0: an overlap with bytes already taken (a repacketized retransmission) is cut off.
		if (offset < 0) this.stats.retransmitted++;
		this.#append(direction, payload.subarray(-offset));
		this.#drain(direction);
		return true;
	}

	#append(direction: Direction, bytes: Uint8Array): void {
		direction.buffer = concat(direction.buffer, bytes);
		direction.next = seqAdd(direction.next ?? 0, bytes.length);
	}

	/** Moves held segments that the in-order edge has reached into the buffer. */
	#drain(direction: Direction): void {
		for (let progress = true; progress && direction.held.size > 0; ) {
			progress = false;
			for (const [seq, bytes] of direction.held) {
				const offset = seqDiff(seq, direction.next ?? seq);
				if (offset > 0) continue;
				direction.held.delete(seq);
				direction.heldBytes -= bytes.length;
				if (offset + bytes.length > 0) this.#append(direction, bytes.subarray(-offset));
				progress = true;
			}
		}
	}

	/** Cuts complete length-prefixed messages off the front of the buffer. */
	#frame(direction: Direction, segment: Segment, time: number, out: TcpMessage[]): void {
		let buffer = direction.buffer;
		while (buffer.length >= 2) {
			const length = ((buffer[0] ?? 0) << 8) | (buffer[1] ?? 0);
			if (buffer.length < 2 + length) break;
			out.push({
				source: segment.source,
				sourcePort: segment.sourcePort,
				destination: segment.destination,
				destinationPort: segment.destinationPort,
				time,
				bytes: buffer.slice(2, 2 + length),
			});
			buffer = buffer.subarray(2 + length);
		}
		direction.buffer = buffer;
	}

	#add(key: string, direction: Direction): void {
		if (this.#streams.size >= this.#maxStreams) {
			const oldest = this.#streams.keys().next();
			if (oldest.done !== true) {
				this.#drop(oldest.value);
				this.stats.evicted++;
			}
		}
		this.#streams.set(key, direction);
	}

	#drop(key: string): void {
		const direction = this.#streams.get(key);
		if (direction === undefined) return;
		if (direction.buffer.length > 0 || direction.held.size > 0) this.stats.incomplete++;
		this.#streams.delete(key);
	}
}
