// The batch's lean lane against the general path: same query bytes, the question check, address text.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {describe, expect, it} from 'vitest';
import {inetPton6} from '../../src/select/inet-pton.js';
import {parseIp} from '../../src/select/policy.js';
import {answersQuestion} from '../../src/transport/reply.js';
import {formatIpv4, formatIpv6} from '../../src/wire/address-text.js';
import {encodeQuery} from '../../src/wire/codec.js';
import {encodeLeanQuery, leanQuerySize, wireName, wireNameParsed, writeLeanQuery} from '../../src/wire/lean-query.js';
import {decodeMessageLean} from '../../src/wire/lean-decode.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/);
const name = fc.array(label, {minLength: 1, maxLength: 4}).map((labels) => labels.join('.'));
const v6 = fc.uint8Array({minLength: 16, maxLength: 16}).map((b) => ipaddr.fromByteArray([...b]).toString());

/** The result or the error message, so both paths can be compared on any input. */
const outcomeOf = (f: () => Uint8Array): string => {
	try {
		return Buffer.from(f()).toString('hex');
	} catch (error) {
		return `throws ${(error as Error).message}`;
	}
};

describe('lean lane', () => {
	it('writes a name in wire form as parseName does, fast path or not, errors alike', () => {
		const anyLabel = fc.oneof(label, fc.stringMatching(/^[a-z]{60,66}$/), fc.constantFrom('', 'a\\.b', 'a\\065', 'é', 'a b', '\\', '*', '_x'));
		const anyName = fc.tuple(fc.array(anyLabel, {minLength: 0, maxLength: 6}), fc.constantFrom('', '.', '..')).map(([labels, end]) => labels.join('.') + end);
		const long = fc.array(fc.stringMatching(/^[a-z]{40,63}$/), {minLength: 4, maxLength: 6}).map((labels) => labels.join('.'));
		fc.assert(
			fc.property(fc.oneof(anyName, long, fc.string({maxLength: 12})), (text) => {
				expect(outcomeOf(() => wireName(text))).toBe(outcomeOf(() => wireNameParsed(text)));
			}),
			{numRuns: runs},
		);
	});

	it('encodes queries byte for byte as encodeQuery (dns-packet) does', () => {
		fc.assert(
			fc.property(name, fc.constantFrom('A' as const, 'AAAA' as const), fc.boolean(), fc.boolean(), fc.integer({min: 0, max: 65535}), (qname, type, edns, ad, id) => {
				expect(encodeLeanQuery(id, wireName(qname), type === 'A' ? 1 : 28, edns, ad).equals(encodeQuery({id, name: qname, type, edns, ad}))).toBe(true);
			}),
			{numRuns: runs},
		);
	});

	it('writes the same bytes in place, at any offset of a used arena, and touches nothing else (the batched socket)', () => {
		fc.assert(
			fc.property(name, fc.boolean(), fc.integer({min: 0, max: 65535}), fc.integer({min: 0, max: 200}), (qname, edns, id, offset) => {
				const arena = new Uint8Array(offset + 400).fill(0xee);
				const length = writeLeanQuery(arena, offset, id, wireName(qname), 28, edns, false);
				const expected = encodeQuery({id, name: qname, type: 'AAAA', edns, ad: false});
				expect(length).toBe(leanQuerySize(wireName(qname), edns));
				expect(Buffer.from(arena.subarray(offset, offset + length)).equals(expected)).toBe(true);
				expect(arena.subarray(0, offset).every((b) => b === 0xee) && arena.subarray(offset + length).every((b) => b === 0xee)).toBe(true);
			}),
			{numRuns: runs},
		);
	});

	it('takes a reply read by the lean decoder only for its own question, compared case-insensitively (RFC 4343)', () => {
		const bytes = encodeQuery({id: 1, name: 'WwW.Example.COM', type: 'A', edns: false, ad: false});
		bytes[2] = (bytes[2] ?? 0) | 0x80;
		const decoded = decodeMessageLean(bytes);
		if (!decoded.ok) throw new Error('a plain reply must decode');
		expect(decoded.value.canonical).toBe(true); // the lean reader, not dns-packet
		expect(answersQuestion(decoded.value, {name: 'www.example.com', type: 'A'})).toBe(true);
		expect(answersQuestion(decoded.value, {name: 'www.example.net', type: 'A'})).toBe(false);
		expect(answersQuestion(decoded.value, {name: 'www.example.com', type: 'AAAA'})).toBe(false);
	});

	it('writes dotted quads as dns-packet does (RFC 5952 IPv6 text: capture-lean.test.ts)', () => {
		expect(formatIpv4(Uint8Array.from([192, 0, 2, 255]), 0)).toBe('192.0.2.255');
		expect(formatIpv6(Uint8Array.from([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), 0)).toBe('2001:db8::1:0:0:1');
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
