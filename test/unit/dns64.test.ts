// RFC 7050 discovery and RFC 6052 layouts, from the RFC 6052 §2.4 table of examples.
import {describe, expect, it} from 'vitest';
import {discoverPrefixes, embeddedIpv4, synthesizedBy, wellKnownPrefix} from '../../src/resolve/dns64.js';

// RFC 6052 §2.4: 192.0.2.33 embedded under each prefix length (here with 192.0.0.170 for discovery).
const layouts: [string, string, number][] = [
	['2001:db8:c000:aa::', '2001:db8::', 32],
	['2001:db8:1c0:0:aa::', '2001:db8:100::', 40],
	['2001:db8:122:c000:0:aa00::', '2001:db8:122::', 48],
	['2001:db8:122:3c0:0:aa:0:0', '2001:db8:122:300::', 56],
	['2001:db8:122:344:c0:0:aa00:0', '2001:db8:122:344::', 64],
	['64:ff9b::c000:aa', '64:ff9b::', 96],
];

describe('discoverPrefixes (RFC 7050 §3)', () => {
	for (const [answer, prefix, length] of layouts) {
		it(`finds /${length} in ${answer}`, () => expect(discoverPrefixes([answer])).toEqual([{prefix, length}]));
	}
	it('finds the well-known prefix from both well-known addresses once', () => {
		expect(discoverPrefixes(['64:ff9b::192.0.0.170', '64:ff9b::192.0.0.171'])).toEqual([wellKnownPrefix]);
	});
	it('finds nothing in an ordinary AAAA', () => expect(discoverPrefixes(['2a04:f540:1::b93f:930a'])).toEqual([]));
});

describe('synthesizedBy and embeddedIpv4', () => {
	it('marks an address inside a prefix and recovers the IPv4 (RFC 6052 §2.4, 192.0.2.33)', () => {
		const prefix = {prefix: '2001:db8:122:344::', length: 64 as const};
		expect(synthesizedBy('2001:db8:122:344:c0:2:2100:0', [prefix])).toEqual(prefix);
		expect(embeddedIpv4('2001:db8:122:344:c0:2:2100:0', prefix)).toBe('192.0.2.33');
		expect(embeddedIpv4('64:ff9b::c000:221', wellKnownPrefix)).toBe('192.0.2.33');
	});
	it('does not mark an address outside every prefix', () => expect(synthesizedBy('2001:db8::1', [wellKnownPrefix])).toBeNull());
});
