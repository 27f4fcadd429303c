// Link-layer decoding: from a libpcap link type and a frame to the IPv4/IPv6 packet inside, or why not.
import type {Result} from '../wire/codec.js';

/**
 * The LINKTYPE_ values he6-dns decodes (tcpdump.org/linktypes.html). DLT_RAW is 12 on most systems
 * and 14 on OpenBSD; files carry LINKTYPE_RAW (101), live handles may report either.
 */
export const linktype = {
	null: 0,
	ethernet: 1,
	rawDlt12: 12,
	rawDlt14: 14,
	raw: 101,
	loop: 108,
	linuxSll: 113,
	ipv4: 228,
	ipv6: 229,
	linuxSll2: 276,
} as const;

/** The network-layer protocol of a frame's payload. */
export type NetworkProtocol = 'ipv4' | 'ipv6';

export interface NetworkPacket {
	readonly protocol: NetworkProtocol;
	/** The bytes from the first byte of the IP header to the end of the captured frame. */
	readonly bytes: Uint8Array;
}

/** Why a frame carries nothing he6-dns reads; counted by reason, never thrown. */
export type LinkReject =
	| 'unsupported-linktype'
	| 'short-link-header'
	/** A link-layer protocol other than IPv4/IPv6 (ARP, LLDP, 802.3 length frames...). */
	| 'not-ip';

const etherTypeIpv4 = 0x0800;
const etherTypeIpv6 = 0x86dd;
/** IEEE 802.1Q customer tag, 802.1ad service tag (QinQ), and the pre-standard QinQ value. */
const vlanTags = new Set([0x8100, 0x88a8, 0x9100]);
/** BSD AF_INET is 2 everywhere; AF_INET6 differs: 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS). */
const afInet = 2;
const afInet6 = new Set([24, 28, 30]);

const reject = (reason: LinkReject): Result<NetworkPacket, LinkReject> => ({ok: false, error: reason});
const accept = (protocol: NetworkProtocol, bytes: Uint8Array): Result<NetworkPacket, LinkReject> => ({ok: true, value: {protocol, bytes}});

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);

function byEtherType(type: number, bytes: Uint8Array): Result<NetworkPacket, LinkReject> {
	if (type === etherTypeIpv4) return accept('ipv4', bytes);
	if (type === etherTypeIpv6) return accept('ipv6', bytes);
	return reject('not-ip');
}

/** Ethernet II (IEEE 802.3 with an EtherType), with any number of 802.1Q/802.1ad tags stacked. */
function ethernet(frame: Uint8Array): Result<NetworkPacket, LinkReject> {
	let at = 12; // destination MAC (6), source MAC (6)
	if (frame.length < at + 2) return reject('short-link-header');
	let type = u16(frame, at);
	// Each tag is TPID (2, already read as the type) + TCI (2); the inner EtherType follows.
	while (vlanTags.has(type)) {
		at += 4;
		if (frame.length < at + 2) return reject('short-link-header');
		type = u16(frame, at);
	}
	// Values up to 1500 are an 802.3 length, not a type (LLC/SNAP frames): never IP for us.
	return byEtherType(type, frame.subarray(at + 2));
}

/**
 * Linux "cooked" v1 (LINKTYPE_LINUX_SLL, 16 bytes): packet type (2), ARPHRD (2), address length (2),
 * address (8), protocol (2). Live `-i any` captures through the pcap package come in this form.
 */
function linuxSll(frame: Uint8Array): Result<NetworkPacket, LinkReject> {
	if (frame.length < 16) return reject('short-link-header');
	return byEtherType(u16(frame, 14), frame.subarray(16));
}

/**
 * Linux "cooked" v2 (LINKTYPE_LINUX_SLL2, 20 bytes): protocol (2), reserved (2), interface index (4),
 * ARPHRD (2), packet type (1), address length (1), address (8). `tcpdump -i any -w` on Debian 12
 * writes this form, and node_pcap cannot decode it.
 */
function linuxSll2(frame: Uint8Array): Result<NetworkPacket, LinkReject> {
	if (frame.length < 20) return reject('short-link-header');
	return byEtherType(u16(frame, 0), frame.subarray(20));
}

/** Raw IP: no link header at all; the version nibble says which IP it is. */
function rawIp(frame: Uint8Array): Result<NetworkPacket, LinkReject> {
	if (frame.length < 1) return reject('short-link-header');
	const version = (frame[0] ?? 0) >> 4;
	if (version === 4) return accept('ipv4', frame);
	if (version === 6) return accept('ipv6', frame);
	return reject('not-ip');
}

/**
 * BSD loopback: a 4-byte address family. LINKTYPE_NULL stores it in the byte order of the host that
 * wrote the file, LINKTYPE_LOOP always big-endian. Family values are below 256, so the order of a NULL
 * header shows itself: a big-endian value has its low byte last.
 */
function bsdLoopback(frame: Uint8Array, bigEndianOnly: boolean): Result<NetworkPacket, LinkReject> {
	if (frame.length < 4) return reject('short-link-header');
	const view = new DataView(frame.buffer, frame.byteOffset, 4);
	const big = view.getUint32(0, false);
	const family = bigEndianOnly || big < 0x10000 ? big : view.getUint32(0, true);
	const payload = frame.subarray(4);
	if (family === afInet) return accept('ipv4', payload);
	if (afInet6.has(family)) return accept('ipv6', payload);
	return reject('not-ip');
}

/**
 * The IP packet inside a frame of link type `type`. Only the low 16 bits name the link type; a pcap
 * file's upper bits carry the FCS length (pcap-savefile(5)), masked off here. A trailing FCS needs no
 * care: the IP length fields end the packet before it.
 */
export function decodeLink(type: number, frame: Uint8Array): Result<NetworkPacket, LinkReject> {
	switch (type & 0xffff) {
		case linktype.ethernet:
			return ethernet(frame);
		case linktype.linuxSll:
			return linuxSll(frame);
		case linktype.linuxSll2:
			return linuxSll2(frame);
		case linktype.raw:
		case linktype.rawDlt12:
		case linktype.rawDlt14:
			return rawIp(frame);
		case linktype.ipv4:
			return frame.length < 1 ? reject('short-link-header') : accept('ipv4', frame);
		case linktype.ipv6:
			return frame.length < 1 ? reject('short-link-header') : accept('ipv6', frame);
		case linktype.null:
			return bsdLoopback(frame, false);
		case linktype.loop:
			return bsdLoopback(frame, true);
		default:
			return reject('unsupported-linktype');
	}
}

/** Whether `decodeLink` knows link type `type` (for a clear error before a capture starts). */
export function supportedLinktype(type: number): boolean {
	return (Object.values(linktype) as number[]).includes(type & 0xffff);
}

/**
 * The link type number for the pcap package's `link_type` string. node_pcap names five types and
 * reports any other as "Unknown linktype N" with libpcap's DLT number (276 for SLL2 files, 12 for
 * DLT_RAW on Linux), which decodeLink takes as it is. Null for text it does not recognise.
 */
export function linktypeFromPcapName(name: string): number | null {
	const named: Record<string, number> = {
		LINKTYPE_NULL: linktype.null,
		LINKTYPE_ETHERNET: linktype.ethernet,
		LINKTYPE_RAW: linktype.raw,
		LINKTYPE_LINUX_SLL: linktype.linuxSll,
		LINKTYPE_IEEE802_11_RADIO: 127,
	};
	if (name in named) return named[name] ?? null;
	const unknown = /^Unknown linktype (\d+)$/.exec(name);
	return unknown === null ? null : Number(unknown[1]);
}
