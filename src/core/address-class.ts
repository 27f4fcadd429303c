// Which AAAA answers can never carry a connection to the service (the `bogus-aaaa` verdict).
import {compilePrefix, inPrefix, parseIp} from '../select/policy.js';

/** Prefixes an AAAA in a public answer must not point into, with the reason shown to the user. */
const unusable: readonly (readonly [string, number, string])[] = [
	['::', 128, 'unspecified (::)'],
	['::1', 128, 'loopback (::1)'],
	['::ffff:0:0', 96, 'IPv4-mapped (::ffff:0:0/96)'],
	['::', 96, 'IPv4-compatible, deprecated (::/96)'],
	['100::', 64, 'discard-only (100::/64)'],
	['fe80::', 10, 'link-local (fe80::/10)'],
	['fec0::', 10, 'site-local, deprecated (fec0::/10)'],
	['2001:db8::', 32, 'documentation (2001:db8::/32)'],
	['ff00::', 8, 'multicast (ff00::/8)'],
];
const parsed = unusable.map(([prefix, length, why]) => [compilePrefix(parseIp(prefix).bytes, length), why] as const);

/** fc00::/7 (isUniqueLocal). */
const uniqueLocal: readonly [string, number] = ['fc00::', 7];
const uniqueLocalPrefix = compilePrefix(parseIp(uniqueLocal[0]).bytes, uniqueLocal[1]);

/**
 * Every prefix unusableReason and isUniqueLocal read: both are alike over the addresses inside the same
 * set of them (the native name judge partitions destinations by them, capture-live/native-judge.ts).
 */
export const addressClassPrefixes: readonly (readonly [string, number])[] = [...unusable.map(([prefix, length]) => [prefix, length] as const), uniqueLocal];

/** The 16 bytes of an IPv6 address (memoised parse, policy.ts), or null for anything else. */
function ipv6Bytes(address: string): readonly number[] | null {
	if (!address.includes(':')) return null;
	try {
		return parseIp(address).bytes;
	} catch {
		return null;
	}
}

/** Why an IPv6 address is unusable as a destination, or null when it is a usable unicast address. */
export function unusableReason(address: string): string | null {
	const bytes = ipv6Bytes(address);
	if (bytes === null) return 'not an IPv6 address';
	for (const [prefix, why] of parsed) if (inPrefix(prefix, bytes)) return why;
	return null;
}

/** ULA (fc00::/7, RFC 4193): usable inside a site, not on the Internet. */
export function isUniqueLocal(address: string): boolean {
	const bytes = ipv6Bytes(address);
	return bytes !== null && inPrefix(uniqueLocalPrefix, bytes);
}
