// RFC 6724 §6 destination sorting per stack: the RFC's own examples, Go's and glibc's vectors, our cases.
import {describe, expect, it} from 'vitest';
import {parseGaiConf} from '../../src/select/gai-conf.js';
import {commonPrefixLen} from '../../src/select/policy.js';
import {describeRule, sortDestinations} from '../../src/select/rfc6724.js';
import type {RuleId, SourceInfo, Stack} from '../../src/select/types.js';

const stacks: readonly Stack[] = ['rfc6724', 'glibc', 'go', 'musl'];

/** A source on eth0, native, neither deprecated nor home unless `extra` says so. */
function src(address: string, prefixLen: number, extra: Partial<SourceInfo> = {}): SourceInfo {
	return {address, prefixLen, deprecated: false, home: false, native: true, interface: 'eth0', ...extra};
}

interface Case {
	readonly name: string;
	/** Destination → Source(D); null means undefined (unusable). */
	readonly sources: Record<string, SourceInfo | null>;
	readonly destinations: readonly string[];
	/** Per stack: the expected order and the rule of each adjacent pair. */
	readonly want: Partial<Record<Stack, {order: string[]; rules: RuleId[]}>>;
	readonly gaiConf?: string;
	/** The reversed input is also expected to give `want` (false where Rule 10 decides a pair). */
	readonly reverse?: boolean;
}

function run(c: Case, stack: Stack, destinations: readonly string[]): {order: string[]; rules: RuleId[]} {
	const options = c.gaiConf === undefined ? {} : {gaiConf: parseGaiConf(c.gaiConf)};
	const result = sortDestinations(destinations, new Map(Object.entries(c.sources)), stack, options);
	return {order: result.order, rules: result.decisions.map((d) => d.rule)};
}

function check(cases: readonly Case[]): void {
	for (const c of cases) {
		for (const [stack, want] of Object.entries(c.want) as [Stack, {order: string[]; rules: RuleId[]}][]) {
			it(`${c.name} [${stack}]`, () => {
				expect(run(c, stack, c.destinations)).toEqual(want);
				if (c.reverse !== false) expect(run(c, stack, [...c.destinations].reverse())).toEqual(want);
			});
		}
	}
}

/** The same order and rules under every stack. */
function all(order: string[], rules: RuleId[]): Partial<Record<Stack, {order: string[]; rules: RuleId[]}>> {
	return Object.fromEntries(stacks.map((s) => [s, {order, rules}]));
}

describe('RFC 6724 §10.2 examples, forwards and reversed', () => {
	// Each example lists candidate sources; Source(D) is the one §5 picks for D, so it is given here.
	check([
		{
			name: 'prefer matching scope: 169.254.13.78 does not match a global IPv4 destination',
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), '198.51.100.121': src('169.254.13.78', 16)},
			destinations: ['2001:db8:1::1', '198.51.100.121'],
			// musl gives every IPv4 address global scope, so Rule 2 ties there and Rule 6 decides.
			want: {...all(['2001:db8:1::1', '198.51.100.121'], [2]), musl: {order: ['2001:db8:1::1', '198.51.100.121'], rules: [6]}},
		},
		{
			name: 'prefer matching scope: an IPv6 destination reached from fe80::1',
			sources: {'2001:db8:1::1': src('fe80::1', 64), '198.51.100.121': src('198.51.100.117', 24)},
			destinations: ['2001:db8:1::1', '198.51.100.121'],
			want: all(['198.51.100.121', '2001:db8:1::1'], [2]),
		},
		{
			name: 'prefer higher precedence: IPv6 over IPv4',
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), '10.1.2.3': src('10.1.2.4', 24)},
			destinations: ['2001:db8:1::1', '10.1.2.3'],
			want: all(['2001:db8:1::1', '10.1.2.3'], [6]),
		},
		{
			name: 'prefer smaller scope',
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), 'fe80::1': src('fe80::2', 64)},
			destinations: ['2001:db8:1::1', 'fe80::1'],
			want: all(['fe80::1', '2001:db8:1::1'], [8]),
		},
		{
			name: 'prefer home address (2001:db8:3::1 home, the others care-of)',
			sources: {'2001:db8:1::1': src('2001:db8:3::1', 64, {home: true}), 'fe80::1': src('fe80::2', 64)},
			destinations: ['2001:db8:1::1', 'fe80::1'],
			want: {
				rfc6724: {order: ['2001:db8:1::1', 'fe80::1'], rules: [4]},
				glibc: {order: ['2001:db8:1::1', 'fe80::1'], rules: [4]},
				// No Rule 4 in Go or musl: Rule 8 puts the link-local destination first.
				go: {order: ['fe80::1', '2001:db8:1::1'], rules: [8]},
				musl: {order: ['fe80::1', '2001:db8:1::1'], rules: [8]},
			},
		},
		{
			name: 'avoid deprecated addresses (fe80::2 deprecated)',
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), 'fe80::1': src('fe80::2', 64, {deprecated: true})},
			destinations: ['2001:db8:1::1', 'fe80::1'],
			want: {
				rfc6724: {order: ['2001:db8:1::1', 'fe80::1'], rules: [3]},
				glibc: {order: ['2001:db8:1::1', 'fe80::1'], rules: [3]},
				go: {order: ['fe80::1', '2001:db8:1::1'], rules: [8]},
				musl: {order: ['fe80::1', '2001:db8:1::1'], rules: [8]},
			},
		},
		{
			name: 'longest matching prefix (64 vs 40 bits; glibc and musl count 126 vs 40)',
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), '2001:db8:3ffe::1': src('2001:db8:3f44::2', 64)},
			destinations: ['2001:db8:1::1', '2001:db8:3ffe::1'],
			want: all(['2001:db8:1::1', '2001:db8:3ffe::1'], [9]),
		},
		{
			name: 'prefer matching label: only a 6to4 source',
			sources: {'2002:c633:6401::1': src('2002:c633:6401::2', 64), '2001:db8:1::1': src('2002:c633:6401::2', 64)},
			destinations: ['2002:c633:6401::1', '2001:db8:1::1'],
			want: all(['2002:c633:6401::1', '2001:db8:1::1'], [5]),
		},
		{
			name: 'prefer higher precedence: native IPv6 over 6to4',
			sources: {'2002:c633:6401::1': src('2002:c633:6401::2', 64), '2001:db8:1::1': src('2001:db8:1::2', 64)},
			destinations: ['2002:c633:6401::1', '2001:db8:1::1'],
			want: all(['2001:db8:1::1', '2002:c633:6401::1'], [6]),
		},
	]);
});

/** RFC 6724 §2.1 written as gai.conf lines, since any label or precedence line replaces glibc's whole table. */
const rfcTable = `
label ::1/128 0
label ::/0 1
label ::ffff:0:0/96 4
label 2002::/16 2
label 2001::/32 5
label fc00::/7 13
label ::/96 3
label fec0::/10 11
label 3ffe::/16 12
precedence ::1/128 50
precedence ::/0 40
precedence 2002::/16 30
precedence 2001::/32 5
precedence fc00::/7 3
precedence ::/96 1
precedence fec0::/10 1
precedence 3ffe::/16 1
`;

describe('RFC 6724 §10.3–10.7 custom tables, through gai.conf under glibc', () => {
	const v6v4 = {'2001:db8:1::1': src('2001:db8:1::2', 64), '10.1.2.3': src('10.1.2.4', 24)};
	check([
		{
			name: '§10.3 ::ffff:0:0/96 → 100 prefers IPv4 ("new result")',
			gaiConf: `${rfcTable}precedence ::ffff:0:0/96 100\n`,
			sources: v6v4,
			destinations: ['2001:db8:1::1', '10.1.2.3'],
			want: {glibc: {order: ['10.1.2.3', '2001:db8:1::1'], rules: [6]}},
		},
		{
			name: '§10.3 the matching-scope example is unchanged',
			gaiConf: `${rfcTable}precedence ::ffff:0:0/96 100\n`,
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), '198.51.100.121': src('169.254.13.78', 16)},
			destinations: ['2001:db8:1::1', '198.51.100.121'],
			want: {glibc: {order: ['2001:db8:1::1', '198.51.100.121'], rules: [2]}},
		},
		{
			name: '§10.4 fe80::/10 → 33 (label 1) puts a global destination before a link-local one',
			gaiConf: `${rfcTable}precedence fe80::/10 33\nlabel fe80::/10 1\n`,
			sources: {'2001:db8:1::1': src('2001:db8:1::2', 64), 'fe80::1': src('fe80::2', 64)},
			destinations: ['fe80::1', '2001:db8:1::1'],
			want: {glibc: {order: ['2001:db8:1::1', 'fe80::1'], rules: [6]}},
		},
		{
			name: '§10.5 multi-homed: 2001:db8:1::/48 and 2001:db8:3::/48 at 43 with label 6',
			gaiConf: `${rfcTable}precedence 2001:db8:1::/48 43\nprecedence 2001:db8:3::/48 43\nlabel 2001:db8:1::/48 6\nlabel 2001:db8:3::/48 6\n`,
			sources: {'2001:db8:3::1': src('2001:db8:1::2', 64), '2001:db8:2:1::1': src('2001:db8:2::2', 64)},
			destinations: ['2001:db8:2:1::1', '2001:db8:3::1'],
			want: {glibc: {order: ['2001:db8:3::1', '2001:db8:2:1::1'], rules: [6]}},
		},
		{
			name: '§10.5 without those rows the longer common prefix wins instead',
			sources: {'2001:db8:3::1': src('2001:db8:1::2', 64), '2001:db8:2:1::1': src('2001:db8:2::2', 64)},
			destinations: ['2001:db8:2:1::1', '2001:db8:3::1'],
			want: {glibc: {order: ['2001:db8:2:1::1', '2001:db8:3::1'], rules: [9]}, rfc6724: {order: ['2001:db8:2:1::1', '2001:db8:3::1'], rules: [9]}},
		},
		{
			name: '§10.6 own ULA /48 at 45 (label 14): the ULA destination goes first',
			gaiConf: `${rfcTable}precedence fd11:1111:1111::/48 45\nlabel fd11:1111:1111::/48 14\n`,
			sources: {'2001:db8:2::1': src('2001:db8:1::1', 64), 'fd11:1111:1111:2::1': src('fd11:1111:1111:1::1', 64)},
			destinations: ['2001:db8:2::1', 'fd11:1111:1111:2::1'],
			want: {glibc: {order: ['fd11:1111:1111:2::1', '2001:db8:2::1'], rules: [6]}},
		},
		{
			// The RFC labels this result "prefer higher precedence", but Rule 5 already decides:
			// fd22:: has label 13 and no source with label 13 exists.
			name: '§10.6 another site\'s ULA (fd22::) still loses, by Rule 5 not Rule 6',
			gaiConf: `${rfcTable}precedence fd11:1111:1111::/48 45\nlabel fd11:1111:1111::/48 14\n`,
			sources: {'2001:db8:2::1': src('2001:db8:1::1', 64), 'fd22:2222:2222:2::1': src('fd11:1111:1111:1::1', 64)},
			destinations: ['fd22:2222:2222:2::1', '2001:db8:2::1'],
			want: {glibc: {order: ['2001:db8:2::1', 'fd22:2222:2222:2::1'], rules: [5]}},
		},
		{
			// The RFC's "(sec 10.1.2.3)" reads "(src 10.1.2.3)".
			name: '§10.7 own 6to4 /48 at 45 (label 14): 6to4, then IPv4, then native IPv6 without a matching source',
			gaiConf: `${rfcTable}precedence 2002:c633:6401::/48 45\nlabel 2002:c633:6401::/48 14\n`,
			sources: {
				'2001:db8:1::1': src('2002:c633:6401:1::1', 64),
				'2002:c633:6401:2::1': src('2002:c633:6401:1::1', 64),
				'10.1.2.4': src('10.1.2.3', 24),
			},
			destinations: ['2001:db8:1::1', '10.1.2.4', '2002:c633:6401:2::1'],
			want: {glibc: {order: ['2002:c633:6401:2::1', '10.1.2.4', '2001:db8:1::1'], rules: [6, 5]}},
		},
	]);
});

describe("Go's TestSortByRFC6724 under stack 'go'", () => {
	const issue13283 = ['54.83.193.112', '184.72.238.214', '23.23.172.185', '75.101.148.21', '23.23.134.56', '23.21.50.150'];
	check([
		{
			name: 'issue 13283: a 10/8 source does not pull 23/8 destinations forward',
			sources: Object.fromEntries(issue13283.map((d) => [d, src('10.2.3.4', 8)])),
			destinations: issue13283,
			want: {go: {order: issue13283, rules: [10, 10, 10, 10, 10]}},
			reverse: false,
		},
	]);
	it('the RFC reorders the same list, since its Rule 9 covers IPv4', () => {
		const sources = new Map(issue13283.map((d) => [d, src('10.2.3.4', 8)]));
		expect(sortDestinations(issue13283, sources, 'rfc6724').order.slice(0, 3)).toEqual(['23.23.172.185', '23.23.134.56', '23.21.50.150']);
	});
});

describe('glibc test vectors', () => {
	// tst-rfc3484.c: seven 192.168/16 destinations, source 192.168.95.25 with prefixlen 8: Rule 9 on IPv4.
	const addrs = ['192.168.109.29', '192.168.93.3', '192.168.44.61', '192.168.96.2', '192.168.2.243', '192.168.8.16', '192.168.94.2'];
	const sources = Object.fromEntries(addrs.map((d) => [d, src('192.168.95.25', 8)]));
	const pick = (indexes: number[]): string[] => indexes.map((i) => addrs[i] ?? '');
	check([
		{
			name: 'tst-rfc3484: expected {6, 1, 0, 3, 2, 4, 5}',
			sources,
			destinations: addrs,
			want: {glibc: {order: pick([6, 1, 0, 3, 2, 4, 5]), rules: [9, 9, 10, 9, 10, 10]}},
			reverse: false,
		},
		{
			// Checked against getaddrinfo (glibc 2.36) in a network namespace: the ties keep input order.
			name: 'tst-rfc3484 reversed',
			sources,
			destinations: [...addrs].reverse(),
			want: {glibc: {order: pick([6, 1, 3, 0, 5, 4, 2]), rules: [9, 9, 10, 9, 10, 10]}},
			reverse: false,
		},
		{
			// tst-rfc3484-2.c: the site-local IPv6 source does not match its global destination.
			name: 'tst-rfc3484-2: Rule 2 puts IPv4 (even multicast 224.168.95.25) first',
			sources: {'224.168.95.25': src('192.168.95.25', 16), '7d1:1:100:0:100:0:100:0': src('fec0:1234:100:0:100:0:100:0', 16)},
			destinations: ['224.168.95.25', '7d1:1:100:0:100:0:100:0'],
			want: {glibc: {order: ['224.168.95.25', '7d1:1:100:0:100:0:100:0'], rules: [2]}},
		},
		{
			// tst-rfc3484-3.c sets new_scopes in code; here the same table comes from scopev4 lines.
			name: 'tst-rfc3484-3: 10/8 and 192.168/16 as site scope, source 10.168.95.25/8',
			gaiConf: 'scopev4 ::ffff:169.254.0.0/112 2\nscopev4 ::ffff:127.0.0.0/104 2\nscopev4 ::ffff:10.0.0.0/104 5\nscopev4 ::ffff:192.168.0.0/112 5\nscopev4 ::ffff:0.0.0.0/96 14\n',
			sources: Object.fromEntries(
				['160.168.109.29', '160.168.93.3', '160.168.44.61', '160.168.96.2', '160.168.2.243', '160.168.8.16', '160.168.94.2', '172.22.35.17', '10.50.69.114'].map((d) => [d, src('10.168.95.25', 8)]),
			),
			destinations: ['160.168.109.29', '160.168.93.3', '160.168.44.61', '160.168.96.2', '160.168.2.243', '160.168.8.16', '160.168.94.2', '172.22.35.17', '10.50.69.114'],
			want: {
				glibc: {
					order: ['10.50.69.114', '160.168.109.29', '160.168.93.3', '160.168.44.61', '160.168.96.2', '160.168.2.243', '160.168.8.16', '160.168.94.2', '172.22.35.17'],
					rules: [2, 10, 10, 10, 10, 10, 10, 10],
				},
			},
			reverse: false,
		},
	]);
});

describe('the situations he6-dns reports on', () => {
	// The seed: an EC2 host with a Hurricane Electric sit tunnel for IPv6 and RFC 1918 IPv4 on eth0.
	const seed = {
		'2a04:f540:1::b93f:930a': src('2001:470:1f1c:666::2', 64, {interface: 'sit1', native: false}),
		'185.63.147.10': src('10.104.229.189', 24),
	};
	const both = ['185.63.147.10', '2a04:f540:1::b93f:930a'];
	check([
		{
			// Labels match on both sides (1 and 4), so precedence decides (glibc 40 vs 10, the RFC 40 vs
			// 35) before Rule 7 could count the tunnel against IPv6.
			name: 'seed: IPv6 over a sit tunnel vs RFC 1918 IPv4 → IPv6 first by Rule 6',
			sources: seed,
			destinations: both,
			want: all(['2a04:f540:1::b93f:930a', '185.63.147.10'], [6]),
		},
		{
			name: 'seed with every precedence equal (gai.conf "precedence ::/0 40"): glibc Rule 7 sees the tunnel',
			gaiConf: 'precedence ::/0 40\n',
			sources: seed,
			destinations: both,
			want: {glibc: {order: ['185.63.147.10', '2a04:f540:1::b93f:930a'], rules: [7]}},
		},
		{
			name: 'a ULA-only IPv6 source (fd00::2/64): label 13 ≠ 1, so IPv4 first by Rule 5',
			sources: {'2a04:f540:1::b93f:930a': src('fd00::2', 64), '185.63.147.10': src('10.104.229.189', 24)},
			destinations: both,
			want: all(['185.63.147.10', '2a04:f540:1::b93f:930a'], [5]),
		},
		{
			name: 'no IPv6 source at all (Source(D) undefined) → IPv4 first by Rule 1',
			sources: {'2a04:f540:1::b93f:930a': null, '185.63.147.10': src('10.104.229.189', 24)},
			destinations: both,
			want: all(['185.63.147.10', '2a04:f540:1::b93f:930a'], [1]),
		},
		{
			name: 'a deprecated IPv6 source: IPv4 by Rule 3 (RFC, glibc); Go and musl ignore it',
			sources: {'2a04:f540:1::b93f:930a': src('2001:470:1f1c:666::2', 64, {deprecated: true}), '185.63.147.10': src('10.104.229.189', 24)},
			destinations: both,
			want: {
				rfc6724: {order: ['185.63.147.10', '2a04:f540:1::b93f:930a'], rules: [3]},
				glibc: {order: ['185.63.147.10', '2a04:f540:1::b93f:930a'], rules: [3]},
				go: {order: ['2a04:f540:1::b93f:930a', '185.63.147.10'], rules: [6]},
				musl: {order: ['2a04:f540:1::b93f:930a', '185.63.147.10'], rules: [6]},
			},
		},
		{
			name: 'the one-line gai.conf "precedence ::ffff:0:0/96 100" makes glibc prefer IPv4; the others never read it',
			gaiConf: 'precedence ::ffff:0:0/96 100\n',
			sources: seed,
			destinations: both,
			want: {...all(['2a04:f540:1::b93f:930a', '185.63.147.10'], [6]), glibc: {order: ['185.63.147.10', '2a04:f540:1::b93f:930a'], rules: [6]}},
		},
		{
			// RFC and Go: ULA precedence 3 < IPv4 35. glibc: no ULA precedence row, so 40 > 10. musl: 3 < 35.
			name: 'a ULA destination vs IPv4, both with matching sources',
			sources: {'fd00:1::1': src('fd00::2', 64), '10.1.2.3': src('10.1.2.4', 24)},
			destinations: ['10.1.2.3', 'fd00:1::1'],
			want: {...all(['10.1.2.3', 'fd00:1::1'], [6]), glibc: {order: ['fd00:1::1', '10.1.2.3'], rules: [6]}},
		},
	]);
});

describe('departures between stacks', () => {
	check([
		{
			// Go: two unusable destinations are "equal". The RFC, glibc and musl fall through to Rule 6:
			// 2002::/16 is 30 against ULA's 3 (RFC, musl); glibc has ULA at 40.
			name: 'two unusable destinations',
			sources: {'fd00::1': null, '2002:c633:6401::1': null},
			destinations: ['fd00::1', '2002:c633:6401::1'],
			want: {
				rfc6724: {order: ['2002:c633:6401::1', 'fd00::1'], rules: [6]},
				musl: {order: ['2002:c633:6401::1', 'fd00::1'], rules: [6]},
				glibc: {order: ['fd00::1', '2002:c633:6401::1'], rules: [6]},
				go: {order: ['fd00::1', '2002:c633:6401::1'], rules: [10]},
			},
			reverse: false,
		},
		{
			name: 'musl leaves a list of IPv4 addresses alone, even an unusable one first',
			sources: {'192.0.2.1': null, '10.1.2.3': src('10.1.2.4', 24)},
			destinations: ['192.0.2.1', '10.1.2.3'],
			want: {
				musl: {order: ['192.0.2.1', '10.1.2.3'], rules: [10]},
				glibc: {order: ['10.1.2.3', '192.0.2.1'], rules: [1]},
				rfc6724: {order: ['10.1.2.3', '192.0.2.1'], rules: [1]},
				go: {order: ['10.1.2.3', '192.0.2.1'], rules: [1]},
			},
			reverse: false,
		},
		{
			// glibc only counts IPv4 prefixes inside the source's /24; the RFC counts 10.1.9.9 too (23 > 21).
			name: 'IPv4 Rule 9: glibc only within the subnet, Go never',
			sources: {'10.1.9.9': src('10.1.8.4', 24), '10.1.2.3': src('10.1.7.4', 24)},
			destinations: ['10.1.2.3', '10.1.9.9'],
			want: {
				rfc6724: {order: ['10.1.9.9', '10.1.2.3'], rules: [9]},
				glibc: {order: ['10.1.2.3', '10.1.9.9'], rules: [10]},
				go: {order: ['10.1.2.3', '10.1.9.9'], rules: [10]},
			},
			reverse: false,
		},
		{
			// Go's net.IP cannot tell ::ffff:127.0.0.1 from 127.0.0.1 and gives it link-local scope. The
			// others call both global (§3.3); then Rule 9 decides, capped by the source's prefix in the
			// RFC (/104 vs /120), over all 128 bits in glibc and musl (128 vs 125).
			name: 'a v4-mapped loopback AAAA: Go calls it link-local, so Rule 8 puts it first',
			sources: {'::ffff:127.0.0.1': src('::ffff:127.0.0.1', 104), '::ffff:10.1.2.3': src('::ffff:10.1.2.4', 120)},
			destinations: ['::ffff:10.1.2.3', '::ffff:127.0.0.1'],
			want: {
				go: {order: ['::ffff:127.0.0.1', '::ffff:10.1.2.3'], rules: [8]},
				rfc6724: {order: ['::ffff:10.1.2.3', '::ffff:127.0.0.1'], rules: [9]},
				glibc: {order: ['::ffff:127.0.0.1', '::ffff:10.1.2.3'], rules: [9]},
				musl: {order: ['::ffff:127.0.0.1', '::ffff:10.1.2.3'], rules: [9]},
			},
			reverse: false,
		},
	]);
});

describe('sortDestinations plumbing', () => {
	it('finds a source keyed by the canonical text of an IPv6 destination', () => {
		const sources = new Map([['2001:db8:1::1', src('2001:db8:1::2', 64)]]);
		const result = sortDestinations(['10.1.2.3', '2001:DB8:1:0::1'], sources, 'glibc');
		expect(result.order).toEqual(['2001:DB8:1:0::1', '10.1.2.3']);
		expect(result.decisions).toEqual([{a: '2001:DB8:1:0::1', b: '10.1.2.3', rule: 1}]);
	});
	it('returns empty and single lists unchanged', () => {
		expect(sortDestinations([], new Map(), 'rfc6724')).toEqual({order: [], decisions: []});
		expect(sortDestinations(['10.1.2.3'], new Map(), 'musl')).toEqual({order: ['10.1.2.3'], decisions: []});
	});
	it('throws on text that is not an address', () => {
		expect(() => sortDestinations(['example.com'], new Map(), 'glibc')).toThrow(TypeError);
	});
	it('names every rule', () => {
		expect(describeRule(6)).toBe('Rule 6: prefer higher precedence');
		expect(describeRule(10)).toBe('Rule 10: otherwise, leave the order unchanged');
		expect(([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const).map((r) => describeRule(r).startsWith(`Rule ${r}: `))).not.toContain(false);
	});
});

describe('commonPrefixLen', () => {
	it.each([
		// RFC 6724 §2.2: "CommonPrefixLen(fe80::1, fe80::2) returns 64."
		['rfc6724', 'fe80::1', 'fe80::2', 64, 64],
		['rfc6724', '2001:db8:1::2', '2001:db8:1::1', 64, 64],
		['rfc6724', '10.1.2.4', '10.1.2.3', 24, 24],
		['rfc6724', '10.1.2.4', '2001:db8::1', 24, 0],
		['glibc', '2001:db8:1::2', '2001:db8:1::1', 64, 126],
		['glibc', '10.1.2.4', '10.1.2.3', 24, 29],
		['glibc', '10.1.2.4', '10.1.3.3', 24, 0], // outside the source's /24
		['glibc', '10.1.2.4', '10.1.2.3', 0, 0], // prefixlen 0: `<< 32` acts as /32 on x86
		['musl', '10.1.2.4', '10.1.2.3', 24, 125], // 96 bits of ::ffff: then 29
		['musl', '2001:db8:1::2', '2001:db8:1::1', 64, 126],
		// Go's TestRFC6724CommonPrefixLength.
		['go', 'fe80::1', 'fe80::2', 128, 64],
		['go', 'fe81::1', 'fe80::2', 128, 15],
		['go', '127.0.0.1', 'fe80::1', 128, 0],
		['go', '1.2.3.4', '1.2.3.4', 128, 32],
		['go', '1.2.255.255', '1.2.0.0', 128, 16],
		['go', '1.2.127.255', '1.2.0.0', 128, 17],
		['go', '1.2.63.255', '1.2.0.0', 128, 18],
		['go', '1.2.31.255', '1.2.0.0', 128, 19],
		['go', '1.2.15.255', '1.2.0.0', 128, 20],
		['go', '1.2.7.255', '1.2.0.0', 128, 21],
		['go', '1.2.3.255', '1.2.0.0', 128, 22],
		['go', '1.2.1.255', '1.2.0.0', 128, 23],
		['go', '1.2.0.255', '1.2.0.0', 128, 24],
	] as const)('%s: CommonPrefixLen(%s, %s) with /%i is %i', (stack, s, d, prefixLen, want) => {
		expect(commonPrefixLen(s, d, stack, prefixLen)).toBe(want);
	});
});
