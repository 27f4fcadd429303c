// Link-layer decoding: every supported link type, VLAN tags, both NULL byte orders, and the rejects.
import {describe, expect, it} from 'vitest';
import {decodeLink, linktype, linktypeFromPcapName, supportedLinktype} from '../../src/capture/link.js';
import {bsdLoopback, ethernet, ethertype} from '../support/capture-frames.js';

/** The first bytes of an IPv4 and an IPv6 header: enough for the link layer, which reads only the nibble. */
const v4 = Uint8Array.from([0x45, 0x00, 0x00, 0x14]);
const v6 = Uint8Array.from([0x60, 0x00, 0x00, 0x00]);

const cases: {name: string; type: number; frame: number[]; protocol?: 'ipv4' | 'ipv6'; payload?: Uint8Array; reject?: string}[] = [
	{
		name: 'Ethernet II with IPv4',
		type: linktype.ethernet,
		frame: [
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination MAC (lo uses zeros)
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source MAC
			0x08, 0x00, //                         EtherType IPv4
			...v4,
		],
		protocol: 'ipv4',
		payload: v4,
	},
	{
		name: 'Ethernet with an 802.1Q tag, then IPv6',
		type: linktype.ethernet,
		frame: [
			...Array(12).fill(0), // MACs
			0x81, 0x00, //           TPID 802.1Q
			0x00, 0x64, //           TCI: VLAN 100
			0x86, 0xdd, //           EtherType IPv6
			...v6,
		],
		protocol: 'ipv6',
		payload: v6,
	},
	{
		name: 'Ethernet with QinQ (802.1ad outer, 802.1Q inner)',
		type: linktype.ethernet,
		frame: [
			...Array(12).fill(0),
			0x88, 0xa8, 0x00, 0x0a, // S-tag, VLAN 10
			0x81, 0x00, 0x00, 0x14, // C-tag, VLAN 20
			0x08, 0x00, //             IPv4
			...v4,
		],
		protocol: 'ipv4',
		payload: v4,
	},
	{name: 'Ethernet carrying ARP', type: linktype.ethernet, frame: [...Array(12).fill(0), 0x08, 0x06, 0, 1], reject: 'not-ip'},
	{name: 'Ethernet 802.3 length frame (LLC)', type: linktype.ethernet, frame: [...Array(12).fill(0), 0x00, 0x2e, 0x42, 0x42], reject: 'not-ip'},
	{name: 'Ethernet cut inside the MACs', type: linktype.ethernet, frame: [0, 0, 0, 0, 0, 0, 0], reject: 'short-link-header'},
	{name: 'Ethernet cut inside a VLAN tag', type: linktype.ethernet, frame: [...Array(12).fill(0), 0x81, 0x00, 0x00], reject: 'short-link-header'},
	{
		name: 'Linux SLL (v1) with IPv4',
		type: linktype.linuxSll,
		frame: [
			0x00, 0x00, //                                     packet type: to us
			0x03, 0x04, //                                     ARPHRD_LOOPBACK (772)
			0x00, 0x06, //                                     link-layer address length
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // address, padded to 8
			0x08, 0x00, //                                     protocol: IPv4
			...v4,
		],
		protocol: 'ipv4',
		payload: v4,
	},
	{name: 'Linux SLL cut short', type: linktype.linuxSll, frame: Array(15).fill(0), reject: 'short-link-header'},
	{
		name: 'Linux SLL2 with IPv6 (tcpdump -i any on Debian 12)',
		type: linktype.linuxSll2,
		frame: [
			0x86, 0xdd, //                                     protocol: IPv6
			0x00, 0x00, //                                     reserved
			0x00, 0x00, 0x00, 0x01, //                         interface index 1 (lo)
			0x03, 0x04, //                                     ARPHRD_LOOPBACK
			0x00, //                                           packet type: to us
			0x06, //                                           address length
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // address
			...v6,
		],
		protocol: 'ipv6',
		payload: v6,
	},
	{name: 'Linux SLL2 cut short', type: linktype.linuxSll2, frame: Array(19).fill(0), reject: 'short-link-header'},
	{name: 'LINKTYPE_RAW, IPv4 by its version nibble', type: linktype.raw, frame: [...v4], protocol: 'ipv4', payload: v4},
	{name: 'LINKTYPE_RAW, IPv6 by its version nibble (node_pcap gets this wrong)', type: linktype.raw, frame: [...v6], protocol: 'ipv6', payload: v6},
	{name: 'DLT_RAW 12 (Linux, most BSDs)', type: 12, frame: [...v6], protocol: 'ipv6', payload: v6},
	{name: 'DLT_RAW 14 (OpenBSD)', type: 14, frame: [...v4], protocol: 'ipv4', payload: v4},
	{name: 'LINKTYPE_RAW with version 5', type: linktype.raw, frame: [0x50, 0, 0, 0], reject: 'not-ip'},
	{name: 'LINKTYPE_RAW empty', type: linktype.raw, frame: [], reject: 'short-link-header'},
	{name: 'LINKTYPE_IPV4 (228)', type: 228, frame: [...v4], protocol: 'ipv4', payload: v4},
	{name: 'LINKTYPE_IPV6 (229)', type: 229, frame: [...v6], protocol: 'ipv6', payload: v6},
	{name: 'NULL, little-endian AF_INET (2, 0, 0, 0)', type: linktype.null, frame: [0x02, 0x00, 0x00, 0x00, ...v4], protocol: 'ipv4', payload: v4},
	{name: 'NULL, big-endian AF_INET (0, 0, 0, 2)', type: linktype.null, frame: [0x00, 0x00, 0x00, 0x02, ...v4], protocol: 'ipv4', payload: v4},
	{name: 'NULL, little-endian AF_INET6 of macOS (30)', type: linktype.null, frame: [0x1e, 0, 0, 0, ...v6], protocol: 'ipv6', payload: v6},
	{name: 'NULL, big-endian AF_INET6 of FreeBSD (28)', type: linktype.null, frame: [0, 0, 0, 0x1c, ...v6], protocol: 'ipv6', payload: v6},
	{name: 'NULL, AF_INET6 of NetBSD/OpenBSD (24)', type: linktype.null, frame: [0x18, 0, 0, 0, ...v6], protocol: 'ipv6', payload: v6},
	{name: 'NULL with AF_APPLETALK (16)', type: linktype.null, frame: [0x10, 0, 0, 0, 0], reject: 'not-ip'},
	{name: 'NULL cut short', type: linktype.null, frame: [2, 0, 0], reject: 'short-link-header'},
	{name: 'LOOP (108), always big-endian AF_INET', type: linktype.loop, frame: [0, 0, 0, 2, ...v4], protocol: 'ipv4', payload: v4},
	{name: 'LOOP with a little-endian family is not read as one', type: linktype.loop, frame: [2, 0, 0, 0, ...v4], reject: 'not-ip'},
	{name: 'an unknown link type (IEEE 802.11, 105)', type: 105, frame: [...v4], reject: 'unsupported-linktype'},
];

describe('decodeLink', () => {
	for (const c of cases) {
		it(c.name, () => {
			const result = decodeLink(c.type, Uint8Array.from(c.frame));
			if (c.reject !== undefined) {
				expect(result).toEqual({ok: false, error: c.reject});
				return;
			}
			expect(result.ok).toBe(true);
			if (!result.ok) return;
			expect(result.value.protocol).toBe(c.protocol);
			expect([...result.value.bytes]).toEqual([...(c.payload ?? [])]);
		});
	}

	it('masks the FCS bits a pcap file may set above the link type', () => {
		const fcs = (1 << 28) | (2 << 29); // F bit and an FCS length
		expect(decodeLink(linktype.ethernet | fcs, ethernet(v4)).ok).toBe(true);
	});

	it('reads through a stack of four VLAN tags', () => {
		const result = decodeLink(linktype.ethernet, ethernet(v6, [ethertype.qinq, ethertype.vlan, ethertype.vlan, 0x9100]));
		expect(result.ok && result.value.protocol).toBe('ipv6');
	});

	it('builds NULL frames in both byte orders the same way the decoder reads them', () => {
		for (const little of [true, false]) {
			const result = decodeLink(linktype.null, bsdLoopback(v6, 28, little));
			expect(result.ok && result.value.protocol).toBe('ipv6');
		}
	});

	it('names the supported link types', () => {
		expect([0, 1, 12, 14, 101, 108, 113, 228, 229, 276].every(supportedLinktype)).toBe(true);
		expect(supportedLinktype(105)).toBe(false);
	});
});

describe('linktypeFromPcapName', () => {
	it('maps the pcap package’s names and its "Unknown linktype N" text', () => {
		expect(linktypeFromPcapName('LINKTYPE_ETHERNET')).toBe(1);
		expect(linktypeFromPcapName('LINKTYPE_LINUX_SLL')).toBe(113);
		expect(linktypeFromPcapName('LINKTYPE_RAW')).toBe(101);
		expect(linktypeFromPcapName('LINKTYPE_NULL')).toBe(0);
		expect(linktypeFromPcapName('Unknown linktype 276')).toBe(276);
		expect(linktypeFromPcapName('something else')).toBeNull();
	});
});
