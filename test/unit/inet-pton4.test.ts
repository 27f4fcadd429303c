// inetPton4 by char codes against the former string-iterator form, on dotted quads and near misses.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {inetPton4} from '../../src/select/inet-pton.js';
import {parseIp, parsePlainIp} from '../../src/select/policy.js';

/** The former inetPton4, kept as the reference (glibc's resolv/inet_pton.c, one character at a time). */
function formerInetPton4(text: string): number[] | null {
	const octets: number[] = [];
	let current = 0;
	let sawDigit = false;
	for (const ch of text) {
		if (ch >= '0' && ch <= '9') {
			if (sawDigit && current === 0) return null;
			current = current * 10 + Number(ch);
			if (current > 255) return null;
			if (!sawDigit) {
				if (octets.length + 1 > 4) return null;
				sawDigit = true;
			}
		} else if (ch === '.' && sawDigit) {
			if (octets.length + 1 === 4) return null;
			octets.push(current);
			current = 0;
			sawDigit = false;
		} else {
			return null;
		}
	}
	if (!sawDigit || octets.length !== 3) return null;
	octets.push(current);
	return octets;
}

const octet = fc.oneof(fc.integer({min: 0, max: 255}).map(String), fc.constantFrom('00', '01', '010', '256', '999', '1000', '', '-1', '+1', '1 '));
const quadish = fc.array(octet, {minLength: 1, maxLength: 6}).map((parts) => parts.join('.'));
const nearText = fc.string({unit: fc.constantFrom('0', '1', '2', '5', '9', '.', ':', 'a', ' ', '/', '٣', '\u{1d7d9}'), maxLength: 20});

describe('inetPton4 by char codes', () => {
	it('reads what the former form read, and refuses what it refused', () => {
		fc.assert(fc.property(fc.oneof(quadish, nearText, fc.string({unit: 'grapheme', maxLength: 16})), (text) => {
			expect(inetPton4(text)).toEqual(formerInetPton4(text));
		}), {numRuns: 5000});
	});

	it.each(['0.0.0.0', '255.255.255.255', '192.0.2.1', '10.0.0.01', '1.2.3', '1.2.3.4.', '.1.2.3', '1.2.3.4\u{1d7d9}', '1.2.3.٣'])('%s as before', (text) => {
		expect(inetPton4(text)).toEqual(formerInetPton4(text));
	});

	it('parsePlainIp and parseIp give an IPv4 address its ::ffff: form', () => {
		fc.assert(fc.property(fc.array(fc.integer({min: 0, max: 255}), {minLength: 4, maxLength: 4}), (bytes) => {
			const text = bytes.join('.');
			const want = {text, family: 4, bytes, mapped: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes]};
			expect(parsePlainIp(text)).toEqual(want);
			expect(parseIp(text)).toEqual(want);
		}));
	});
});
