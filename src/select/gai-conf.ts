// /etc/gai.conf text → the label, precedence and IPv4 scope tables glibc's getaddrinfo will use.
//
// Follows `gaiconf_init`, `add_prefixlist` and `add_scopelist` in glibc nss/getaddrinfo.c, and what
// Debian 12's glibc 2.36 was seen to do with each kind of line (see test/unit/gai-conf.test.ts).
import ipaddr from 'ipaddr.js';
import {inetPton4, inetPton6} from './inet-pton.js';
import type {GaiConf, GaiConfIgnoredLine, GaiConfIgnoreReason, PrefixRow, ScopeRow} from './types.js';

const intMax = 2147483647n;
const ulongMax = 2n ** 64n - 1n;

/** C's isspace() in the "C" locale, which is how glibc splits a line into words. */
const spaces = ' \t\n\v\f\r';

/**
 * glibc's `strtoul(text, &end, 10)` followed by its `*end == '\0'` check. An empty string converts
 * nothing and passes as 0 (so a missing value or "::/" bits count as 0); a sign is allowed, and
 * "-N" wraps to 2^64 − N, which every range check then refuses ("-0" stays 0); overflow is ERANGE.
 */
function strtoulWhole(text: string): bigint | null {
	const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(text);
	if (match === null) return text === '' ? 0n : null;
	if (match[0].length !== text.length) return null;
	const magnitude = BigInt(match[2] ?? '0');
	if (magnitude > ulongMax) return null;
	return match[1] === '-' ? (ulongMax + 1n - magnitude) & ulongMax : magnitude;
}

/** The first three words of a line (command, two values); glibc ignores the rest. */
function words(line: string): [string, string, string] {
	const out: string[] = [];
	let i = 0;
	while (out.length < 3) {
		while (i < line.length && spaces.includes(line[i] ?? '')) i++;
		const start = i;
		while (i < line.length && !spaces.includes(line[i] ?? '')) i++;
		out.push(line.slice(start, i));
	}
	return [out[0] ?? '', out[1] ?? '', out[2] ?? ''];
}

/** Clears the host bits of a prefix, as the table stores it. */
function masked(bytes: readonly number[], bits: number): number[] {
	return bytes.map((byte, i) => {
		const keep = Math.max(0, Math.min(8, bits - i * 8));
		return byte & ((0xff00 >> keep) & 0xff);
	});
}

/** RFC 5952 text, but a mapped prefix longer than /96 keeps its dotted quad (RFC 5952 §5). */
function ipv6Text(bytes: readonly number[], bits: number): string {
	if (bits > 96 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
		return `::ffff:${bytes.slice(12).join('.')}`;
	}
	return ipaddr.fromByteArray([...bytes]).toString();
}

type Parsed<T> = {ok: true; row: T} | {ok: false; reason: GaiConfIgnoreReason; detail: string};

const noBits =
	'no /bits: glibc then reads an uninitialised pointer (undefined behaviour); glibc 2.36 ignored such label and precedence lines, and a scopev4 line of this form crashed getaddrinfo';

/** `label` and `precedence` lines: an IPv6 prefix (IPv4 as ::ffff:a.b.c.d) with /0–128 bits. */
function parsePrefixLine(val1: string, val2: string, line: number): Parsed<PrefixRow> {
	const slash = val1.indexOf('/');
	const bytes = inetPton6(slash < 0 ? val1 : val1.slice(0, slash));
	if (bytes === null) return {ok: false, reason: 'bad-prefix', detail: 'not an IPv6 prefix (write IPv4 as ::ffff:a.b.c.d/96+n)'};
	if (slash < 0) return {ok: false, reason: 'missing-prefix-length', detail: noBits};
	const bits = strtoulWhole(val1.slice(slash + 1));
	if (bits === null || bits > 128n) return {ok: false, reason: 'bad-prefix-length', detail: 'the prefix length must be a decimal number from 0 to 128'};
	const value = strtoulWhole(val2);
	if (value === null || value > intMax) return {ok: false, reason: 'bad-value', detail: 'the value must be a decimal number from 0 to 2147483647'};
	const n = Number(bits);
	return {ok: true, row: {prefix: ipv6Text(masked(bytes, n), n), bits: n, value: Number(value), line}};
}

/** `scopev4` lines: `::ffff:a.b.c.d/96–128` or `a.b.c.d/0–32`, stored as an IPv4 prefix. */
function parseScopeLine(val1: string, val2: string, line: number): Parsed<ScopeRow> {
	const slash = val1.indexOf('/');
	const address = slash < 0 ? val1 : val1.slice(0, slash);
	const v6 = inetPton6(address);
	let v4: number[] | null;
	let bits: bigint | null;
	if (v6 !== null) {
		// An IPv6 prefix that is not IPv4-mapped is refused; glibc does not then try it as IPv4.
		const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
		if (!mapped) return {ok: false, reason: 'bad-prefix', detail: 'an IPv6 scopev4 prefix must be IPv4-mapped (::ffff:a.b.c.d)'};
		if (slash < 0) return {ok: false, reason: 'missing-prefix-length', detail: noBits};
		v4 = v6.slice(12);
		const raw = strtoulWhole(val1.slice(slash + 1));
		if (raw === null || raw < 96n || raw > 128n) return {ok: false, reason: 'bad-prefix-length', detail: 'a ::ffff: prefix length must be from 96 to 128'};
		bits = raw - 96n;
	} else {
		v4 = inetPton4(address);
		if (v4 === null) return {ok: false, reason: 'bad-prefix', detail: 'not an IPv4 prefix'};
		if (slash < 0) return {ok: false, reason: 'missing-prefix-length', detail: noBits};
		bits = strtoulWhole(val1.slice(slash + 1));
		if (bits === null || bits > 32n) return {ok: false, reason: 'bad-prefix-length', detail: 'an IPv4 prefix length must be from 0 to 32'};
	}
	const value = strtoulWhole(val2);
	if (value === null || value > intMax) return {ok: false, reason: 'bad-value', detail: 'the scope must be a decimal number from 0 to 2147483647'};
	const n = Number(bits);
	return {ok: true, row: {prefix: masked(v4, n).join('.'), bits: n, scope: Number(value), line}};
}

/**
 * The table glibc builds from a kind's valid lines: the ::/0 default appended when no /0 row was
 * given, then sorted longest prefix first. glibc 2.36 sorts with a stable merge sort, so of two rows
 * for the same prefix the earlier line wins (2.37+ qsort is introsort: unspecified).
 */
function finish<T extends {readonly bits: number}>(rows: T[], fallback: T): T[] | null {
	if (rows.length === 0) return null;
	const table = rows.some((r) => r.bits === 0) ? [...rows] : [...rows, fallback];
	return table.sort((a, b) => b.bits - a.bits);
}

/** Parses gai.conf text the way glibc's `gaiconf_init` does. Pure: the caller reads the file. */
export function parseGaiConf(text: string): GaiConf {
	const labels: PrefixRow[] = [];
	const precedences: PrefixRow[] = [];
	const scopeRows: ScopeRow[] = [];
	const ignored: GaiConfIgnoredLine[] = [];
	let reload = false;
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	lines.forEach((raw, index) => {
		const line = index + 1;
		// "Handle comments. No escaping possible so this is easy." C strings also end at a NUL.
		const body = raw.split('\0')[0]?.split('#')[0] ?? '';
		const [command, val1, val2] = words(body);
		if (command === '') return;
		const ignore = (reason: GaiConfIgnoreReason, detail: string): void => {
			ignored.push({line, text: raw.replace(/\r$/, ''), reason, detail});
		};
		switch (command) {
			case 'label':
			case 'precedence': {
				const parsed = parsePrefixLine(val1, val2, line);
				if (!parsed.ok) ignore(parsed.reason, parsed.detail);
				else (command === 'label' ? labels : precedences).push(parsed.row);
				break;
			}
			case 'scopev4': {
				const parsed = parseScopeLine(val1, val2, line);
				if (!parsed.ok) ignore(parsed.reason, parsed.detail);
				else scopeRows.push(parsed.row);
				break;
			}
			case 'reload':
				// Anything but "yes" (a missing word too) turns reloading off; the last line counts.
				reload = val1 === 'yes';
				break;
			default:
				// Commands are matched case-sensitively ("PRECEDENCE" is ignored).
				ignore('unknown-command', `"${command}" is not label, precedence, scopev4 or reload`);
		}
	});
	return {
		labels: finish(labels, {prefix: '::', bits: 0, value: 1, line: null}),
		precedences: finish(precedences, {prefix: '::', bits: 0, value: 40, line: null}),
		scopes: finish(scopeRows, {prefix: '0.0.0.0', bits: 0, scope: 14, line: null}),
		reload,
		ignored,
	};
}
