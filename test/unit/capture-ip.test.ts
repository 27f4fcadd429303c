// IPv4 and IPv6 decoding down to UDP/TCP: header checks, fragments, extension headers, and the rejects.
import {describe, expect, it} from 'vitest';
import {decodeIp, tcpFlags, type Segment} from '../../src/capture/ip.js';
import type {NetworkPacket} from '../../src/capture/link.js';
import {ipv4, ipv6, tcp, udp, type Ports} from '../support/capture-frames.js';

const v4ports: Ports = {source: '192.0.2.10', sourcePort: 40000, destination: '198.51.100.53', destinationPort: 53};
const v6ports: Ports = {source: '2001:db8::10', sourcePort: 40000, destination: '2001:db8::53', destinationPort: 53};
const payload = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);

const p4 = (bytes: Uint8Array | number[]): NetworkPacket => ({protocol: 'ipv4', bytes: Uint8Array.from(bytes)});
const p6 = (bytes: Uint8Array | number[]): NetworkPacket => ({protocol: 'ipv6', bytes: Uint8Array.from(bytes)});

function segment(packet: NetworkPacket): Segment {
	const result = decodeIp(packet);
	if (!result.ok) throw new Error(`rejected: ${result.error}`);
	return result.value;
}

const reason = (packet: NetworkPacket): string | null => {
	const result = decodeIp(packet);
	return result.ok ? null : result.error;
};

describe('IPv4', () => {
	it('decodes a hand-built UDP datagram', () => {
		const bytes = [
			0x45, //                   version 4, IHL 5 (20 bytes)
			0x00, //                   DSCP/ECN
			0x00, 0x20, //             total length 32 = 20 + 8 + 4
			0x12, 0x34, //             identification
			0x40, 0x00, //             flags DF, fragment offset 0
			0x40, //                   TTL 64
			0x11, //                   protocol 17, UDP
			0x00, 0x00, //             header checksum (not verified)
			0xc0, 0x00, 0x02, 0x0a, // source 192.0.2.10
			0xc6, 0x33, 0x64, 0x35, // destination 198.51.100.53
			0x9c, 0x40, //             UDP source port 40000
			0x00, 0x35, //             destination port 53
			0x00, 0x0c, //             UDP length 12
			0x00, 0x00, //             checksum 0: not computed
			0xde, 0xad, 0xbe, 0xef, // payload
		];
		expect(segment(p4(bytes))).toEqual({
			family: 4,
			source: '192.0.2.10',
			destination: '198.51.100.53',
			transport: 'udp',
			sourcePort: 40000,
			destinationPort: 53,
			tcp: null,
			payload,
		});
	});

	it('skips IPv4 options (IHL 6)', () => {
		const plain = ipv4(v4ports, 17, udp(v4ports, payload));
		const withOption = Uint8Array.from([0x46, ...plain.subarray(1, 2), 0, plain.length + 4, ...plain.subarray(4, 20), 0x01, 0x01, 0x01, 0x00, ...plain.subarray(20)]);
		expect(segment(p4(withOption)).payload).toEqual(payload);
	});

	it('cuts Ethernet padding off at the total length', () => {
		const padded = Uint8Array.from([...ipv4(v4ports, 17, udp(v4ports, payload)), 0, 0, 0, 0, 0, 0]);
		expect(segment(p4(padded)).payload).toEqual(payload);
	});

	it('takes a total length of 0 as a TSO send and uses the captured length', () => {
		const bytes = ipv4(v4ports, 6, tcp(v4ports, {seq: 1}, payload));
		bytes[2] = 0;
		bytes[3] = 0;
		expect(segment(p4(bytes)).payload).toEqual(payload);
	});

	it('decodes TCP with its sequence number and flags', () => {
		const s = segment(p4(ipv4(v4ports, 6, tcp(v4ports, {seq: 0xfffffff0, ack: 7, flags: tcpFlags.psh | tcpFlags.ack}, payload))));
		expect(s.transport).toBe('tcp');
		expect(s.tcp).toEqual({seq: 0xfffffff0, ack: 7, flags: 0x18});
		expect(s.payload).toEqual(payload);
	});

	const good = ipv4(v4ports, 17, udp(v4ports, payload));
	const mutate = (at: number, value: number): Uint8Array => {
		const copy = good.slice();
		copy[at] = value;
		return copy;
	};
	const rejects: [string, NetworkPacket, string][] = [
		['shorter than 20 bytes', p4(good.subarray(0, 19)), 'short-ip-header'],
		['version 6 in an IPv4 frame', p4(mutate(0, 0x65)), 'ip-version-mismatch'],
		['IHL below 5', p4(mutate(0, 0x44)), 'bad-ip-header-length'],
		['total length below the header', p4(mutate(3, 0x10)), 'bad-ip-length'],
		['total length past the capture (snaplen)', p4(good.subarray(0, good.length - 1)), 'ip-truncated'],
		['a first fragment (MF set)', p4(mutate(6, 0x20)), 'ip-fragment'],
		['a later fragment (offset 185)', p4(mutate(7, 0xb9)), 'ip-fragment'],
		['ICMP', p4(mutate(9, 1)), 'not-udp-tcp'],
		['UDP length below 8', p4([...good.subarray(0, 24), 0, 7, 0, 0, ...payload]), 'bad-udp-length'],
		['UDP length past the IP payload', p4([...good.subarray(0, 24), 0, 13, 0, 0, ...payload]), 'bad-udp-length'],
		['a UDP header cut short', p4([0x45, 0, 0, 26, ...good.subarray(4, 26)]), 'short-udp-header'],
		['a TCP header cut short', p4([0x45, 0, 0, 30, 0, 0, 0, 0, 64, 6, 0, 0, ...good.subarray(12, 20), ...Array(10).fill(0)]), 'short-tcp-header'],
		['a TCP data offset below 5', p4([0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, ...good.subarray(12, 20), ...Array(12).fill(0), 0x40, ...Array(7).fill(0)]), 'bad-tcp-offset'],
	];
	for (const [name, packet, expected] of rejects) {
		it(`rejects ${name} as ${expected}`, () => expect(reason(packet)).toBe(expected));
	}
});

describe('IPv6', () => {
	it('decodes a UDP datagram with RFC 5952 addresses', () => {
		const s = segment(p6(ipv6(v6ports, 17, udp(v6ports, payload))));
		expect(s).toMatchObject({family: 6, source: '2001:db8::10', destination: '2001:db8::53', transport: 'udp', sourcePort: 40000, destinationPort: 53});
		expect(s.payload).toEqual(payload);
	});

	it('walks hop-by-hop, routing and destination options to UDP', () => {
		const extensions = Uint8Array.from([
			43, 0, 1, 4, 0, 0, 0, 0, //                  hop-by-hop: next routing, length 8, PadN
			60, 0, 0, 0, 0, 0, 0, 0, //                  routing: next destination options, length 8
			17, 1, 1, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // destination options: next UDP, length 16
		]);
		expect(segment(p6(ipv6(v6ports, 0, udp(v6ports, payload), extensions))).payload).toEqual(payload);
	});

	it('walks an AH header (length in 4-octet units minus 2) to TCP', () => {
		const ah = Uint8Array.from([6, 4, 0, 0, ...Array(20).fill(0)]); // next TCP, (4 + 2) * 4 = 24 bytes
		expect(segment(p6(ipv6(v6ports, 51, tcp(v6ports, {seq: 5}, payload), ah))).tcp?.seq).toBe(5);
	});

	it('reads an atomic fragment (offset 0, M clear; RFC 6946) as the whole datagram', () => {
		const fragment = Uint8Array.from([17, 0, 0x00, 0x00, 0, 0, 0, 1]); // next UDP, offset 0, M 0, id 1
		expect(segment(p6(ipv6(v6ports, 44, udp(v6ports, payload), fragment))).payload).toEqual(payload);
	});

	const rejects: [string, NetworkPacket, string][] = [
		['shorter than 40 bytes', p6(ipv6(v6ports, 17, new Uint8Array(0)).subarray(0, 39)), 'short-ip-header'],
		['version 4 in an IPv6 frame', p6([0x40, ...ipv6(v6ports, 17, udp(v6ports, payload)).subarray(1)]), 'ip-version-mismatch'],
		['payload length past the capture', p6(ipv6(v6ports, 17, udp(v6ports, payload)).subarray(0, 50)), 'ip-truncated'],
		['a first fragment (M set)', p6(ipv6(v6ports, 44, udp(v6ports, payload), Uint8Array.from([17, 0, 0, 1, 0, 0, 0, 1]))), 'ip-fragment'],
		['a later fragment (offset 8)', p6(ipv6(v6ports, 44, udp(v6ports, payload), Uint8Array.from([17, 0, 0, 0x40, 0, 0, 0, 1]))), 'ip-fragment'],
		['ESP (encrypted, nothing to read)', p6(ipv6(v6ports, 50, payload)), 'not-udp-tcp'],
		['no next header (59)', p6(ipv6(v6ports, 59, payload)), 'not-udp-tcp'],
		['ICMPv6', p6(ipv6(v6ports, 58, payload)), 'not-udp-tcp'],
		['an extension header running past the payload', p6(ipv6(v6ports, 0, Uint8Array.from([17, 5, 0, 0, 0, 0, 0, 0]))), 'bad-extension-header'],
		['a chain of 17 destination options headers', p6(ipv6(v6ports, 60, udp(v6ports, payload), Uint8Array.from(Array.from({length: 17}, (_, i) => [i === 16 ? 17 : 60, 0, 1, 4, 0, 0, 0, 0]).flat()))), 'bad-extension-header'],
	];
	for (const [name, packet, expected] of rejects) {
		it(`rejects ${name} as ${expected}`, () => expect(reason(packet)).toBe(expected));
	}
});
