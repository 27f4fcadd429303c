// The batch's reply reader against the general path (readLean or dns-packet, the question check, judge()): same outcomes.
import dnsPacket from 'dns-packet';
import type {Answer} from 'dns-packet';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {readAnswer} from '../../src/batch/lean-answer.js';
import {judge} from '../../src/resolve/family.js';
import type {Family, FamilyOutcome} from '../../src/resolve/types.js';
import {ipOfBytes, offerIps, parseIp, parsePlainIp, type Ip} from '../../src/select/policy.js';
import type {Endpoint} from '../../src/transport/endpoint.js';
import {answersQuestion} from '../../src/transport/reply.js';
import {formatIpv6} from '../../src/wire/address-text.js';
import {decodeMessageLean} from '../../src/wire/lean-decode.js';
import {wireName} from '../../src/wire/lean-query.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const server: Endpoint = {address: '127.0.0.1', port: 53} as Endpoint;
const nextServer = new Set(['SERVFAIL', 'REFUSED', 'NOTIMP']);

/** The lean checker's general path for one reply: null where it would not decide from this reply alone. */
function general(bytes: Buffer, qname: string, family: Family, rttMs: number, mismatched: number): FamilyOutcome | null {
	const decoded = decodeMessageLean(bytes, qname);
	if (!decoded.ok || !answersQuestion(decoded.value, {name: qname, type: family})) return null;
	const reply = decoded.value;
	if (reply.flag_tc || nextServer.has(reply.rcode) || reply.rcode === 'FORMERR') return null;
	const progress = {family, qname, chain: [], others: [], queries: 1, mismatched};
	return judge({message: reply, server, transport: 'udp', rttMs}, qname, progress).outcome;
}

/** Both paths on one reply: the reader decides only where the general path does, and then alike. */
function same(bytes: Buffer, qname: string, family: Family): boolean {
	const ips: Ip[] = [];
	const fast = readAnswer(bytes, qname, wireName(qname), family, server, 12.345, 2, ips);
	if (fast === null) return false;
	const slow = general(bytes, qname, family, 12.345, 2);
	expect(fast).toEqual(slow);
	// The same keys in the same order: the NDJSON writer and JSON.stringify see one shape.
	expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
	// Each address's Ip is the one parsing its text gives.
	expect(ips.map((ip) => ip.text)).toEqual(fast.addresses.map((r) => r.address));
	for (const ip of ips) expect({...ip}).toEqual({...parseIp(ip.text)});
	return true;
}

const label = fc.constantFrom('a', 'b', 'www', 'example', 'Example', 'cdn', 'x-1', 'test', 'A', 'c\\.d');
const name = fc.array(label, {minLength: 1, maxLength: 3}).map((labels) => labels.join('.'));
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const v6 = fc.uint8Array({minLength: 16, maxLength: 16}).map((b) => formatIpv6(b, 0));
const soa = (owner: string): Answer => ({type: 'SOA', name: owner, ttl: 60, data: {mname: 'ns1.example', rname: 'hostmaster.example', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5}});

/** A reply to `qname`/`family` with random sections built from a few owners: chains, loops, strays, odd types. */
const reply = fc
	.record({
		qname: name,
		family: fc.constantFrom<Family>('A', 'AAAA'),
		owners: fc.array(name, {minLength: 1, maxLength: 3}),
		answers: fc.array(
			fc.record({owner: fc.oneof(fc.constant(0), fc.constant(0), fc.nat(4)), kind: fc.oneof({weight: 12, arbitrary: fc.constantFrom('address', 'cname')}, {weight: 1, arbitrary: fc.constantFrom('other-family', 'txt', 'ns')}), target: fc.oneof(fc.constant(1), fc.nat(4)), v4, v6, ttl: fc.nat(100)}),
			{maxLength: 4},
		),
		authority: fc.constantFrom('none', 'soa', 'ns', 'soa+ns', 'two-soa', 'txt'),
		additional: fc.constantFrom('none', 'opt', 'a', 'txt'),
		rcode: fc.constantFrom('NOERROR', 'NOERROR', 'NOERROR', 'NXDOMAIN', 'SERVFAIL', 'FORMERR'),
		flags: fc.oneof(fc.constantFrom(0x8180, 0x81a0, 0x8580), fc.integer({min: 0, max: 0xffff})),
		echo: fc.constantFrom('same', 'same', 'same', 'upper', 'other-type', 'other-name'),
	})
	.map((r) => {
		const names = [r.qname, ...r.owners, `${r.qname}.`];
		const pick = (i: number): string => names[i % names.length] as string;
		const answers: Answer[] = r.answers.map((a) => {
			const owner = pick(a.owner);
			const address: Answer = r.family === 'A' ? {type: 'A', name: owner, ttl: a.ttl, data: a.v4} : {type: 'AAAA', name: owner, ttl: a.ttl, data: a.v6};
			if (a.kind === 'address') return address;
			if (a.kind === 'cname') return {type: 'CNAME', name: owner, ttl: a.ttl, data: pick(a.target)};
			if (a.kind === 'other-family') return r.family === 'A' ? {type: 'AAAA', name: owner, ttl: a.ttl, data: a.v6} : {type: 'A', name: owner, ttl: a.ttl, data: a.v4};
			if (a.kind === 'ns') return {type: 'NS', name: owner, ttl: a.ttl, data: 'ns.example'};
			return {type: 'TXT', name: owner, ttl: a.ttl, data: 'hello'};
		});
		const authorities: Answer[] = [];
		if (r.authority.includes('soa')) authorities.push(soa('example'));
		if (r.authority === 'two-soa') authorities.push(soa('other'));
		if (r.authority.includes('ns')) authorities.push({type: 'NS', name: 'example', ttl: 9, data: 'ns2.example'});
		if (r.authority === 'txt') authorities.push({type: 'TXT', name: 'example', ttl: 9, data: 'x'});
		const additionals: Answer[] = [];
		if (r.additional === 'opt') additionals.push({type: 'OPT', name: '.', udpPayloadSize: 1232} as unknown as Answer);
		if (r.additional === 'a') additionals.push({type: 'A', name: 'ns2.example', ttl: 9, data: '192.0.2.1'});
		if (r.additional === 'txt') additionals.push({type: 'TXT', name: 'ns2.example', ttl: 9, data: 'y'});
		const echoed = r.echo === 'upper' ? r.qname.toUpperCase() : r.echo === 'other-name' ? `z.${r.qname}` : r.qname;
		const type = r.echo === 'other-type' ? (r.family === 'A' ? 'AAAA' : 'A') : r.family;
		// Opcode 0, the rcode as given; the other header bits at random (QR, AA, TC, RD, RA, Z, AD, CD).
		const flags = (r.flags & 0x87f0) | (dnsPacket.RECURSION_DESIRED ?? 0);
		const bytes = dnsPacket.encode({type: 'response', id: 1, flags: flags | rcodeBits(r.rcode), questions: [{type, name: echoed}], answers, authorities, additionals});
		return {bytes, qname: r.qname, family: r.family};
	});

function rcodeBits(rcode: string): number {
	return rcode === 'NOERROR' ? 0 : rcode === 'FORMERR' ? 1 : rcode === 'SERVFAIL' ? 2 : 3;
}

describe('batch reply reader', () => {
	it('reads the common replies into the outcome judge() gives', () => {
		const q = 'www.example';
		const cases: [Family, Parameters<typeof dnsPacket.encode>[0]][] = [
			['A', {type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}], answers: [{type: 'A', name: q, ttl: 5, data: '192.0.2.1'}, {type: 'A', name: q, ttl: 5, data: '192.0.2.2'}]}],
			['AAAA', {type: 'response', id: 1, flags: 0x81a0, questions: [{type: 'AAAA', name: q}], answers: [{type: 'CNAME', name: q, ttl: 5, data: 'cdn.example'}, {type: 'CNAME', name: 'cdn.example', ttl: 6, data: 'edge.cdn.example'}, {type: 'AAAA', name: 'edge.cdn.example', ttl: 7, data: '2001:db8::1'}]}],
			['AAAA', {type: 'response', id: 1, flags: 0x8580, questions: [{type: 'AAAA', name: q}], authorities: [soa('example'), {type: 'NS', name: 'example', ttl: 1, data: 'ns.example'}], additionals: [{type: 'OPT', name: '.', udpPayloadSize: 1232} as unknown as Answer]}],
			['A', {type: 'response', id: 1, flags: 0x8183, questions: [{type: 'A', name: q}], authorities: [soa('example')]}],
			['A', {type: 'response', id: 1, flags: 0x8183, questions: [{type: 'A', name: q}], answers: [{type: 'CNAME', name: q, ttl: 5, data: 'gone.example'}], authorities: [soa('example')]}],
			['A', {type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}], answers: [{type: 'CNAME', name: q, ttl: 5, data: 'empty.example'}], authorities: [soa('example')]}],
			['A', {type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}]}],
		];
		for (const [family, message] of cases) expect(same(dnsPacket.encode(message), q, family)).toBe(true);
	});

	it('leaves to the general path what it cannot prove: open chains, loops, other records, other RCODEs, other questions', () => {
		const q = 'www.example';
		const cases: Parameters<typeof dnsPacket.encode>[0][] = [
			{type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}], answers: [{type: 'CNAME', name: q, ttl: 5, data: 'next.example'}]},
			{type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}], answers: [{type: 'CNAME', name: q, ttl: 5, data: 'b.example'}, {type: 'CNAME', name: 'b.example', ttl: 5, data: 'WWW.example'}]},
			{type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}], answers: [{type: 'A', name: q, ttl: 5, data: '192.0.2.1'}, {type: 'TXT', name: q, ttl: 5, data: 'x'}]},
			{type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: q}], answers: [{type: 'A', name: 'WWW.example', ttl: 5, data: '192.0.2.1'}]},
			{type: 'response', id: 1, flags: 0x8182, questions: [{type: 'A', name: q}]},
			{type: 'response', id: 1, flags: 0x8380, questions: [{type: 'A', name: q}]},
			{type: 'response', id: 1, flags: 0x8180, questions: [{type: 'A', name: 'WWW.example'}], answers: [{type: 'A', name: q, ttl: 5, data: '192.0.2.1'}]},
			{type: 'query', id: 1, flags: 0x0100, questions: [{type: 'A', name: q}]},
		];
		for (const message of cases) expect(readAnswer(dnsPacket.encode(message), q, wireName(q), 'A', server, 1, 0, [])).toBeNull();
	});

	it('agrees with the general path on generated replies', () => {
		let taken = 0;
		fc.assert(
			fc.property(reply, ({bytes, qname, family}) => {
				if (same(bytes, qname, family)) taken++;
			}),
			{numRuns: runs},
		);
		// The generator must reach the fast path often, or the property says little.
		expect(taken).toBeGreaterThan(runs / 25);
	});

	it('agrees with the general path on damaged replies (a byte changed, or cut short)', () => {
		fc.assert(
			fc.property(reply, fc.nat(), fc.nat(255), fc.boolean(), ({bytes, qname, family}, at, value, cut) => {
				const damaged = Buffer.from(bytes);
				if (cut) same(damaged.subarray(0, at % (damaged.length + 1)), qname, family);
				else {
					damaged[at % damaged.length] = value;
					same(damaged, qname, family);
				}
			}),
			{numRuns: runs},
		);
	});
});

describe('addresses from bytes', () => {
	it('makes the Ip parseIp makes of the text written from the bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({minLength: 16, maxLength: 16}), fc.boolean(), (bytes, four) => {
				const text = four ? `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}` : formatIpv6(bytes, 0);
				expect({...ipOfBytes(text, bytes, 0, four ? 4 : 6)}).toEqual({...parseIp(text)});
			}),
			{numRuns: runs},
		);
	});

	it('hands an offered Ip to parseIp and parsePlainIp for its text only', () => {
		const offered = ipOfBytes('192.0.2.9', Uint8Array.from([192, 0, 2, 9]), 0, 4);
		offerIps([offered]);
		try {
			expect(parseIp('192.0.2.9')).toBe(offered);
			expect(parsePlainIp('192.0.2.9')).toBe(offered);
			expect(parseIp('192.0.2.10').bytes).toEqual([192, 0, 2, 10]);
		} finally {
			offerIps([]);
		}
		expect(parseIp('192.0.2.9')).not.toBe(offered);
	});
});
