// IPv4 and IPv6 (with extension headers), then the UDP or TCP header: from an IP packet to a segment.
import {formatIpv6} from '../wire/address-text.js';
import type {Result} from '../wire/codec.js';
import type {NetworkPacket} from './link.js';

/** TCP header flag bits (RFC 9293 §3.1). */
export const tcpFlags = {fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10} as const;

export interface TcpHeader {
	/** Sequence number of the first payload byte (of the SYN itself when SYN is set). */
	readonly seq: number;
	readonly ack: number;
	readonly flags: number;
}

/** A UDP datagram or a TCP segment with its addresses; addresses are dotted quads or RFC 5952 text. */
export interface Segment {
	readonly family: 4 | 6;
	readonly source: string;
	readonly destination: string;
	readonly transport: 'udp' | 'tcp';
	readonly sourcePort: number;
	readonly destinationPort: number;
	/** The TCP header fields, null for UDP. */
	readonly tcp: TcpHeader | null;
	readonly payload: Uint8Array;
}

/** Why an IP packet yields no segment; counted by reason, never thrown. */
export type IpReject =
	| 'short-ip-header'
	| 'ip-version-mismatch'
	| 'bad-ip-header-length'
	| 'bad-ip-length'
	/** The capture kept fewer bytes than the packet had (snaplen): the DNS message would be cut. */
	| 'ip-truncated'
	/** A fragment of a larger datagram: counted and skipped (no IP reassembly). */
	| 'ip-fragment'
	/** Another protocol (ICMP, ESP, SCTP...), or an IPv6 "no next header". */
	| 'not-udp-tcp'
	| 'bad-extension-header'
	| 'short-udp-header'
	| 'bad-udp-length'
	| 'short-tcp-header'
	| 'bad-tcp-offset';

const protoTcp = 6;
const protoUdp = 17;
/** IPv6 extension headers walked over (RFC 8200 §4): hop-by-hop, routing, destination options, AH. */
const extHopByHop = 0;
const extRouting = 43;
const extFragment = 44;
const extAuth = 51;
const extDestination = 60;
/** A bound on the chain, so a packet cannot make the walk long; real packets carry a few. */
const maxExtensionHeaders = 16;

type IpResult = Result<Segment, IpReject>;
const reject = (reason: IpReject): IpResult => ({ok: false, error: reason});

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32 = (b: Uint8Array, at: number): number => ((u16(b, at) << 16) | u16(b, at + 2)) >>> 0;

/**
 * Dotted quads by their 32-bit value. Decision: a capture sees few distinct addresses and each was
 * built twice a packet (a fifth of the packet path's allocations); the memo is bounded (cleared when
 * full), so a flood of spoofed sources costs only the rebuilding.
 */
const ipv4Texts = new Map<number, string>();
const ipv4TextsMax = 4096;
const ipv4Text = (b: Uint8Array, at: number): string => {
	const value = u32(b, at);
	let text = ipv4Texts.get(value);
	if (text === undefined) {
		if (ipv4Texts.size >= ipv4TextsMax) ipv4Texts.clear();
		text = `${b[at] ?? 0}.${b[at + 1] ?? 0}.${b[at + 2] ?? 0}.${b[at + 3] ?? 0}`;
		ipv4Texts.set(value, text);
	}
	return text;
};
const ipv6Text = (b: Uint8Array, at: number): string => formatIpv6(b, at);

/** The IP packet's segment, or why there is none. */
export function decodeIp(packet: NetworkPacket): IpResult {
	return packet.protocol === 'ipv4' ? ipv4(packet.bytes) : ipv6(packet.bytes);
}

/** RFC 791 §3.1. Checksums are not verified: outgoing packets are captured before offload fills them. */
function ipv4(b: Uint8Array): IpResult {
	if (b.length < 20) return reject('short-ip-header');
	if ((b[0] ?? 0) >> 4 !== 4) return reject('ip-version-mismatch');
	const headerLength = ((b[0] ?? 0) & 0x0f) * 4;
	if (headerLength < 20) return reject('bad-ip-header-length');
	let totalLength = u16(b, 2);
	// Decision (as tcpdump's print-ip.c): a total length of 0 is a TSO send captured before
	// segmentation; the captured length stands in for it.
	if (totalLength === 0) totalLength = b.length;
	if (totalLength < headerLength) return reject('bad-ip-length');
	if (b.length < totalLength) return reject('ip-truncated');
	const flagsAndOffset = u16(b, 6);
	const moreFragments = (flagsAndOffset & 0x2000) !== 0;
	if (moreFragments || (flagsAndOffset & 0x1fff) !== 0) return reject('ip-fragment');
	// Bytes past the total length are link padding (Ethernet's 60-byte minimum) or an FCS.
	const payload = b.subarray(headerLength, totalLength);
	return transport(4, ipv4Text(b, 12), ipv4Text(b, 16), b[9] ?? 0, payload);
}

/** RFC 8200 §3 and §4: the fixed header, then the extension header chain up to UDP or TCP. */
function ipv6(b: Uint8Array): IpResult {
	if (b.length < 40) return reject('short-ip-header');
	if ((b[0] ?? 0) >> 4 !== 6) return reject('ip-version-mismatch');
	let payloadLength = u16(b, 4);
	// A payload length of 0 with a hop-by-hop header is a jumbogram (RFC 2675); like a TSO send, the
	// captured length stands in for it.
	if (payloadLength === 0 && b[6] === extHopByHop) payloadLength = b.length - 40;
	if (b.length < 40 + payloadLength) return reject('ip-truncated');
	const end = 40 + payloadLength;
	let next = b[6] ?? 0;
	let at = 40;
	for (let count = 0; ; count++) {
		if (next === protoUdp || next === protoTcp) break;
		if (count >= maxExtensionHeaders) return reject('bad-extension-header');
		if (next === extFragment) {
			// RFC 8200 §4.5: 8 bytes. Offset 0 with M clear is an atomic fragment (RFC 6946): the whole
			// datagram, read on; anything else is a piece.
			if (at + 8 > end) return reject('bad-extension-header');
			const offsetAndFlags = u16(b, at + 2);
			if ((offsetAndFlags & 0xfff8) !== 0 || (offsetAndFlags & 0x1) !== 0) return reject('ip-fragment');
			next = b[at] ?? 0;
			at += 8;
			continue;
		}
		if (next !== extHopByHop && next !== extRouting && next !== extDestination && next !== extAuth) return reject('not-udp-tcp');
		if (at + 2 > end) return reject('bad-extension-header');
		// Hdr Ext Len counts 8-octet units beyond the first 8; AH (RFC 4302 §2.2) counts 4-octet units minus 2.
		const length = next === extAuth ? ((b[at + 1] ?? 0) + 2) * 4 : ((b[at + 1] ?? 0) + 1) * 8;
		if (at + length > end) return reject('bad-extension-header');
		next = b[at] ?? 0;
		at += length;
	}
	return transport(6, ipv6Text(b, 8), ipv6Text(b, 24), next, b.subarray(at, end));
}

function transport(family: 4 | 6, source: string, destination: string, protocol: number, b: Uint8Array): IpResult {
	if (protocol === protoUdp) {
		// RFC 768: the UDP length covers header and data; it may not exceed what IP carried.
		if (b.length < 8) return reject('short-udp-header');
		const length = u16(b, 4);
		if (length < 8 || length > b.length) return reject('bad-udp-length');
		const segment: Segment = {family, source, destination, transport: 'udp', sourcePort: u16(b, 0), destinationPort: u16(b, 2), tcp: null, payload: b.subarray(8, length)};
		return {ok: true, value: segment};
	}
	if (protocol === protoTcp) {
		// RFC 9293 §3.1: Data Offset counts 32-bit words, at least 5.
		if (b.length < 20) return reject('short-tcp-header');
		const dataOffset = ((b[12] ?? 0) >> 4) * 4;
		if (dataOffset < 20 || dataOffset > b.length) return reject('bad-tcp-offset');
		const tcp: TcpHeader = {seq: u32(b, 4), ack: u32(b, 8), flags: b[13] ?? 0};
		const segment: Segment = {family, source, destination, transport: 'tcp', sourcePort: u16(b, 0), destinationPort: u16(b, 2), tcp, payload: b.subarray(dataOffset)};
		return {ok: true, value: segment};
	}
	return reject('not-udp-tcp');
}
