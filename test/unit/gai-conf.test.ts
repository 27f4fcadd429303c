// /etc/gai.conf parsing with glibc's semantics, and scope/label/precedence per address class per stack.
//
// Where a case says "glibc 2.36 does", it was checked by running getaddrinfo (getent ahosts) in a
// private mount + network namespace with the gai.conf bind-mounted over /etc/gai.conf.
import {describe, expect, it} from 'vitest';
import {parseGaiConf} from '../../src/select/gai-conf.js';
import {inetPton4, inetPton6} from '../../src/select/inet-pton.js';
import {classifyScope, glibcDefaultLabels, goPolicyTable, muslPolicyTable, rfc6724PolicyTable} from '../../src/select/policy.js';
import {attributesOf} from '../../src/select/stacks.js';
import type {Stack} from '../../src/select/types.js';

const glibc = (address: string, text: string) => attributesOf(address, 'glibc', {gaiConf: parseGaiConf(text)});

describe('parseGaiConf: a valid line replaces the whole built-in table of its kind', () => {
	it('leaves every table built-in for an empty or all-comment file', () => {
		expect(parseGaiConf('')).toEqual({labels: null, precedences: null, scopes: null, reload: false, ignored: []});
		expect(parseGaiConf('# label ::1/128 0\n#precedence ::ffff:0:0/96 100\n\n   \n')).toEqual({labels: null, precedences: null, scopes: null, reload: false, ignored: []});
	});

	it('a lone precedence line: IPv4 gets 100, and ::1, 2002::/16 and ::/96 fall back to ::/0 (40)', () => {
		const conf = parseGaiConf('precedence ::ffff:0:0/96 100\n');
		expect(conf.precedences).toEqual([
			{prefix: '::ffff:0:0', bits: 96, value: 100, line: 1},
			{prefix: '::', bits: 0, value: 40, line: null},
		]);
		expect(conf.labels).toBeNull();
		expect(conf.scopes).toBeNull();
		const text = 'precedence ::ffff:0:0/96 100\n';
		expect(['::1', '2002:c633:6401::1', '::1.2.3.4', '10.1.2.3'].map((a) => glibc(a, text).precedence)).toEqual([40, 40, 40, 100]);
		// Built-in: 50, 30, 20, 10.
		expect(['::1', '2002:c633:6401::1', '::1.2.3.4', '10.1.2.3'].map((a) => glibc(a, '').precedence)).toEqual([50, 30, 20, 10]);
	});

	it('a lone scopev4 line: 127/8 and 169.254/16 become global', () => {
		const text = 'scopev4 10.0.0.0/8 5\n';
		expect(parseGaiConf(text).scopes).toEqual([
			{prefix: '10.0.0.0', bits: 8, scope: 5, line: 1},
			{prefix: '0.0.0.0', bits: 0, scope: 14, line: null},
		]);
		expect(['127.0.0.1', '169.254.1.2', '10.1.2.3', '192.0.2.1'].map((a) => glibc(a, text).scope)).toEqual([14, 14, 5, 14]);
		expect(['127.0.0.1', '169.254.1.2', '10.1.2.3'].map((a) => glibc(a, '').scope)).toEqual([2, 2, 14]);
	});

	it('a lone label line: every other address, IPv4 included, gets label 1', () => {
		const text = 'label 2001:db8::/32 9\n';
		expect(['2001:db8::1', '::1', '10.1.2.3', '2002:c633:6401::1', 'fd00::1'].map((a) => glibc(a, text).label)).toEqual([9, 1, 1, 1, 1]);
	});

	it('keeps /0 rows instead of appending a default ("::/" has 0 bits)', () => {
		expect(parseGaiConf('precedence ::/0 7\nprecedence ::1/128 9\n').precedences).toEqual([
			{prefix: '::1', bits: 128, value: 9, line: 2},
			{prefix: '::', bits: 0, value: 7, line: 1},
		]);
		expect(parseGaiConf('precedence 2001:db8:1::/ 5\n').precedences).toEqual([{prefix: '::', bits: 0, value: 5, line: 1}]);
		expect(parseGaiConf('scopev4 ::ffff:0.0.0.0/96 1\n').scopes).toEqual([{prefix: '0.0.0.0', bits: 0, scope: 1, line: 1}]);
	});

	it('sorts longest prefix first; of two rows for one prefix the earlier line wins (glibc 2.36)', () => {
		const conf = parseGaiConf('label fc00::/7 13\nlabel 2001:db8:1::/48 6\nlabel ::1/128 0\nlabel 2001:db8:1::/48 7\n');
		expect(conf.labels?.map((r) => `${r.prefix}/${r.bits}=${r.value}@${r.line ?? '-'}`)).toEqual([
			'::1/128=0@3',
			'2001:db8:1::/48=6@2',
			'2001:db8:1::/48=7@4',
			'fc00::/7=13@1',
			'::/0=1@-',
		]);
		expect(glibc('2001:db8:1::1', 'precedence 2001:db8:1::/48 5\nprecedence 2001:db8:1::/48 50\n').precedence).toBe(5);
	});

	it('clears host bits and writes prefixes as RFC 5952 text (mapped ones longer than /96 dotted)', () => {
		const conf = parseGaiConf('precedence 2001:DB8:1::ff/48 5\nprecedence ::ffff:10.1.2.3/104 7\nscopev4 ::ffff:192.168.7.7/112 5\n');
		expect(conf.precedences?.map((r) => `${r.prefix}/${r.bits}`)).toEqual(['::ffff:10.0.0.0/104', '2001:db8:1::/48', '::/0']);
		expect(conf.scopes?.[0]).toEqual({prefix: '192.168.0.0', bits: 16, scope: 5, line: 3});
	});
});

describe('parseGaiConf: what glibc ignores, and what it unexpectedly accepts', () => {
	const ignoredReasons = (text: string) => parseGaiConf(text).ignored.map((i) => i.reason);

	it.each([
		['precedence 2001:db8:1::/200 0', 'bad-prefix-length'],
		['precedence 2001:db8:1::/-0 0', null], // "-0" is 0
		['precedence 2001:db8:1::/+48 0', null],
		['precedence 2001:db8:1::/48 -1', 'bad-value'], // strtoul wraps -1 to ULONG_MAX
		['precedence 2001:db8:1::/48 -0', null],
		['precedence 2001:db8:1::/48 +0', null],
		['precedence 2001:db8:1::/48 0x10', 'bad-value'],
		['precedence 2001:db8:1::/48 05', null],
		['precedence 2001:db8:1::/48 2147483647', null],
		['precedence 2001:db8:1::/48 2147483648', 'bad-value'],
		['precedence 2001:db8:1::/48 4294967296', 'bad-value'],
		['bogus 2001:db8:1::/48 0', 'unknown-command'],
		['PRECEDENCE 2001:db8:1::/48 0', 'unknown-command'],
		['precedence 2001:db8:1::%eth0/48 5', 'bad-prefix'],
		['precedence 2001:00db8:1::/48 5', 'bad-prefix'],
		['precedence ::ffff:010.1.2.3/128 50', 'bad-prefix'], // inet_pton refuses a leading zero
		['precedence 10.0.0.0/8 50', 'bad-prefix'], // IPv4 must be written ::ffff:a.b.c.d
		['label ::1 5', 'missing-prefix-length'],
		['precedence 2001:db8:1::1 0', 'missing-prefix-length'],
		['scopev4 10.1.2.3 2', 'missing-prefix-length'],
		['scopev4 ::ffff:10.0.0.0 5', 'missing-prefix-length'],
		['scopev4 2001:db8::/32 5', 'bad-prefix'], // an IPv6 prefix must be IPv4-mapped
		['scopev4 ::ffff:10.0.0.0/95 5', 'bad-prefix-length'],
		['scopev4 10.0.0.0/33 5', 'bad-prefix-length'],
		['scopev4 10.0.0.0/8 x', 'bad-value'],
		['label', 'bad-prefix'],
	] as const)('%s → %s', (line, reason) => {
		expect(ignoredReasons(`${line}\n`)).toEqual(reason === null ? [] : [reason]);
	});

	it('takes a missing value as 0, since strtoul("") converts nothing and leaves *end == 0 (glibc 2.36 does)', () => {
		expect(parseGaiConf('precedence 2001:db8:1::/48\n').precedences?.[0]).toEqual({prefix: '2001:db8:1::', bits: 48, value: 0, line: 1});
		expect(parseGaiConf('scopev4 10.0.0.0/8\n').scopes?.[0]).toEqual({prefix: '10.0.0.0', bits: 8, scope: 0, line: 1});
	});

	it('warns that a prefix without /bits is undefined behaviour in glibc (a scopev4 one crashed getaddrinfo)', () => {
		const [entry] = parseGaiConf('scopev4 10.1.2.3 2\n').ignored;
		expect(entry).toMatchObject({line: 1, text: 'scopev4 10.1.2.3 2', reason: 'missing-prefix-length'});
		expect(entry?.detail).toMatch(/crashed getaddrinfo/);
	});

	it('reports ignored lines with their numbers and text, leaving the valid ones in force', () => {
		const conf = parseGaiConf('# prefer IPv4\nprecedence ::ffff:0:0/96 100\nprecedence ::/200 3\r\nfrobnicate\n');
		expect(conf.ignored.map(({line, text, reason}) => ({line, text, reason}))).toEqual([
			{line: 3, text: 'precedence ::/200 3', reason: 'bad-prefix-length'},
			{line: 4, text: 'frobnicate', reason: 'unknown-command'},
		]);
		expect(conf.precedences?.[0]).toMatchObject({prefix: '::ffff:0:0', value: 100, line: 2});
	});

	it('cuts comments anywhere, splits on any whitespace and ignores words after the second value', () => {
		expect(parseGaiConf('precedence ::ffff:0:0/96 100 # prefer IPv4\n').precedences?.[0]?.value).toBe(100);
		expect(parseGaiConf('  precedence\t::ffff:0:0/96   100  trailing junk\r\n').precedences?.[0]?.value).toBe(100);
		// "#" inside the value cuts it off: the value is then missing, so 0.
		expect(parseGaiConf('precedence ::ffff:0:0/96#100\n').precedences?.[0]?.value).toBe(0);
		expect(parseGaiConf('precedence ::ffff:0:0/96 1#00\n').precedences?.[0]?.value).toBe(1);
	});

	it.each([
		['reload yes', true],
		['reload no', false],
		['reload YES', false],
		['reload', false],
		['reload yes\nreload no', false],
		['reload no\nreload yes # keep watching', true],
	] as const)('%j → reload %s', (text, reload) => {
		expect(parseGaiConf(`${text}\n`)).toMatchObject({reload, ignored: []});
	});
});

describe("inet_pton as glibc's", () => {
	it.each([
		['1.2.3.4', [1, 2, 3, 4]],
		['0.0.0.0', [0, 0, 0, 0]],
		['255.255.255.255', [255, 255, 255, 255]],
		['01.2.3.4', null],
		['1.2.3', null],
		['1.2.3.4.5', null],
		['256.1.1.1', null],
		['1..2.3', null],
		['127.1', null],
	] as const)('inetPton4(%s)', (text, want) => {
		expect(inetPton4(text)).toEqual(want);
	});
	it.each([
		['::', '0'.repeat(32)],
		['::1', `${'0'.repeat(31)}1`],
		['2001:db8::1', `20010db8${'0'.repeat(23)}1`],
		['::ffff:1.2.3.4', `${'0'.repeat(20)}ffff01020304`],
		['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
		['1::2:3:4:5:6:7', '00010000000200030004000500060007'],
		['1:2:3:4:5:6:7::8', null], // "::" must stand for at least one group
		[':1::2', null],
		['1::2::3', null],
		['1:2:3:4:5:6:7:', null],
		['12345::', null],
		['fe80::1%eth0', null],
	] as const)('inetPton6(%s)', (text, hex) => {
		const bytes = inetPton6(text);
		expect(bytes === null ? null : bytes.map((b) => b.toString(16).padStart(2, '0')).join('')).toEqual(hex);
	});
});

describe('scope, label and precedence per address class', () => {
	type Triple = readonly [scope: number, label: number, precedence: number];
	const rows: readonly [string, string, Record<Stack, Triple>][] = [
		['loopback', '::1', {rfc6724: [2, 0, 50], glibc: [2, 0, 50], go: [2, 0, 50], musl: [2, 0, 50]}],
		['IPv4 loopback', '127.0.0.1', {rfc6724: [2, 4, 35], glibc: [2, 4, 10], go: [2, 4, 35], musl: [14, 4, 35]}],
		['mapped loopback', '::ffff:127.0.0.1', {rfc6724: [14, 4, 35], glibc: [14, 4, 10], go: [2, 4, 35], musl: [14, 4, 35]}],
		['IPv4 link-local', '169.254.1.2', {rfc6724: [2, 4, 35], glibc: [2, 4, 10], go: [2, 4, 35], musl: [14, 4, 35]}],
		['RFC 1918', '10.1.2.3', {rfc6724: [14, 4, 35], glibc: [14, 4, 10], go: [14, 4, 35], musl: [14, 4, 35]}],
		['IPv4 global', '8.8.8.8', {rfc6724: [14, 4, 35], glibc: [14, 4, 10], go: [14, 4, 35], musl: [14, 4, 35]}],
		['IPv4 multicast', '224.0.0.1', {rfc6724: [14, 4, 35], glibc: [14, 4, 10], go: [14, 4, 35], musl: [14, 4, 35]}],
		['link-local', 'fe80::1', {rfc6724: [2, 1, 40], glibc: [2, 1, 40], go: [2, 1, 40], musl: [2, 1, 40]}],
		['site-local', 'fec0::1', {rfc6724: [5, 11, 1], glibc: [5, 5, 40], go: [5, 11, 1], musl: [5, 1, 40]}],
		['ULA', 'fd00::1', {rfc6724: [14, 13, 3], glibc: [14, 6, 40], go: [14, 13, 3], musl: [14, 13, 3]}],
		['Teredo', '2001:0:5ef5:79fb::1', {rfc6724: [14, 5, 5], glibc: [14, 7, 40], go: [14, 5, 5], musl: [14, 5, 5]}],
		['documentation (not Teredo)', '2001:db8::1', {rfc6724: [14, 1, 40], glibc: [14, 1, 40], go: [14, 1, 40], musl: [14, 1, 40]}],
		['HE tunnel (not Teredo)', '2001:470:1f1c:666::2', {rfc6724: [14, 1, 40], glibc: [14, 1, 40], go: [14, 1, 40], musl: [14, 1, 40]}],
		['6to4', '2002:c633:6401::1', {rfc6724: [14, 2, 30], glibc: [14, 2, 30], go: [14, 2, 30], musl: [14, 2, 30]}],
		['6bone', '3ffe::1', {rfc6724: [14, 12, 1], glibc: [14, 1, 40], go: [14, 12, 1], musl: [14, 1, 40]}],
		['IPv4-compatible', '::1.2.3.4', {rfc6724: [14, 3, 1], glibc: [14, 3, 20], go: [14, 3, 1], musl: [14, 1, 40]}],
		['native global', '2a04:f540:1::b93f:930a', {rfc6724: [14, 1, 40], glibc: [14, 1, 40], go: [14, 1, 40], musl: [14, 1, 40]}],
		['multicast link', 'ff02::1', {rfc6724: [2, 1, 40], glibc: [2, 1, 40], go: [2, 1, 40], musl: [2, 1, 40]}],
		['multicast admin', 'ff04::', {rfc6724: [4, 1, 40], glibc: [4, 1, 40], go: [4, 1, 40], musl: [4, 1, 40]}],
		['multicast site', 'ff05::2', {rfc6724: [5, 1, 40], glibc: [5, 1, 40], go: [5, 1, 40], musl: [5, 1, 40]}],
		['multicast global', 'ff0e::1', {rfc6724: [14, 1, 40], glibc: [14, 1, 40], go: [14, 1, 40], musl: [14, 1, 40]}],
	];
	for (const [name, address, want] of rows) {
		it(`${name} (${address})`, () => {
			for (const stack of ['rfc6724', 'glibc', 'go', 'musl'] as const) {
				const {scope, label, precedence} = attributesOf(address, stack);
				expect({stack, got: [scope, label, precedence]}).toEqual({stack, got: want[stack]});
			}
		});
	}

	it("matches Go's TestRFC6724PolicyTableClassify", () => {
		expect(['127.0.0.1', '2601:645:8002:a500:986f:1db8:c836:bd65', '::1', '2002::ab12'].map((a) => attributesOf(a, 'go'))).toMatchObject([
			{precedence: 35, label: 4},
			{precedence: 40, label: 1},
			{precedence: 50, label: 0},
			{precedence: 30, label: 2},
		]);
	});

	it('honours gai.conf scopev4 rows in classifyScope for glibc only', () => {
		const scopes = parseGaiConf('scopev4 10.0.0.0/8 5\n').scopes ?? [];
		expect(classifyScope('10.1.2.3', 'glibc', scopes)).toBe(5);
		expect(classifyScope('10.1.2.3', 'rfc6724', scopes)).toBe(14);
	});

	it('keeps the tables as the sources print them', () => {
		expect(rfc6724PolicyTable).toHaveLength(9);
		expect(goPolicyTable.map((r) => r.bits)).toEqual([128, 96, 96, 32, 16, 16, 10, 7, 0]);
		expect(muslPolicyTable.map((r) => `${r.prefix}/${r.bits}`)).toEqual(['::1/128', '::ffff:0:0/96', '2002::/16', '2001::/32', 'fc00::/7', '::/0']);
		expect(glibcDefaultLabels.some((r) => r.prefix === '3ffe::')).toBe(false);
	});
});
