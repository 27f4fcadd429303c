// Frame builders for the capture tests: DNS messages inside UDP/TCP inside IPv4/IPv6 inside each link type.
import dnsPacket from 'dns-packet';
import type {Answer} from 'dns-packet';
import ipaddr from 'ipaddr.js';
import {encodeQuery} from '../../src/wire/codec.js';
import type {Frame} from '../../src/capture/pcap-file.js';
import {linktype} from '../../src/capture/link.js';

export const ethertype = {ipv4: 0x0800, ipv6: 0x86dd, arp: 0x0806, vlan: 0x8100, qinq: 0x88a8} as const;

const be16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ipBytes = (address: string): number[] => ipaddr.parse(address).toByteArray();

export interface Ports {
	readonly source: string;
	readonly sourcePort: number;
	readonly destination: string;
	readonly destinationPort: number;
}

export interface TcpFields {
	readonly seq: number;
	readonly ack?: number;
	/** FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. */
	readonly flags?: number;
}

/** UDP header + payload (checksum 0: "not computed", RFC 768 for IPv4; the decoder never checks it). */
export function udp(p: Ports, payload: Uint8Array): Uint8Array {
	return Uint8Array.from([...be16(p.sourcePort), ...be16(p.destinationPort), ...be16(8 + payload.length), 0, 0, ...payload]);
}

/** TCP header (20 bytes, no options) + payload. */
export function tcp(p: Ports, fields: TcpFields, payload: Uint8Array): Uint8Array {
	const flags = fields.flags ?? 0x18;
	return Uint8Array.from([...be16(p.sourcePort), ...be16(p.destinationPort), ...be32(fields.seq), ...be32(fields.ack ?? 0), 0x50, flags, ...be16(65535), 0, 0, 0, 0, ...payload]);
}

/** IPv4 header (20 bytes) around a UDP (17) or TCP (6) body. */
export function ipv4(p: Ports, protocol: number, body: Uint8Array, options: {flagsAndOffset?: number} = {}): Uint8Array {
	const total = 20 + body.length;
	return Uint8Array.from([0x45, 0, ...be16(total), 0x12, 0x34, ...be16(options.flagsAndOffset ?? 0x4000), 64, protocol, 0, 0, ...ipBytes(p.source), ...ipBytes(p.destination), ...body]);
}

/** IPv6 header (40 bytes) with `extensions` (already encoded, chained by their first byte) before the body. */
export function ipv6(p: Ports, nextHeader: number, body: Uint8Array, extensions: Uint8Array = new Uint8Array(0)): Uint8Array {
	const payloadLength = extensions.length + body.length;
	return Uint8Array.from([0x60, 0, 0, 0, ...be16(payloadLength), nextHeader, 64, ...ipBytes(p.source), ...ipBytes(p.destination), ...extensions, ...body]);
}

/** The IP packet for a UDP datagram, v4 or v6 by the address. */
export function udpPacket(p: Ports, payload: Uint8Array): Uint8Array {
	const body = udp(p, payload);
	return p.source.includes(':') ? ipv6(p, 17, body) : ipv4(p, 17, body);
}

export function tcpPacket(p: Ports, fields: TcpFields, payload: Uint8Array): Uint8Array {
	const body = tcp(p, fields, payload);
	return p.source.includes(':') ? ipv6(p, 6, body) : ipv4(p, 6, body);
}

const etherOf = (packet: Uint8Array): number => ((packet[0] ?? 0) >> 4 === 6 ? ethertype.ipv6 : ethertype.ipv4);

/** Ethernet II: destination, source, optional VLAN tags (TPID + TCI each), EtherType. */
export function ethernet(packet: Uint8Array, tags: readonly number[] = []): Uint8Array {
	const macs = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
	const vlan = tags.flatMap((tpid, i) => [...be16(tpid), ...be16(100 + i)]);
	return Uint8Array.from([...macs, ...vlan, ...be16(etherOf(packet)), ...packet]);
}

/** Linux cooked v1: packet type, ARPHRD_LOOPBACK (772), address length, 8 address bytes, protocol. */
export function sll(packet: Uint8Array): Uint8Array {
	return Uint8Array.from([0, 0, ...be16(772), 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...be16(etherOf(packet)), ...packet]);
}

/** Linux cooked v2: protocol, reserved, ifindex 1, ARPHRD_LOOPBACK, packet type, address length, 8 address bytes. */
export function sll2(packet: Uint8Array): Uint8Array {
	return Uint8Array.from([...be16(etherOf(packet)), 0, 0, 0, 0, 0, 1, ...be16(772), 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...packet]);
}

/** BSD loopback: the address family in the given byte order (LINKTYPE_LOOP is always big-endian). */
export function bsdLoopback(packet: Uint8Array, family: number, littleEndian: boolean): Uint8Array {
	const af = littleEndian ? [...be32(family)].reverse() : be32(family);
	return Uint8Array.from([...af, ...packet]);
}

/** Wraps an IP packet in link type `type`. */
export function link(type: number, packet: Uint8Array): Uint8Array {
	switch (type) {
		case linktype.ethernet:
			return ethernet(packet);
		case linktype.linuxSll:
			return sll(packet);
		case linktype.linuxSll2:
			return sll2(packet);
		case linktype.null:
			return bsdLoopback(packet, (packet[0] ?? 0) >> 4 === 6 ? 30 : 2, true);
		case linktype.loop:
			return bsdLoopback(packet, (packet[0] ?? 0) >> 4 === 6 ? 24 : 2, false);
		default:
			return packet;
	}
}

/** A frame at `timeMs` (ms since the epoch, µs precision kept). */
export function frameAt(timeMs: number, type: number, data: Uint8Array): Frame {
	const seconds = Math.floor(timeMs / 1000);
	return {seconds, nanos: Math.round((timeMs - seconds * 1000) * 1e6), linktype: type, data};
}

/** A query as he6-dns sends it. */
export function query(id: number, name: string, type: 'A' | 'AAAA' | 'CNAME' | 'SOA'): Uint8Array {
	return encodeQuery({id, name, type, edns: true, ad: false});
}

/** A reply with the question echoed and `answers` (dns-packet's record shape). */
export function reply(id: number, name: string, type: string, answers: readonly Answer[] = [], options: {rcode?: number; tc?: boolean; authorities?: readonly Answer[]; noQuestion?: boolean} = {}): Uint8Array {
	const flags = 0x8000 | 0x0100 | 0x0080 | (options.tc === true ? 0x0200 : 0) | (options.rcode ?? 0);
	return dnsPacket.encode({
		type: 'response',
		id,
		flags,
		questions: options.noQuestion === true ? [] : [{name, type: type as 'A', class: 'IN'}],
		answers: [...answers],
		authorities: [...(options.authorities ?? [])],
	});
}

/** TCP framing: the 2-byte length prefix (RFC 1035 §4.2.2). */
export function framed(message: Uint8Array): Uint8Array {
	return Uint8Array.from([...be16(message.length), ...message]);
}

/** A seeded PRNG (mulberry32), so property-style loops are reproducible. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
