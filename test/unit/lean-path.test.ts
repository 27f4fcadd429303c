// The batch's lean lane against the general path: same query bytes, same reply fields, same address text.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {describe, expect, it} from 'vitest';
import {inetPton6} from '../../src/select/inet-pton.js';
import {parseIp} from '../../src/select/policy.js';
import {answersQuestion} from '../../src/transport/reply.js';
import {formatIpv4, formatIpv6} from '../../src/wire/address-text.js';
import {decodeMessage, encodeQuery, type WireRecord} from '../../src/wire/codec.js';
import {encodeLeanQuery, wireName} from '../../src/wire/lean-query.js';
import {readLeanReply} from '../../src/wire/lean-reply.js';
import {seedMessages} from '../support/dns-corpus.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/);
const name = fc.array(label, {minLength: 1, maxLength: 4}).map((labels) => labels.join('.'));
const v6 = fc.uint8Array({minLength: 16, maxLength: 16}).map((b) => ipaddr.fromByteArray([...b]).toString());
const v4 = fc.uint8Array({minLength: 4, maxLength: 4}).map((b) => [...b].join('.'));

/** A resolver's reply: a chain of CNAMEs, addresses, maybe an SOA, with random RCODE and flags. */
const reply = fc
	.record({
		qname: name,
		qtype: fc.constantFrom('A' as const, 'AAAA' as const),
		chain: fc.array(name, {maxLength: 3}),
		addresses: fc.array(fc.oneof(v4, v6), {maxLength: 3}),
		soa: fc.option(name),
		rcode: fc.constantFrom(0, 1, 2, 3, 4, 5, 9),
		flags: fc.integer({min: 0, max: 0x7ff0}),
		edns: fc.boolean(),
		ttl: fc.nat(),
	})
	.map((r) => {
		const answers: object[] = [];
		let owner = r.qname;
		for (const target of r.chain) {
			answers.push({type: 'CNAME', name: owner, ttl: r.ttl, data: target});
			owner = target;
		}
		for (const address of r.addresses) answers.push({type: address.includes(':') ? 'AAAA' : 'A', name: owner, ttl: r.ttl, data: address});
		const bytes = dnsPacket.encode({
			type: 'response',
			id: 7,
			// The header RCODE is the low 4 bits of the flags (9, NOTAUTH, is left to the general path).
			flags: (r.flags & ~0xf) | dnsPacket.RECURSION_DESIRED | r.rcode,
			questions: [{type: r.qtype, name: r.qname}],
			answers,
			authorities: r.soa === null ? [] : [{type: 'SOA', name: r.soa, ttl: r.ttl, data: {mname: `ns.${r.soa}`, rname: `h.${r.soa}`, serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5}}],
			additionals: r.edns ? [{type: 'OPT', name: '.', udpPayloadSize: 1232} as never] : [],
		} as never);
		return {bytes, qname: r.qname, qtype: r.qtype};
	});

/** The reply with bytes overwritten or cut, and the question asked with its case flipped or another name. */
const damaged = fc
	.tuple(fc.oneof(reply, fc.constantFrom(...seedMessages).map((bytes) => ({bytes, qname: 'www.linkedin.com', qtype: 'AAAA' as const}))), fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {maxLength: 4}), fc.option(fc.nat()), fc.boolean(), fc.boolean())
	.map(([r, flips, cut, upper, other]) => {
		const bytes = Buffer.from(r.bytes);
		for (const [at, value] of flips) bytes[at % bytes.length] = value;
		const asked = other ? `x${r.qname}` : upper ? r.qname.toUpperCase() : r.qname;
		return {bytes: cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1)), qname: asked, qtype: r.qtype};
	});

const canonicalRecord = (rr: WireRecord): unknown => ({name: rr.name, type: rr.type, ttl: rr.ttl, data: rr.type === 'AAAA' ? ipaddr.parse(String(rr.data)).toString() : rr.data});

/** The lean reader and decodeMessage agree: whatever the lean one takes, the general one takes the same way. */
function agree(bytes: Uint8Array, qname: string, qtype: 'A' | 'AAAA'): void {
	const read = readLeanReply(bytes, wireName(qname), qtype === 'A' ? 1 : 28);
	if (read.kind === 'general') return;
	const decoded = decodeMessage(bytes);
	expect(decoded.ok).toBe(true);
	if (!decoded.ok) return;
	const message = decoded.value;
	expect(answersQuestion(message, {name: qname, type: qtype})).toBe(read.kind === 'lean');
	if (read.kind !== 'lean') return;
	const lean = read.reply;
	expect([lean.rcode, lean.flag_aa, lean.flag_tc, lean.flag_ad]).toEqual([message.rcode, message.flag_aa, message.flag_tc, message.flag_ad]);
	expect(lean.answers.map(canonicalRecord)).toEqual(message.answers.map(canonicalRecord));
	expect(lean.authorities.map(canonicalRecord)).toEqual(message.authorities.map(canonicalRecord));
}

describe('lean lane', () => {
	it('encodes queries byte for byte as encodeQuery (dns-packet) does', () => {
		fc.assert(
			fc.property(name, fc.constantFrom('A' as const, 'AAAA' as const), fc.boolean(), fc.boolean(), fc.integer({min: 0, max: 65535}), (qname, type, edns, ad, id) => {
				expect(encodeLeanQuery(id, wireName(qname), type === 'A' ? 1 : 28, edns, ad).equals(encodeQuery({id, name: qname, type, edns, ad}))).toBe(true);
			}),
			{numRuns: runs},
		);
	});

	it('reads resolver replies as decodeMessage does, and takes the common ones itself', () => {
		let lean = 0;
		fc.assert(
			fc.property(reply, ({bytes, qname, qtype}) => {
				agree(bytes, qname, qtype);
				if (readLeanReply(bytes, wireName(qname), qtype === 'A' ? 1 : 28).kind === 'lean') lean++;
			}),
			{numRuns: runs},
		);
		// Not a timing: the lane must actually carry the plain replies (all but RCODE 9), or it is only overhead.
		expect(lean).toBeGreaterThan(runs * 0.7);
	});

	it('agrees with decodeMessage on damaged replies and other questions (never throws)', () => {
		fc.assert(
			fc.property(damaged, ({bytes, qname, qtype}) => agree(bytes, qname, qtype)),
			{numRuns: runs},
		);
		for (const seed of seedMessages) expect(() => readLeanReply(seed, wireName('x.example'), 1)).not.toThrow();
	});

	it('compares the echoed question case-insensitively (RFC 4343) and refuses another name', () => {
		const bytes = encodeQuery({id: 1, name: 'WwW.Example.COM', type: 'A', edns: false, ad: false});
		bytes[2] = (bytes[2] ?? 0) | 0x80;
		expect(readLeanReply(bytes, wireName('www.example.com'), 1).kind).toBe('lean');
		expect(readLeanReply(bytes, wireName('www.example.net'), 1).kind).toBe('mismatch');
		expect(readLeanReply(bytes, wireName('www.example.com'), 28).kind).toBe('mismatch');
	});

	it('writes address text as ipaddr.js does (RFC 5952) and dotted quads as dns-packet does', () => {
		fc.assert(
			fc.property(fc.uint8Array({minLength: 16, maxLength: 16}), (bytes) => {
				expect(formatIpv6(bytes, 0)).toBe(ipaddr.fromByteArray([...bytes]).toString());
			}),
			{numRuns: runs},
		);
		for (const bytes of [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]]) {
			expect(formatIpv6(Uint8Array.from(bytes), 0)).toBe(ipaddr.fromByteArray(bytes).toString());
		}
		expect(formatIpv4(Uint8Array.from([192, 0, 2, 255]), 0)).toBe('192.0.2.255');
	});

	it('parses IPv6 text to the bytes inet_pton gives, through the fast path and past it', () => {
		fc.assert(
			fc.property(fc.oneof(fc.ipV6(), v6, fc.stringMatching(/^[0-9a-fA-F:.]{0,40}$/)), (text) => {
				const exact = ipaddr.IPv6.isValid(text) ? inetPton6(text) : null;
				let fast: readonly number[] | null;
				try {
					fast = parseIp(text).bytes;
				} catch {
					fast = null;
				}
				if (text.includes(':')) expect(fast).toEqual(exact);
			}),
			{numRuns: runs * 10},
		);
	});
});
