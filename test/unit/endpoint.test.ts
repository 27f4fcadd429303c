// dig-style @server[:port] parsing and the RFC 5452 source comparison.
import {describe, expect, it} from 'vitest';
import {formatEndpoint, parseEndpoint, sameEndpoint} from '../../src/transport/endpoint.js';

describe('parseEndpoint', () => {
	const good: [string, string, number, string | null][] = [
		['1.2.3.4', '1.2.3.4', 53, null],
		['127.0.0.1:5353', '127.0.0.1', 5353, null],
		['::1', '::1', 53, null],
		['[::1]:5353', '::1', 5353, null],
		['fe80::1%eth0', 'fe80::1', 53, 'eth0'],
		['[fe80::1%eth0]:54', 'fe80::1', 54, 'eth0'],
	];
	for (const [text, address, port, scope] of good) it(`parses ${text}`, () => expect(parseEndpoint(text)).toEqual({address, port, scope}));
	for (const bad of ['dns.example', '1.2.3.4:0', '1.2.3.4:70000', '10.0.0.1%eth0', '[::1]:x', '']) {
		it(`refuses '${bad}' with a message`, () => expect(() => parseEndpoint(bad)).toThrow(/server|port|zone/));
	}
});

describe('formatEndpoint and sameEndpoint', () => {
	it('brackets IPv6', () => expect(formatEndpoint({address: '::1', port: 53, scope: null})).toBe('[::1]:53'));
	it('treats ::0001 as ::1 and a mapped IPv4 as IPv4, but a different port as another source', () => {
		expect(sameEndpoint({address: '::0001', port: 53, scope: null}, {address: '::1', port: 53, scope: null})).toBe(true);
		expect(sameEndpoint({address: '::ffff:127.0.0.1', port: 53, scope: null}, {address: '127.0.0.1', port: 53, scope: null})).toBe(true);
		expect(sameEndpoint({address: '127.0.0.1', port: 54, scope: null}, {address: '127.0.0.1', port: 53, scope: null})).toBe(false);
	});
});
