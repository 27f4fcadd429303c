// DNS64 awareness (RFC 7050 prefix discovery, RFC 6052 address layout): which AAAA are synthesized.
import ipaddr from 'ipaddr.js';
import {parseIp, prefixMatches} from '../select/policy.js';

/** A NAT64 prefix, e.g. 64:ff9b::/96. */
export interface Nat64Prefix {
	readonly prefix: string;
	readonly length: 32 | 40 | 48 | 56 | 64 | 96;
}

/** RFC 6052 §2.1: the Well-Known Prefix, always considered. */
export const wellKnownPrefix: Nat64Prefix = {prefix: '64:ff9b::', length: 96};

/** RFC 7050 §2: the name to ask, and its Well-Known IPv4-only Addresses. */
export const ipv4onlyName = 'ipv4only.arpa';
const wellKnownV4 = [
	[192, 0, 0, 170],
	[192, 0, 0, 171],
];

/** RFC 6052 §2.2: the bytes of the 16 that hold the IPv4 address, per prefix length (byte 8 is "u", zero). */
const v4Bytes: Readonly<Record<Nat64Prefix['length'], readonly number[]>> = {
	32: [4, 5, 6, 7],
	40: [5, 6, 7, 9],
	48: [6, 7, 9, 10],
	56: [7, 9, 10, 11],
	64: [9, 10, 11, 12],
	96: [12, 13, 14, 15],
};
const lengths = [96, 64, 56, 48, 40, 32] as const;

function bytesOf(address: string): number[] | null {
	if (!ipaddr.IPv6.isValid(address)) return null;
	return ipaddr.IPv6.parse(address).toByteArray();
}

function prefixText(bytes: readonly number[], length: number): string {
	const masked = bytes.map((b, i) => (i * 8 >= length ? 0 : i * 8 + 8 <= length ? b : b & (0xff << (8 - (length % 8)))));
	return ipaddr.fromByteArray(masked).toString();
}

/**
 * RFC 7050 §3: the prefixes found in the AAAA answers for ipv4only.arpa. For each answer, each
 * RFC 6052 layout is tried; a layout counts when its IPv4 bytes are a well-known address and, for
 * lengths under 96, the "u" octet (bits 64–71) is zero.
 */
export function discoverPrefixes(aaaaAnswers: readonly string[]): Nat64Prefix[] {
	const found = new Map<string, Nat64Prefix>();
	for (const answer of aaaaAnswers) {
		const bytes = bytesOf(answer);
		if (bytes === null) continue;
		for (const length of lengths) {
			if (length < 96 && bytes[8] !== 0) continue;
			const v4 = v4Bytes[length].map((i) => bytes[i] ?? -1);
			if (!wellKnownV4.some((w) => w.every((b, i) => v4[i] === b))) continue;
			const prefix = prefixText(bytes, length);
			found.set(`${prefix}/${length}`, {prefix, length});
			break;
		}
	}
	return [...found.values()];
}

/** The prefix an AAAA was synthesized under, or null. */
export function synthesizedBy(address: string, prefixes: readonly Nat64Prefix[]): Nat64Prefix | null {
	if (prefixes.length === 0 || !address.includes(':')) return null;
	let bytes: readonly number[];
	try {
		bytes = parseIp(address).bytes; // memoised: the selection and the verdict read the same addresses
	} catch {
		return null;
	}
	for (const p of prefixes) {
		if (prefixMatches(bytes, parseIp(p.prefix).bytes, p.length)) return p;
	}
	return null;
}

/** The IPv4 address embedded in a synthesized AAAA (RFC 6052 §2.2). */
export function embeddedIpv4(address: string, prefix: Nat64Prefix): string {
	const bytes = bytesOf(address) ?? [];
	return v4Bytes[prefix.length].map((i) => bytes[i] ?? 0).join('.');
}

export function formatPrefix(prefix: Nat64Prefix): string {
	return `${prefix.prefix}/${prefix.length}`;
}
