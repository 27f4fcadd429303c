// Presentation-form names: dig-style escaping off the wire, parsing of escapes, and name validation.
import {describe, expect, it} from 'vitest';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import {decodeMessage, encodeQuery} from '../../src/wire/codec.js';
import {decodeName, escapeLabel, escapeText, nameKey, parseName, sameName} from '../../src/wire/name.js';
import {checkName} from '../../src/resolve/names.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('escapeLabel (dig style)', () => {
	const cases: [string, Uint8Array, string][] = [
		['printable ASCII as is', Buffer.from('www'), 'www'],
		['a dot inside a label as \\.', Buffer.from('a.b'), 'a\\.b'],
		['ESC, BEL and NUL as \\DDD', bytes(0x1b, 0x07, 0x00), '\\027\\007\\000'],
		['space as \\032', Buffer.from('a b'), 'a\\032b'],
		['bytes >= 0x80 as \\DDD', bytes(0xc3, 0xbc, 0xff), '\\195\\188\\255'],
		['master-file specials with a backslash', Buffer.from('";()@$\\'), '\\"\\;\\(\\)\\@\\$\\\\'],
		['DEL as \\127', bytes(0x7f), '\\127'],
	];
	for (const [name, input, want] of cases) it(name, () => expect(escapeLabel(input)).toBe(want));
});

describe('escapeText', () => {
	it('never lets a control byte through', () => {
		const shown = escapeText('x\u001b[31mred\u0007\u0000');
		expect(shown).toBe('x\\027[31mred\\007\\000');
		expect(/[\u0000-\u001f\u007f]/.test(shown)).toBe(false);
	});
});

describe('decodeName', () => {
	it('follows a backwards compression pointer (RFC 1035 §4.1.4)', () => {
		// 0: 3 'c' 'o' 'm' 0   5: 1 'a' 0xc0 0x00 → "a.com"
		const buf = bytes(3, 0x63, 0x6f, 0x6d, 0, 1, 0x61, 0xc0, 0x00);
		expect(decodeName(buf, 5)).toEqual({name: 'a.com', bytes: 4});
	});
	it('refuses a pointer to itself or forwards (no loops)', () => {
		expect(() => decodeName(bytes(0xc0, 0x00), 0)).toThrow(/backwards/);
		expect(() => decodeName(bytes(0xc0, 0x02, 0x00), 0)).toThrow(/backwards/);
	});
	it('refuses a label running past the end and a name over 255 octets', () => {
		expect(() => decodeName(bytes(5, 0x61), 0)).toThrow(/past the end/);
		const long = new Uint8Array(321);
		for (let i = 0; i < 5; i++) long.set([63, ...new Array(63).fill(0x61)], i * 64);
		expect(() => decodeName(long, 0)).toThrow(/255/);
	});
	it('decodes the root as "."', () => expect(decodeName(bytes(0), 0)).toEqual({name: '.', bytes: 1}));
});

describe('parseName', () => {
	it('round-trips escapes to the same bytes', () => {
		const labels = parseName('a\\.b.\\027x.example.');
		expect(labels.map((l) => Buffer.from(l).toString('latin1'))).toEqual(['a.b', '\u001bx', 'example']);
	});
	it('refuses empty labels and labels over 63 octets', () => {
		expect(() => parseName('a..b')).toThrow(/empty label/);
		expect(() => parseName(`${'a'.repeat(64)}.example`)).toThrow(/63/);
	});
});

describe('the wire codec keeps hostile names byte-exact and escaped', () => {
	it('a CNAME target with ESC[31m and a dot in a label comes out escaped', () => {
		const reply = dnsPacket.encode({
			type: 'response',
			id: 7,
			questions: [{type: 'A', name: 'q.example'}],
			answers: [{type: 'CNAME', name: 'q.example', ttl: 1, data: 'x\\027[31m.a\\.b.example'}],
		});
		const decoded = decodeMessage(reply);
		expect(decoded.ok).toBe(true);
		if (decoded.ok) expect(decoded.value.answers[0]?.data).toBe('x\\027[31m.a\\.b.example');
	});
	it('encodes a query name with escapes to the right bytes', () => {
		const query = encodeQuery({id: 1, name: 'a\\.b.example', type: 'A', edns: false, ad: false});
		expect(query.subarray(12, 12 + 13)).toEqual(Buffer.from([3, 0x61, 0x2e, 0x62, 7, ...Buffer.from('example'), 0]));
	});
});

describe('checkName', () => {
	it('accepts an ordinary name and keeps its case', () => expect(checkName('WWW.Example.com')).toEqual({ok: true, ascii: 'WWW.Example.com', unicode: null, absolute: false}));
	it('notes a trailing dot as absolute', () => expect(checkName('github.com.')).toMatchObject({ok: true, ascii: 'github.com', absolute: true}));
	it('converts an IDN and keeps both forms', () =>
		expect(checkName('bücher.example')).toEqual({ok: true, ascii: 'xn--bcher-kva.example', unicode: 'bücher.example', absolute: false}));
	it('shows the Unicode form of an A-label input', () => expect(checkName('xn--bcher-kva.example')).toMatchObject({ok: true, unicode: 'bücher.example'}));
	const bad: [string, string, RegExp][] = [
		['an empty label', 'a..example', /empty label/],
		['a label over 63', `${'a'.repeat(64)}.example`, /63/],
		['a name over 253', `${'a'.repeat(60)}.`.repeat(4) + 'abcdefghijklm', /253|255/],
		['a control byte', 'a\u001bb.example', /control/],
		['a space', 'a b.example', /space/],
		['an empty string', '', /empty/],
		['the root alone', '.', /root/],
		['an invalid IDN', 'xn--zz.ü.example', /internationalised|UTS/],
	];
	for (const [what, input, why] of bad) {
		it(`refuses ${what}`, () => {
			const checked = checkName(input);
			expect(checked.ok).toBe(false);
			if (!checked.ok) expect(checked.detail).toMatch(why);
		});
	}
});

describe('checkName gives the canonical presentation form', () => {
	it('escapes master-file specials as the reply will echo them', () => {
		expect(checkName('a@b.example')).toMatchObject({ok: true, ascii: 'a\\@b.example'});
		expect(checkName('x(1).example')).toMatchObject({ok: true, ascii: 'x\\(1\\).example'});
		expect(checkName('a\\@b.example')).toMatchObject({ok: true, ascii: 'a\\@b.example'});
	});
});

describe('nameKey', () => {
	it('is the lowercase form without a trailing dot, whatever the text', () => {
		const reference = (name: string): string => {
			const lower = name.toLowerCase();
			return lower.endsWith('.') && !lower.endsWith('\\.') ? lower.slice(0, -1) : lower;
		};
		fc.assert(
			fc.property(fc.oneof(fc.string({maxLength: 16}), fc.stringMatching(/^[a-zA-Z0-9.\\-]{0,16}$/), fc.string({unit: 'binary', maxLength: 8})), (name) => {
				expect(nameKey(name)).toBe(reference(name));
			}),
			{numRuns: 2000},
		);
	});

	it('sameName is the comparison of the two keys', () => {
		const name = fc.oneof(fc.constantFrom('www.example.com', 'WWW.example.com.', 'www.example.com.', 'a\\.', 'a.'), fc.stringMatching(/^[a-zA-Z.\\]{0,6}$/));
		fc.assert(
			fc.property(name, name, (a, b) => {
				expect(sameName(a, b)).toBe(nameKey(a) === nameKey(b));
				expect(sameName(a, a)).toBe(true);
			}),
			{numRuns: 2000},
		);
	});
});
