// RFC 3597 §5 presentation of unknown and undecoded RR types: the name tables, the `\# len hex` form, and decoding that keeps RDATA bytes exact.
import {describe, expect, it} from 'vitest';
import dnsPacket from 'dns-packet';
import {decodeMessage, type WireRecord} from '../../src/wire/codec.js';
import {classCode, className, typeCode, typeName} from '../../src/wire/rr-types.js';
import {genericRdata, rdataText} from '../../src/wire/rdata.js';

describe('type and class names', () => {
	it.each([
		[1, 'A'],
		[28, 'AAAA'],
		[5, 'CNAME'],
		[16, 'TXT'],
		[64, 'TYPE64'], // SVCB: dns-packet does not decode it
		[65, 'TYPE65'], // HTTPS
		[46, 'TYPE46'], // RRSIG: dns-packet has a reader, we do not present its fields
		[257, 'TYPE257'], // CAA: dns-packet reads its value through UTF-8 (lossy)
		[731, 'TYPE731'],
		[62347, 'TYPE62347'],
		[0, 'TYPE0'],
	])('type %i is %s', (code, name) => {
		expect(typeName(code)).toBe(name);
		expect(typeCode(name)).toBe(code);
	});

	it.each([
		['type65', 65],
		['UNKNOWN_65', 65], // dns-packet's own spelling, still read
		['aaaa', 28],
		['TYPE65536', 0],
		['TYPE-1', 0],
		['TYPE 1', 0],
		['TYPE', 0],
		['HTTPS', 0], // not a mnemonic we present: written TYPE65
	])('typeCode(%s) is %i', (name, code) => expect(typeCode(name)).toBe(code));

	it.each([
		[1, 'IN'],
		[3, 'CH'],
		[4, 'HS'],
		[32, 'CLASS32'],
		[65280, 'CLASS65280'],
	])('class %i is %s', (code, name) => {
		expect(className(code)).toBe(name);
		expect(classCode(name)).toBe(code);
	});
});

describe('genericRdata (RFC 3597 §5)', () => {
	it.each([
		['', '\\# 0'],
		['abcdef012345', '\\# 6 abcdef012345'],
		['0a000001', '\\# 4 0a000001'],
	])('%j is %s', (hex, text) => expect(genericRdata(Buffer.from(hex, 'hex'))).toBe(text));
});

// --- Messages built byte by byte (not with dns-packet, whose readers are what is under test). ---

const be16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const wireName = (name: string): number[] => [...name.split('.').flatMap((l) => [l.length, ...Buffer.from(l, 'latin1')]), 0];

/** A response with one question and `records` in the answer section: [owner, type, class, rdata hex]. */
function response(qtype: number, records: readonly (readonly [string, number, number, string])[]): Uint8Array {
	const head = [0, 7, 0x81, 0x80, ...be16(1), ...be16(records.length), 0, 0, 0, 0];
	const question = [...wireName('q.example'), ...be16(qtype), ...be16(1)];
	const body = records.flatMap(([owner, type, klass, hex]) => {
		const rdata = [...Buffer.from(hex, 'hex')];
		return [...wireName(owner), ...be16(type), ...be16(klass), 0, 0, 0, 60, ...be16(rdata.length), ...rdata];
	});
	return Uint8Array.from([...head, ...question, ...body]);
}

function decoded(qtype: number, records: readonly (readonly [string, number, number, string])[]): {qtype: string; answers: readonly WireRecord[]} {
	const result = decodeMessage(response(qtype, records));
	if (!result.ok) throw new Error(`not decoded: ${JSON.stringify(result.error)}`);
	return {qtype: result.value.questions[0]?.type ?? '', answers: result.value.answers};
}

const shown = (rr: WireRecord): string => `${rr.name} ${rr.class ?? ''} ${rr.type} ${rdataText(rr)}`;

describe('decoding keeps what it does not present as exact bytes', () => {
	it('RFC 3597 §5 examples: unknown class and type, empty RDATA, and TYPE1 being A', () => {
		const {answers} = decoded(1, [
			['a.example', 731, 32, 'abcdef012345'],
			['b.example', 62347, 4, ''],
			['e.example', 1, 1, '0a000001'],
			['e.example', 1, 1, '0a000002'],
		]);
		expect(answers.map(shown)).toEqual(['a.example CLASS32 TYPE731 \\# 6 abcdef012345', 'b.example HS TYPE62347 \\# 0', 'e.example IN A 10.0.0.1', 'e.example IN A 10.0.0.2']);
	});

	it.each([
		['HTTPS (RFC 9460) `1 . alpn=h3`', 65, '00010000010003026833'],
		['SVCB alias to svc.example.', 64, '0000037376630765786d706c6500'],
		// Readers that would mis-decode or throw: a one-byte RRSIG, an NSEC with a broken bitmap, a CAA
		// and an HINFO that are not UTF-8 (dns-packet turns 0xff into U+FFFD), a NULL.
		['RRSIG of one byte', 46, 'ff'],
		['NSEC with a bitmap cut short', 47, '0001000105'],
		['CAA with a 0xff value byte', 257, '00056973737565ff'],
		['HINFO with 0xff', 13, '01ff01ff'],
		['DNSKEY', 48, '0101030803010001'],
		['NULL, empty', 10, ''],
	])('%s: TYPE%i with its RDATA as `\\# len hex`, never a decode error', (_label, type, hex) => {
		const {answers} = decoded(type, [['x.example', type, 1, hex], ['x.example', 1, 1, 'c0000201']]);
		expect(answers.map(shown)).toEqual([`x.example IN TYPE${type} ${genericRdata(Buffer.from(hex, 'hex'))}`, 'x.example IN A 192.0.2.1']);
	});

	it('a question of an unknown type is named TYPEn', () => expect(decoded(65, []).qtype).toBe('TYPE65'));

	it('a TXT without any string (RDLENGTH 0) is shown as its bytes, `\\# 0`', () => {
		expect(decoded(16, [['t.example', 16, 1, '']]).answers.map(rdataText)).toEqual(['\\# 0']);
	});

	it('TXT strings are quoted with every byte outside 0x20–0x7E as \\DDD', () => {
		// "a\x1b[2J" and "\x07\x00\x9b\xff\"\\"
		expect(decoded(16, [['t.example', 16, 1, '05611b5b324a0607009bff225c']]).answers.map(rdataText)).toEqual(['"a\\027[2J" "\\007\\000\\155\\255\\"\\\\"']);
	});

	it('TYPEn names also encode (dns-packet alone would send type 0 for an unknown name)', () => {
		const query = dnsPacket.encode({type: 'query', id: 1, questions: [{name: 'x.example', type: 'TYPE65' as 'A', class: 'CLASS32' as 'IN'}]});
		expect([...query.subarray(-4)]).toEqual([0, 65, 0, 32]);
	});
});
