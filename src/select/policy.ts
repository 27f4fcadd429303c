// Policy tables as data, scopes (RFC 6724 §3) and CommonPrefixLen (§2.2), with each stack's variant.
import ipaddr from 'ipaddr.js';
import {inetPton4, inetPton6} from './inet-pton.js';
import type {PolicyRow, PrefixRow, ScopeRow, Stack} from './types.js';

/** A parsed address: its family, its own bytes, and the 16-byte form the policy tables are keyed on. */
export interface Ip {
	readonly text: string;
	readonly family: 4 | 6;
	/** 4 bytes for IPv4, 16 for IPv6. */
	readonly bytes: readonly number[];
	/** IPv6 bytes; an IPv4 address as ::ffff:a.b.c.d (RFC 6724 §3.2). */
	readonly mapped: readonly number[];
}

/**
 * Parses an address; IPv4 must be a plain dotted quad. A zone (%eth0) is dropped. Throws on anything
 * else (a caller's bug). IPv6 bytes come from inet_pton's rules, not ipaddr.js, which reads the
 * deprecated IPv4-compatible form ::a.b.c.d as ::ffff:a.b.c.d (its "deprecatedTransitional" case):
 * ::1.2.3.4 is in ::/96 (label 3), not ::ffff:0:0/96.
 */
export function parseIp(text: string): Ip {
	const cached = offeredIp(text) ?? parsed.get(text);
	if (cached !== undefined) return cached;
	return remember(parseIpUncached(text));
}

function remember(ip: Ip): Ip {
	// Memoised: every comparison looks its two addresses and the table prefixes up again. Bounded by
	// starting over, which keeps a batch of millions of names flat.
	if (parsed.size >= 4096) parsed.clear();
	parsed.set(ip.text, ip);
	return ip;
}

const parsed = new Map<string, Ip>();

/**
 * parseIp for the two plain forms only — a dotted quad, or hex groups with at most one `::` — and null
 * for anything else (a zone, an embedded IPv4, not an address). Every text it takes is one net.isIP
 * accepts, so callers can skip that regex for the addresses DNS answers are written as.
 */
export function parsePlainIp(text: string): Ip | null {
	const offer = offeredIp(text);
	if (offer !== undefined) return offer;
	const bytes = plainIpBytes(text);
	if (bytes === null) return null;
	// parseIpUncached's result for these forms, built from the bytes just read.
	return parsed.get(text) ?? remember(bytes.length === 16 ? {text, family: 6, bytes, mapped: bytes} : ipv4(text, bytes));
}

/**
 * parsePlainIp's bytes only (4 or 16), or null: no Ip object and no memo. For a capture's probes, which
 * read each of 160k distinct addresses once (the memo, cleared every 4,096, only churned).
 */
export function plainIpBytes(text: string): number[] | null {
	return text.includes(':') ? plainIpv6(text) : inetPton4(text);
}

/**
 * Addresses already made from a reply's bytes (ipOfBytes), offered to the parses of the selection about
 * to run. Decision: the batch parsed each answer's text again (what-if lookup, candidates, DNS64, the
 * verdict) through the memo Map, whose get and set were most of the parse; the reader has the bytes.
 * Safe whatever is offered: an Ip is a function of its text, and only an Ip with that text is taken.
 */
let offered: readonly Ip[] = [];

/** Offers `ips` to parseIp and parsePlainIp until the next call (an empty list ends the offer). */
export function offerIps(ips: readonly Ip[]): void {
	offered = ips;
}

function offeredIp(text: string): Ip | undefined {
	const list = offered;
	for (let i = 0; i < list.length; i++) {
		const ip = list[i] as Ip;
		if (ip.text === text) return ip;
	}
	return undefined;
}

/**
 * The Ip of an address record's RDATA: 4 bytes at `at` (A) or 16 (AAAA), and its text as written from
 * those bytes (a dotted quad, or address-text.ts formatIpv6's RFC 5952 form): parseIp(text)'s value.
 */
export function ipOfBytes(text: string, b: Uint8Array, at: number, family: 4 | 6): Ip {
	if (family === 4) return ipv4(text, [b[at] as number, b[at + 1] as number, b[at + 2] as number, b[at + 3] as number]);
	const bytes = new Array<number>(16);
	for (let i = 0; i < 16; i++) bytes[i] = b[at + i] as number;
	return {text, family: 6, bytes, mapped: bytes};
}

function ipv4(text: string, bytes: number[]): Ip {
	// Four elements written out: a spread per address cost more than the parse (a batch parses every answer's).
	const [a, b, c, d] = bytes as [number, number, number, number];
	return {text, family: 4, bytes, mapped: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d]};
}

function parseIpUncached(text: string): Ip {
	// Decision: no colon, so IPv4 — and inet_pton's dotted quad (no leading zeros, as ipaddr.js's
	// "four-part decimal"); asking ipaddr.js about IPv6 text first costs it a thrown exception each time.
	if (!text.includes(':')) {
		const bytes = inetPton4(text);
		if (bytes !== null) return ipv4(text, bytes);
		throw new TypeError(`not an IP address: ${JSON.stringify(text)}`);
	}
	const bytes = plainIpv6(text) ?? (ipaddr.IPv6.isValid(text) ? inetPton6(text.replace(/%.*$/, '')) : null);
	if (bytes !== null) return {text, family: 6, bytes, mapped: bytes};
	throw new TypeError(`not an IP address: ${JSON.stringify(text)}`);
}

/**
 * The common case fast: hex groups and at most one `::`, nothing else (no dotted quad, no zone). Every
 * text it accepts inet_pton accepts with the same bytes; anything else returns null for the exact path.
 */
function plainIpv6(text: string): number[] | null {
	const n = text.length;
	const groups: number[] = [];
	let gap = -1;
	let i = 0;
	if (n >= 2 && text.charCodeAt(0) === 58) {
		if (text.charCodeAt(1) !== 58) return null;
		gap = 0;
		i = 2;
	}
	while (i < n) {
		let value = 0;
		let digits = 0;
		for (; i < n; i++) {
			const h = hexValue(text.charCodeAt(i));
			if (h < 0) break;
			value = value * 16 + h;
			if (++digits > 4) return null;
		}
		if (digits === 0) return null;
		groups.push(value);
		if (i === n) break;
		if (text.charCodeAt(i) !== 58) return null;
		i++;
		if (i < n && text.charCodeAt(i) === 58) {
			if (gap >= 0) return null;
			gap = groups.length;
			i++;
		} else if (i === n) return null;
	}
	if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null;
	const bytes = new Array<number>(16).fill(0);
	const tail = gap < 0 ? 0 : groups.length - gap;
	for (let g = 0; g < groups.length; g++) {
		const at = gap < 0 || g < gap ? g : 8 - tail + (g - gap);
		const value = groups[g] as number;
		bytes[2 * at] = value >> 8;
		bytes[2 * at + 1] = value & 0xff;
	}
	return bytes;
}

function hexValue(c: number): number {
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 97 && c <= 102) return c - 87;
	if (c >= 65 && c <= 70) return c - 55;
	return -1;
}

export function toIp(address: string | Ip): Ip {
	return typeof address === 'string' ? parseIp(address) : address;
}

/** ::ffff:0:0/96, RFC 4291 §2.5.5.2. */
export function isMapped(ip: Ip): boolean {
	return ip.family === 6 && ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
}

/** The IPv4 address inside ::ffff:a.b.c.d (how Go's net.IP sees it: the two are the same value). */
export function unmap(ip: Ip): Ip {
	if (!isMapped(ip)) return ip;
	const bytes = ip.bytes.slice(12);
	return {text: bytes.join('.'), family: 4, bytes, mapped: ip.bytes};
}

/** Scope values, RFC 6724 §3.1 (the multicast scope field of RFC 4291 §2.7). */
export const scopes = {interfaceLocal: 0x1, linkLocal: 0x2, adminLocal: 0x4, siteLocal: 0x5, orgLocal: 0x8, global: 0xe} as const;

const row = (prefix: string, bits: number, precedence: number, label: number): PolicyRow => ({prefix, bits, precedence, label});

/** RFC 6724 §2.1, in the RFC's order. Lookups take the longest matching prefix. */
export const rfc6724PolicyTable: readonly PolicyRow[] = [
	row('::1', 128, 50, 0),
	row('::', 0, 40, 1),
	row('::ffff:0:0', 96, 35, 4),
	row('2002::', 16, 30, 2),
	row('2001::', 32, 5, 5), // Teredo: 2001:0000::/32 only, so 2001:db8:: is not Teredo
	row('fc00::', 7, 3, 13),
	row('::', 96, 1, 3),
	row('fec0::', 10, 1, 11),
	row('3ffe::', 16, 1, 12),
];

/** Go's `rfc6724policyTable`: the RFC's rows, sorted longest prefix first at init. */
export const goPolicyTable: readonly PolicyRow[] = [...rfc6724PolicyTable].sort((a, b) => b.bits - a.bits);

/**
 * musl's `defpolicy`, first match wins. The ::/96, fec0::/10 and 3ffe::/16 rows are `#if 0`-ed out
 * ("deprecated and/or returned to the address pool"), so those addresses get ::/0's 40 and 1.
 */
export const muslPolicyTable: readonly PolicyRow[] = [
	row('::1', 128, 50, 0),
	row('::ffff:0:0', 96, 35, 4),
	row('2002::', 16, 30, 2),
	row('2001::', 32, 5, 5),
	row('fc00::', 7, 3, 13),
	row('::', 0, 40, 1),
];

const prefixRow = (prefix: string, bits: number, value: number): PrefixRow => ({prefix, bits, value, line: null});

/**
 * glibc's `default_labels` ("See RFC 3484"): the RFC 6724 partition without 3ffe::/16, but with its
 * own numbers (site-local 5, ULA 6, Teredo 7).
 */
export const glibcDefaultLabels: readonly PrefixRow[] = [
	prefixRow('::1', 128, 0),
	prefixRow('2002::', 16, 2),
	prefixRow('::', 96, 3),
	prefixRow('::ffff:0:0', 96, 4),
	prefixRow('fec0::', 10, 5),
	prefixRow('fc00::', 7, 6),
	prefixRow('2001::', 32, 7),
	prefixRow('::', 0, 1),
];

/** glibc's `default_precedence`: still RFC 3484's table, so IPv4 (10) ranks below 6to4 (30). */
export const glibcDefaultPrecedence: readonly PrefixRow[] = [
	prefixRow('::1', 128, 50),
	prefixRow('2002::', 16, 30),
	prefixRow('::', 96, 20),
	prefixRow('::ffff:0:0', 96, 10),
	prefixRow('::', 0, 40),
];

/** glibc's `default_scopes`: 169.254/16 and 127/8 link-local, all else (RFC 1918 too, BZ #11438) global. */
export const glibcDefaultScopes: readonly ScopeRow[] = [
	{prefix: '169.254.0.0', bits: 16, scope: scopes.linkLocal, line: null},
	{prefix: '127.0.0.0', bits: 8, scope: scopes.linkLocal, line: null},
	{prefix: '0.0.0.0', bits: 0, scope: scopes.global, line: null},
];

const prefixBytesCache = new Map<string, readonly number[]>();

function prefixBytes(prefix: string): readonly number[] {
	let bytes = prefixBytesCache.get(prefix);
	if (bytes === undefined) {
		bytes = parseIp(prefix).bytes;
		prefixBytesCache.set(prefix, bytes);
	}
	return bytes;
}

/** Whether the first `bits` bits of `a` and `b` agree (bits beyond the prefix are ignored). */
export function prefixMatches(a: readonly number[], b: readonly number[], bits: number): boolean {
	return leadingEqualBits(a, b, bits) >= bits;
}

/** A prefix as inPrefix matches it: its whole bytes, then the mask of its last partial byte. */
export interface CompiledPrefix {
	readonly bytes: readonly number[];
	readonly whole: number;
	readonly mask: number;
}

export function compilePrefix(bytes: readonly number[], bits: number): CompiledPrefix {
	return {bytes, whole: bits >> 3, mask: bits & 7 ? (0xff << (8 - (bits & 7))) & 0xff : 0};
}

/** Whether `address` (16 bytes) lies in the prefix: prefixMatches without counting bits. */
export function inPrefix(c: CompiledPrefix, address: readonly number[]): boolean {
	const bytes = c.bytes;
	let i = 0;
	// A byte either side lacks never matches (a 4-byte prefix cannot hold a /96), as leadingEqualBits stops there.
	while (i < c.whole && address[i] !== undefined && address[i] === bytes[i]) i++;
	if (i < c.whole) return false;
	if (c.mask === 0) return true;
	const last = bytes[i];
	const here = address[i];
	return last !== undefined && here !== undefined && ((here ^ last) & c.mask) === 0;
}

/** A table row as lookupPrefix matches it. */
interface CompiledRow<T> extends CompiledPrefix {
	readonly row: T;
}

/** Each table's rows, longest prefix first (of equal lengths, in table order), made once per table. */
const compiledTables = new WeakMap<readonly object[], readonly CompiledRow<object>[]>();

function compiledTable<T extends {readonly prefix: string; readonly bits: number}>(rows: readonly T[]): readonly CompiledRow<T>[] {
	let table = compiledTables.get(rows) as readonly CompiledRow<T>[] | undefined;
	if (table === undefined) {
		const made = rows.map((row): CompiledRow<T> => ({row, ...compilePrefix(prefixBytes(row.prefix), row.bits)}));
		// A stable sort: of equal lengths the earlier row stays first.
		table = made.sort((a, b) => b.row.bits - a.row.bits);
		compiledTables.set(rows, table);
	}
	return table;
}

/**
 * The longest row whose prefix contains the address, IPv4 looked up as ::ffff:a.b.c.d; of equal
 * lengths the earlier row. glibc and musl take the first match of a longest-first table, which is
 * the same thing. Decision: the rows are compiled once per table (bytes and mask, longest first), so
 * the first match is the answer: every destination and source of a batch is looked up in two tables.
 */
export function lookupPrefix<T extends {readonly prefix: string; readonly bits: number}>(rows: readonly T[], address: string | Ip): T | undefined {
	const mapped = toIp(address).mapped;
	for (const c of compiledTable(rows)) if (inPrefix(c, mapped)) return c.row;
	return undefined;
}

/** The scope of an IPv6 address (RFC 6724 §3.1, §3.4): multicast field, link-local, loopback, site-local. */
function ipv6Scope(bytes: readonly number[]): number {
	const [b0 = 0, b1 = 0] = bytes;
	if (b0 === 0xff) return b1 & 0x0f;
	if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return scopes.linkLocal;
	// §3.4: "the loopback address ... should be treated as having link-local scope".
	if (bytes.every((b, i) => b === (i === 15 ? 1 : 0))) return scopes.linkLocal;
	if (b0 === 0xfe && (b1 & 0xc0) === 0xc0) return scopes.siteLocal;
	// ULA, 6to4, Teredo and the embedded-IPv4 forms are global (§3.3, and ULA per RFC 4193).
	return scopes.global;
}

/** RFC 6724 §3.2: 169.254/16 and 127/8 are link-local, every other IPv4 address global. */
function ipv4Scope(bytes: readonly number[]): number {
	const [b0, b1] = bytes;
	if (b0 === 127 || (b0 === 169 && b1 === 254)) return scopes.linkLocal;
	return scopes.global;
}

function ipv4Number(bytes: readonly number[]): number {
	return bytes.reduce((n, b) => n * 256 + b, 0);
}

/** glibc's `get_scope` for AF_INET: the first row of the (longest-first) scope table that matches. */
export function glibcIpv4Scope(bytes: readonly number[], table: readonly ScopeRow[]): number {
	const address = ipv4Number(bytes);
	for (const entry of compiledScopes(table)) if (((address & entry.mask) >>> 0) === entry.network) return entry.scope;
	return scopes.global; // unreachable: every table ends with 0.0.0.0/0
}

/** A scope table's rows as masks and masked networks, made once per table (in order: glibc takes the first match). */
const compiledScopeTables = new WeakMap<readonly ScopeRow[], readonly {readonly mask: number; readonly network: number; readonly scope: number}[]>();

function compiledScopes(table: readonly ScopeRow[]): readonly {readonly mask: number; readonly network: number; readonly scope: number}[] {
	let rows = compiledScopeTables.get(table);
	if (rows === undefined) {
		rows = table.map((entry) => {
			const mask = entry.bits === 0 ? 0 : (0xffffffff << (32 - entry.bits)) >>> 0;
			return {mask, network: (ipv4Number(prefixBytes(entry.prefix)) & mask) >>> 0, scope: entry.scope};
		});
		compiledScopeTables.set(table, rows);
	}
	return rows;
}

/**
 * Scope(address) as each stack computes it:
 * - rfc6724: §3.1–3.4. An IPv4 address gets §3.2's rules; an IPv6 text that merely embeds one
 *   (::ffff:a.b.c.d, ::a.b.c.d) is global by §3.3 — the two sections disagree about the mapped form,
 *   and the family the caller wrote settles it.
 * - glibc: IPv6 as the RFC; IPv4 through `default_scopes` or gai.conf `scopev4` (`scopeTable`).
 * - go: as the RFC, but net.IP cannot tell ::ffff:127.0.0.1 from 127.0.0.1, so a mapped address takes
 *   the IPv4 rules (::ffff:127.0.0.1 is link-local in Go, global everywhere else).
 * - musl: scopeof() on the mapped form, so every IPv4 address is global (169.254/16 and 127/8 too).
 */
export function classifyScope(address: string | Ip, stack: Stack, scopeTable: readonly ScopeRow[] = glibcDefaultScopes): number {
	const ip = toIp(address);
	switch (stack) {
		case 'rfc6724':
			return ip.family === 4 ? ipv4Scope(ip.bytes) : ipv6Scope(ip.bytes);
		case 'go': {
			const seen = unmap(ip);
			return seen.family === 4 ? ipv4Scope(seen.bytes) : ipv6Scope(seen.bytes);
		}
		case 'glibc':
			return ip.family === 4 ? glibcIpv4Scope(ip.bytes, scopeTable) : ipv6Scope(ip.bytes);
		case 'musl':
			return ipv6Scope(ip.mapped);
	}
}

/** The number of leading bits `a` and `b` share, looking at no more than `limit` bits. */
export function leadingEqualBits(a: readonly number[], b: readonly number[], limit: number): number {
	let bits = 0;
	for (let i = 0; bits < limit; i++) {
		const x = a[i];
		const y = b[i];
		if (x === undefined || y === undefined) break;
		const differing = x ^ y;
		if (differing === 0) {
			bits += 8;
			continue;
		}
		bits += Math.clz32(differing) - 24;
		break;
	}
	return Math.min(bits, limit);
}

/**
 * CommonPrefixLen(S, D) for Rule 9, per stack. `sourcePrefixLen` is the source's subnet length.
 * - rfc6724 (§2.2): leading equal bits "up to the length of S's prefix"; 0 across families.
 * - glibc: IPv6 over all 128 bits (RFC 3484's definition). IPv4 only when D lies in S's subnet
 *   ("Outside of subnets … common address prefixes for IPv4 addresses make no sense"), then over
 *   32 bits. A prefix length of 0 makes `0xffffffffu << 32`, undefined in C; x86 masks the shift
 *   count, so it acts as /32.
 * - go: IPv6 compares only the first 64 bits whatever the real prefix; IPv4 over 32 bits; a mapped
 *   address counts as IPv4; different families give 0.
 * - musl: `prefixmatch` over the 128-bit mapped forms, uncapped ("FIXME: … not yet implemented").
 */
export function commonPrefixLen(source: string | Ip, destination: string | Ip, stack: Stack, sourcePrefixLen = 128): number {
	const s = toIp(source);
	const d = toIp(destination);
	switch (stack) {
		case 'rfc6724':
			if (s.family !== d.family) return 0;
			return leadingEqualBits(s.bytes, d.bytes, Math.min(sourcePrefixLen, s.bytes.length * 8));
		case 'glibc': {
			if (s.family !== d.family) return 0;
			if (s.family === 6) return leadingEqualBits(s.bytes, d.bytes, 128);
			const bits = sourcePrefixLen <= 0 || sourcePrefixLen > 32 ? 32 : sourcePrefixLen;
			return prefixMatches(s.bytes, d.bytes, bits) ? leadingEqualBits(s.bytes, d.bytes, 32) : 0;
		}
		case 'go': {
			const a = unmap(s);
			const b = unmap(d);
			if (a.family !== b.family) return 0;
			return leadingEqualBits(a.bytes, b.bytes, a.family === 6 ? 64 : 32);
		}
		case 'musl':
			return leadingEqualBits(s.mapped, d.mapped, 128);
	}
}
