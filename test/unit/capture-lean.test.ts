// The capture's lean decoder against the general one: the same results on every fixture, random and mutated input.
import {readdirSync, readFileSync} from 'node:fs';
import dnsPacket from 'dns-packet';
import type {Answer} from 'dns-packet';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {readPcap, type Frame} from '../../src/capture/pcap-file.js';
import {answerRecords, soaOf} from '../../src/capture/records.js';
import {replay} from '../../src/core/capture-pipeline.js';
import {decodeMessage, type Message, type Result, type WireError} from '../../src/wire/codec.js';
import {formatIpv6} from '../../src/wire/address-text.js';
import {decodeMessageLean, readLean} from '../../src/wire/lean-decode.js';
import {seedMessages} from '../support/dns-corpus.js';
import {frameAt, link, query, reply, rng, udpPacket} from '../support/capture-frames.js';
import {linktype} from '../../src/capture/link.js';
import ipaddr from 'ipaddr.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const fixtureDir = new URL('../../fixtures/pcap/', import.meta.url).pathname;
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.pcap'));
const framesOf = (name: string): Frame[] => readPcap(readFileSync(fixtureDir + name)).frames;

/** What the capture reads of a decode result: the error, or the header, question and records as events carry them. */
function seen(result: Result<Message, WireError>): unknown {
	if (!result.ok) return {error: result.error};
	const m = result.value;
	return {
		id: m.id,
		type: m.type,
		flags: m.flags,
		rcode: m.rcode,
		bits: [m.flag_aa, m.flag_tc, m.flag_rd, m.flag_ra, m.flag_ad, m.flag_cd],
		questions: m.questions.map((q) => ({name: q.name, type: q.type, class: q.class})),
		answers: answerRecords(m.answers),
		authorities: answerRecords(m.authorities),
		soa: soaOf(m.authorities),
		additionals: m.additionals.map((rr) => [rr.name, rr.type]),
	};
}

function same(bytes: Uint8Array): void {
	expect(seen(decodeMessageLean(bytes))).toEqual(seen(decodeMessage(bytes)));
}

/** Replies of the shapes the lean reader takes, and some it hands over (MX, TXT, OPT with options). */
const shapes: Buffer[] = [
	...seedMessages,
	dnsPacket.encode({
		type: 'response',
		id: 7,
		flags: dnsPacket.AUTHORITATIVE_ANSWER,
		questions: [{type: 'A', name: 'a.Example'}],
		answers: [
			{type: 'CNAME', name: 'a.Example', ttl: 1, data: 'b.example'},
			{type: 'A', name: 'b.example', ttl: 2, data: '192.0.2.7'},
			{type: 'AAAA', name: 'b.example', ttl: 3, data: '2001:db8::1:0:0:1'},
			{type: 'NS', name: 'example', ttl: 4, data: 'ns.example'},
			{type: 'PTR', name: '7.2.0.192.in-addr.arpa', ttl: 5, data: 'b.example'},
		],
		authorities: [{type: 'SOA', name: 'example', ttl: 6, data: {mname: 'ns.example', rname: 'h\\.master.example', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5}}],
		additionals: [{type: 'OPT', name: '.', udpPayloadSize: 1232} as never],
	}),
	dnsPacket.encode({type: 'response', id: 8, questions: [{type: 'MX', name: 'm.example'}], answers: [{type: 'MX', name: 'm.example', ttl: 1, data: {preference: 10, exchange: 'mx.example'}}]}),
	dnsPacket.encode({type: 'query', id: 9, questions: [{type: 'AAAA', name: 'q.example'}], additionals: [{type: 'OPT', name: '.', udpPayloadSize: 4096, options: [{code: 'PADDING', length: 4}]} as never]}),
	dnsPacket.encode({type: 'response', id: 10, flags: 3, questions: [{type: 'HTTPS', name: 'nx.example'} as never]}),
	Buffer.from(query(11, 'x\\001y.\\.dot\\\\.example', 'A')),
];

const mutated = fc
	.tuple(fc.constantFrom(...shapes), fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {maxLength: 6}), fc.nat(), fc.boolean())
	.map(([seed, flips, cut, truncate]) => {
		const bytes = Buffer.from(seed);
		for (const [at, value] of flips) bytes[at % bytes.length] = value;
		return truncate ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
	});

describe('lean decoder = general decoder', () => {
	it('on every shape, and on random bytes', () => {
		for (const shape of shapes) same(shape);
		// The shapes it takes itself are not handed over (else this compares the general path with itself).
		for (const taken of [shapes[0], shapes[1], shapes[3], shapes[7]]) expect(readLean(taken ?? new Uint8Array())).not.toBeNull();
		for (const handed of [shapes[2], shapes[4], shapes[5]]) expect(readLean(handed ?? new Uint8Array())).toBeNull();
		fc.assert(fc.property(fc.uint8Array({maxLength: 300}), same), {numRuns: runs});
	});

	it('reads the same message when told the question name it expects (the batch lane), whatever the name', () => {
		/** The question's name as the reply spells it, a case variant, a suffix, a longer name, and odd ones. */
		const expected = (bytes: Uint8Array): fc.Arbitrary<string> => {
			const asked = readLean(bytes)?.questions[0]?.name ?? 'a.example';
			return fc.constantFrom(asked, asked.toUpperCase(), asked.split('.').slice(1).join('.'), `x.${asked}`, `${asked}.`, '', '.', 'x\\001y.example', 'a'.repeat(64));
		};
		const message = fc.oneof(fc.constantFrom(...shapes), mutated);
		fc.assert(
			fc.property(
				message.chain((bytes) => fc.tuple(fc.constant(bytes), expected(bytes))),
				([bytes, name]) => {
					expect(readLean(bytes, name)).toEqual(readLean(bytes));
				},
			),
			{numRuns: runs},
		);
		let known = 0;
		for (const shape of shapes) {
			const asked = readLean(shape)?.questions[0]?.name;
			if (asked === undefined) continue;
			expect(readLean(shape, asked)).toEqual(readLean(shape));
			known++;
		}
		expect(known).toBeGreaterThan(3);
	});

	it('on mutated and truncated messages (errors of the same kind and detail)', () => {
		fc.assert(fc.property(mutated, same), {numRuns: runs * 3});
	});

	it('on random records in random order, with compression', () => {
		let taken = 0;
		const name = fc.constantFrom('a.example', 'B.example', 'a.b.c.example', 'x\\000.example', '.', 'example');
		const rr = fc.oneof(
			fc.record({type: fc.constant('A'), name, ttl: fc.nat(), data: fc.ipV4()}),
			fc.record({type: fc.constant('AAAA'), name, ttl: fc.nat(), data: fc.ipV6()}),
			fc.record({type: fc.constantFrom('CNAME', 'NS', 'PTR'), name, ttl: fc.nat(), data: name}),
			fc.record({type: fc.constant('TXT'), name, ttl: fc.nat(), data: fc.constant(['t'])}),
		);
		const soa = fc.record({type: fc.constant('SOA'), name, ttl: fc.nat(), data: fc.record({mname: name, rname: name, serial: fc.nat(), refresh: fc.nat(), retry: fc.nat(), expire: fc.nat(), minimum: fc.nat()})});
		fc.assert(
			fc.property(fc.array(rr, {maxLength: 5}), fc.array(soa, {maxLength: 2}), fc.integer({min: 0, max: 0xffff}), fc.integer({min: 0, max: 0xffff}), (answers, authorities, id, flags) => {
				const bytes = dnsPacket.encode({type: 'response', id, flags, questions: [{type: 'A', name: 'a.example'}], answers: answers as Answer[], authorities: authorities as Answer[]});
				same(bytes);
				if (readLean(bytes) !== null) taken++;
			}),
			{numRuns: runs},
		);
		expect(taken).toBeGreaterThan(runs / 4);
	});

	it('reads names it has cached by their bytes as they are (slots reused, names one byte or one case apart)', () => {
		// More names than the cache has slots (4,096), each read twice with others in between: a slot that
		// held another name, or a name that differs from the slot's by a byte, must never answer for it.
		const names: string[] = [];
		for (let i = 0; i < 6000; i++) {
			const label = `h${String(i).padStart(6, '0')}`;
			names.push(`${label}.bench.test`, `${label.toUpperCase()}.bench.test`, `${label}.bench.tes`, `${label}x.bench.test`);
		}
		const random = rng(7);
		for (let round = 0; round < 2; round++) {
			for (let i = 0; i < names.length; i++) {
				const name = names[round === 0 ? i : Math.floor(random() * names.length)] as string;
				const bytes = dnsPacket.encode({type: 'response', id: i & 0xffff, flags: 0, questions: [{type: 'A', name}], answers: [{type: 'A', name, ttl: 1, data: '10.0.0.1'}]});
				const lean = readLean(bytes);
				expect(lean?.questions[0]?.name).toBe(name);
				expect(lean?.answers[0]?.name).toBe(name);
			}
		}
	});

	it('writes IPv6 addresses as ipaddr.js does (RFC 5952)', () => {
		fc.assert(
			fc.property(fc.uint8Array({minLength: 16, maxLength: 16}), fc.array(fc.integer({min: 0, max: 7}), {maxLength: 8}), (bytes, zeros) => {
				for (const word of zeros) bytes[2 * word] = bytes[2 * word + 1] = 0;
				expect(formatIpv6(bytes, 0)).toBe(ipaddr.fromByteArray([...bytes]).toString());
			}),
			{numRuns: runs},
		);
	});
});

describe('lean pipeline = general pipeline', () => {
	it.each(fixtures)('gives the same events for %s', async (name) => {
		const frames = framesOf(name);
		expect(await replay(frames, {decoder: 'lean'})).toEqual(await replay(frames, {decoder: 'general'}));
	});

	it('gives the same events for fixture frames with bytes flipped or cut (seeded)', async () => {
		const random = rng(11);
		const all = fixtures.flatMap(framesOf);
		const frames: Frame[] = [];
		for (let i = 0; i < 4000; i++) {
			const frame = all[i % all.length];
			if (frame === undefined) continue;
			let data = frame.data.slice();
			for (let flips = Math.floor(random() * 4); flips > 0; flips--) data[Math.floor(random() * data.length)] = Math.floor(random() * 256);
			if (random() < 0.2) data = data.subarray(0, Math.floor(random() * data.length));
			frames.push({...frame, seconds: frame.seconds + Math.floor(i / 50), data});
		}
		expect(await replay(frames, {decoder: 'lean'})).toEqual(await replay(frames, {decoder: 'general'}));
	});

	it('gives the same events for generated exchanges, answered, lost and garbled', async () => {
		const random = rng(5);
		const frames: Frame[] = [];
		const ports = (n: number) => ({source: '192.0.2.1', sourcePort: 40000 + (n % 7), destination: '192.0.2.53', destinationPort: 53});
		const back = (n: number) => ({source: '192.0.2.53', sourcePort: 53, destination: '192.0.2.1', destinationPort: 40000 + (n % 7)});
		for (let i = 0; i < 600; i++) {
			const name = `h${i % 50}.example`;
			const type = i % 2 === 0 ? 'A' : 'AAAA';
			frames.push(frameAt(i * 3, linktype.ethernet, link(linktype.ethernet, udpPacket(ports(i), query(i, name, type)))));
			if (random() < 0.2) continue;
			const answers: Answer[] = type === 'A' ? [{type: 'A', name, ttl: 60, data: `10.0.0.${i % 250}`}] : [{type: 'CNAME', name, ttl: 5, data: 'c.example'}, {type: 'AAAA', name: 'c.example', ttl: 5, data: `fd00::${i.toString(16)}`}];
			const bytes = reply(i, name, type, answers);
			if (random() < 0.1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
			frames.push(frameAt(i * 3 + 1, linktype.ethernet, link(linktype.ethernet, udpPacket(back(i), bytes))));
		}
		expect(await replay(frames, {decoder: 'lean'})).toEqual(await replay(frames, {decoder: 'general'}));
	});
});
