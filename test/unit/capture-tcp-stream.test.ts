// DNS over TCP reassembly: random segmentation, reordering and retransmission (seeded), framing, bounds and cleanup.
import {describe, expect, it} from 'vitest';
import {tcpFlags, type Segment} from '../../src/capture/ip.js';
import {TcpReassembler} from '../../src/capture/tcp-stream.js';
import {framed, rng} from '../support/capture-frames.js';

const client = {source: '192.0.2.10', sourcePort: 40000, destination: '192.0.2.53', destinationPort: 53};

function seg(seq: number, payload: Uint8Array | number[], flags: number = tcpFlags.ack | tcpFlags.psh, ports = client): Segment {
	return {family: 4, ...ports, transport: 'tcp', tcp: {seq: seq >>> 0, ack: 0, flags}, payload: Uint8Array.from(payload)};
}

/** Random messages of 12–700 bytes, each starting with its index so order is visible. */
function messages(random: () => number, count: number): Uint8Array[] {
	return Array.from({length: count}, (_, i) => {
		const m = new Uint8Array(12 + Math.floor(random() * 690));
		for (let j = 0; j < m.length; j++) m[j] = Math.floor(random() * 256);
		m[0] = i;
		return m;
	});
}

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** The byte stream cut at random points into segments {seq, bytes}. */
function segmentsOf(random: () => number, stream: Uint8Array, isn: number, maxSize: number): {seq: number; bytes: Uint8Array}[] {
	const out: {seq: number; bytes: Uint8Array}[] = [];
	for (let at = 0; at < stream.length; ) {
		const size = 1 + Math.floor(random() * maxSize);
		out.push({seq: (isn + 1 + at) >>> 0, bytes: stream.subarray(at, at + size)});
		at += size;
	}
	return out;
}

describe('TcpReassembler', () => {
	it('cuts several messages out of one segment', () => {
		const r = new TcpReassembler();
		const [a, b, c] = [Uint8Array.of(1, 2, 3), Uint8Array.of(4), Uint8Array.of(5, 6)];
		const out = r.push(seg(100, concat([framed(a), framed(b), framed(c)])), 1);
		expect(out.map((m) => [...m.bytes])).toEqual([[1, 2, 3], [4], [5, 6]]);
		expect(out[0]).toMatchObject({source: '192.0.2.10', sourcePort: 40000, destination: '192.0.2.53', destinationPort: 53, time: 1});
	});

	it('joins a message split across segments, even inside the length prefix', () => {
		const r = new TcpReassembler();
		const bytes = framed(Uint8Array.of(9, 8, 7, 6, 5));
		expect(r.push(seg(0, bytes.subarray(0, 1)), 1)).toEqual([]);
		expect(r.push(seg(1, bytes.subarray(1, 4)), 2)).toEqual([]);
		const out = r.push(seg(4, bytes.subarray(4)), 3);
		expect(out.map((m) => [...m.bytes])).toEqual([[9, 8, 7, 6, 5]]);
		expect(out[0]?.time).toBe(3); // the segment that completed it
	});

	it('keeps copies: a reused capture buffer does not change emitted or held bytes', () => {
		const r = new TcpReassembler();
		const buffer = Uint8Array.from(framed(Uint8Array.of(1, 2, 3, 4)));
		r.push(seg(996, [], tcpFlags.syn), 0);
		r.push(seg(1000, buffer.subarray(3)), 1); // ahead of the edge: held
		const first = buffer.slice(0, 3);
		buffer.fill(0xff);
		const out = r.push(seg(997, first), 2);
		expect(out.map((m) => [...m.bytes])).toEqual([[1, 2, 3, 4]]);
	});

	it('starts after the SYN, ignores a retransmitted SYN, and takes data in a SYN (TCP Fast Open)', () => {
		const r = new TcpReassembler();
		const m = framed(Uint8Array.of(1, 2));
		r.push(seg(999, [], tcpFlags.syn), 0);
		r.push(seg(999, [], tcpFlags.syn), 1);
		expect(r.push(seg(1000, m), 2)).toHaveLength(1);
		const tfo = new TcpReassembler();
		expect(tfo.push(seg(5000, m, tcpFlags.syn), 0).map((x) => [...x.bytes])).toEqual([[1, 2]]);
	});

	it('handles the sequence number wrapping past 2^32', () => {
		const r = new TcpReassembler();
		const bytes = framed(Uint8Array.from({length: 20}, (_, i) => i));
		r.push(seg(0xfffffff5, [], tcpFlags.syn), 0); // first data byte at 0xfffffff6
		expect(r.push(seg(0xfffffff6, bytes.subarray(0, 10)), 1)).toEqual([]);
		expect(r.push(seg(0, bytes.subarray(10)), 2)).toHaveLength(1);
	});

	it('property: random segmentation, reordering and retransmission give the messages back, in order (500 seeded streams)', () => {
		const totals = {outOfOrder: 0, retransmitted: 0};
		for (let seed = 1; seed <= 500; seed++) {
			const random = rng(seed);
			const sent = messages(random, 1 + Math.floor(random() * 6));
			const stream = concat(sent.map(framed));
			// Every fifth stream starts just below the wrap.
			const isn = seed % 5 === 0 ? 0xffffffff - Math.floor(random() * 500) : Math.floor(random() * 0xffffffff);
			const segments = segmentsOf(random, stream, isn, 1 + Math.floor(random() * 400));
			const wire: {seq: number; bytes: Uint8Array}[] = [];
			for (const s of segments) {
				wire.push(s);
				// Retransmit some segments whole, and some as one repacketized segment spanning the previous one.
				if (random() < 0.2) wire.push(s);
				const previous = wire[wire.length - 2];
				if (random() < 0.1 && previous !== undefined && previous !== s) {
					const start = (previous.seq - isn - 1) >>> 0;
					const end = (s.seq - isn - 1 + s.bytes.length) >>> 0;
					if (start < end) wire.push({seq: previous.seq, bytes: stream.subarray(start, end)});
				}
			}
			// Reorder: swap random neighbours, a few times.
			for (let i = 0; i < wire.length; i++) {
				const j = i + 1 + Math.floor(random() * 3);
				const a = wire[i];
				const b = wire[j];
				if (b !== undefined && a !== undefined && random() < 0.3) [wire[i], wire[j]] = [b, a];
			}
			const r = new TcpReassembler();
			r.push(seg(isn, [], tcpFlags.syn), 0);
			const got: Uint8Array[] = [];
			wire.forEach((s, i) => got.push(...r.push(seg(s.seq, s.bytes), i + 1).map((m) => m.bytes)));
			expect(got.map((m) => Buffer.from(m).toString('hex')), `seed ${seed}`).toEqual(sent.map((m) => Buffer.from(m).toString('hex')));
			expect(r.stats.overflows).toBe(0);
			totals.outOfOrder += r.stats.outOfOrder;
			totals.retransmitted += r.stats.retransmitted;
		}
		// The loop did exercise both paths.
		expect(totals.outOfOrder).toBeGreaterThan(100);
		expect(totals.retransmitted).toBeGreaterThan(100);
	});

	it('counts whole retransmissions and out-of-order arrivals', () => {
		const r = new TcpReassembler();
		const bytes = framed(Uint8Array.of(1, 2, 3, 4, 5, 6));
		r.push(seg(5, [], tcpFlags.syn), 0);
		r.push(seg(10, bytes.subarray(4)), 1); // ahead
		r.push(seg(10, bytes.subarray(4)), 2); // the same again, still ahead
		expect(r.push(seg(6, bytes.subarray(0, 4)), 3)).toHaveLength(1);
		r.push(seg(6, bytes.subarray(0, 4)), 4); // old bytes
		expect(r.stats).toMatchObject({outOfOrder: 1, retransmitted: 2});
	});

	it('gives a direction up when held out-of-order bytes pass the bound', () => {
		const r = new TcpReassembler({maxBufferedBytes: 1000});
		r.push(seg(0, [0, 50]), 0); // a message of 50 announced, 0 bytes of it in
		for (let i = 0; i < 4; i++) r.push(seg(1000 + i * 300, new Uint8Array(300)), 1); // 1200 > 1000 at the fourth
		expect(r.stats.overflows).toBe(1);
		expect(r.size).toBe(0);
	});

	it('drops a direction at FIN, counting a message cut in half', () => {
		const r = new TcpReassembler();
		r.push(seg(0, framed(Uint8Array.of(1, 2))), 0);
		expect(r.size).toBe(1);
		r.push(seg(4, [], tcpFlags.fin | tcpFlags.ack), 1);
		expect(r.size).toBe(0);
		expect(r.stats.incomplete).toBe(0);
		r.push(seg(100, [0, 9, 1, 2]), 2);
		r.push(seg(104, [], tcpFlags.fin | tcpFlags.ack), 3);
		expect(r.size).toBe(0);
		expect(r.stats.incomplete).toBe(1);
	});

	it('waits for data missing before an early FIN', () => {
		const r = new TcpReassembler();
		const bytes = framed(Uint8Array.of(7, 7, 7));
		r.push(seg(200, [], tcpFlags.syn), 0);
		r.push(seg(203, bytes.subarray(2), tcpFlags.fin | tcpFlags.ack), 1);
		expect(r.size).toBe(1);
		expect(r.push(seg(201, bytes.subarray(0, 2)), 2)).toHaveLength(1);
		expect(r.size).toBe(0);
	});

	it('drops both directions at RST', () => {
		const r = new TcpReassembler();
		const reverse = {source: client.destination, sourcePort: client.destinationPort, destination: client.source, destinationPort: client.sourcePort};
		r.push(seg(0, [0, 5, 1]), 0);
		r.push(seg(0, [0, 5, 1], undefined, reverse), 0);
		expect(r.size).toBe(2);
		r.push(seg(3, [], tcpFlags.rst), 1);
		expect(r.size).toBe(0);
		expect(r.stats.incomplete).toBe(2);
	});

	it('evicts idle directions by packet time, and the least recently seen beyond the cap', () => {
		const r = new TcpReassembler({idleMs: 1000, maxStreams: 2});
		const port = (p: number) => ({...client, sourcePort: p});
		r.push(seg(0, [0, 9], undefined, port(1)), 0);
		r.push(seg(0, [0, 9], undefined, port(2)), 500);
		r.evictIdle(1200);
		expect(r.size).toBe(1);
		r.push(seg(0, [0, 9], undefined, port(3)), 1300);
		r.push(seg(0, [0, 9], undefined, port(4)), 1400);
		expect(r.size).toBe(2);
		expect(r.stats.evicted).toBe(2);
	});

	it('joins a stream mid-way without a SYN, from the first payload', () => {
		const r = new TcpReassembler();
		expect(r.push(seg(77777, [], tcpFlags.ack), 0)).toEqual([]); // a bare ACK creates nothing
		expect(r.size).toBe(0);
		expect(r.push(seg(77777, framed(Uint8Array.of(3))), 1)).toHaveLength(1);
	});
});
