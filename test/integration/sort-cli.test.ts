// `he6-dns sort` from the command line: the RFC 6724 §10.2 examples under --stack rfc6724, with what-if sources.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'he6-sort-'));
let n = 0;
function sourcesFile(sources: Record<string, string | null>, attrs: Record<string, object> = {}): string {
	const file = join(dir, `sources-${n++}.json`);
	writeFileSync(file, JSON.stringify({sources, attrs}));
	return file;
}

interface Example {
	readonly name: string;
	readonly sources: Record<string, string | null>;
	readonly attrs?: Record<string, object>;
	/** The RFC's result order. */
	readonly want: readonly string[];
	readonly rule: number;
}

// RFC 6724 §10.2, each example's Source(D) as the RFC's own source selection picks it.
const examples: readonly Example[] = [
	{name: 'prefer matching scope (1)', sources: {'2001:db8:1::1': '2001:db8:1::2', '198.51.100.121': '169.254.13.78'}, want: ['2001:db8:1::1', '198.51.100.121'], rule: 2},
	{name: 'prefer matching scope (2)', sources: {'2001:db8:1::1': 'fe80::1', '198.51.100.121': '198.51.100.117'}, want: ['198.51.100.121', '2001:db8:1::1'], rule: 2},
	{name: 'prefer higher precedence', sources: {'2001:db8:1::1': '2001:db8:1::2', '10.1.2.3': '10.1.2.4'}, want: ['2001:db8:1::1', '10.1.2.3'], rule: 6},
	{name: 'prefer smaller scope', sources: {'2001:db8:1::1': '2001:db8:1::2', 'fe80::1': 'fe80::2'}, want: ['fe80::1', '2001:db8:1::1'], rule: 8},
	{
		name: 'prefer home address',
		sources: {'2001:db8:1::1': '2001:db8:1::2', '2001:db8:3::1': '2001:db8:3::2'},
		attrs: {'2001:db8:3::2': {home: true, prefixLen: 64}},
		want: ['2001:db8:3::1', '2001:db8:1::1'],
		rule: 4,
	},
	{
		name: 'avoid deprecated addresses',
		sources: {'2001:db8:1::1': '2001:db8:1::2', 'fe80::1': 'fe80::2'},
		attrs: {'fe80::2': {deprecated: true, prefixLen: 64}},
		want: ['2001:db8:1::1', 'fe80::1'],
		rule: 3,
	},
	{name: 'longest matching prefix', sources: {'2001:db8:1::1': '2001:db8:1::2', '2001:db8:3ffe::1': '2001:db8:3f44::2'}, want: ['2001:db8:1::1', '2001:db8:3ffe::1'], rule: 9},
	{name: 'prefer matching label', sources: {'2002:c633:6401::1': '2002:c633:6401::2', '2001:db8:1::1': '2002:c633:6401::2'}, want: ['2002:c633:6401::1', '2001:db8:1::1'], rule: 5},
	{name: 'prefer higher precedence (6to4)', sources: {'2002:c633:6401::1': '2002:c633:6401::2', '2001:db8:1::1': '2001:db8:1::2'}, want: ['2001:db8:1::1', '2002:c633:6401::1'], rule: 6},
];

describe('he6-dns sort --stack rfc6724 reproduces RFC 6724 §10.2', () => {
	for (const example of examples) {
		for (const reversed of [false, true]) {
			it(`${example.name}${reversed ? ', input reversed' : ''}`, async () => {
				const input = reversed ? [...example.want].reverse() : [...example.want];
				const run = await runCli(['sort', '--json', '--stack', 'rfc6724', '--sources', sourcesFile(example.sources, example.attrs), ...input]);
				expect(run.code, run.stderr).toBe(0);
				const out = JSON.parse(run.stdout) as {order: string[]; decisions: {a: string; b: string; rule: number}[]};
				expect(out.order).toEqual(example.want);
				expect(out.decisions).toEqual([{a: example.want[0], b: example.want[1], rule: example.rule}]);
			});
		}
	}
});

describe('he6-dns sort: glibc and its gai.conf, and bad input', () => {
	const seed = (): string => sourcesFile({'::/0': '2001:470:1f1c:666::2', '0.0.0.0/0': '10.104.229.189'}, {'2001:470:1f1c:666::2': {native: false, interface: 'sit1'}});

	it('the seed box under glibc: the AAAA first by Rule 6; the one-line gai.conf turns it to IPv4 by Rule 6', async () => {
		const plain = await runCli(['sort', '--json', '--stack', 'glibc', '--gai-conf', '/dev/null', '--sources', seed(), '185.63.147.10', '2a04:f540:1::b93f:930a']);
		expect(JSON.parse(plain.stdout)).toMatchObject({order: ['2a04:f540:1::b93f:930a', '185.63.147.10'], decisions: [{rule: 6}]});
		const gai = join(dir, 'gai.conf');
		writeFileSync(gai, 'precedence ::ffff:0:0/96 100\n');
		const v4 = await runCli(['sort', '--json', '--stack', 'glibc', '--gai-conf', gai, '--sources', seed(), '185.63.147.10', '2a04:f540:1::b93f:930a']);
		expect(JSON.parse(v4.stdout)).toMatchObject({order: ['185.63.147.10', '2a04:f540:1::b93f:930a'], decisions: [{rule: 6}]});
	});

	it('plain text names each rule', async () => {
		const run = await runCli(['sort', '--stack', 'glibc', '--gai-conf', '/dev/null', '--sources', seed(), '185.63.147.10', '2a04:f540:1::b93f:930a']);
		expect(run.stdout).toContain('Rule 6: prefer higher precedence');
		expect(run.stdout).toContain('from 2001:470:1f1c:666::2 (sit1)');
	});

	it('refuses a non-address, an unknown stack and a broken sources file with one line and exit 1', async () => {
		for (const args of [['sort', 'example.com'], ['sort', '--stack', 'bsd', '::1'], ['sort', '--sources', '/nonexistent.json', '::1']]) {
			const run = await runCli(args);
			expect(run.code).toBe(1);
			expect(run.stderr.trim().split('\n')).toHaveLength(1);
			expect(run.stderr).not.toMatch(/\n\s+at /);
		}
		const bad = join(dir, 'bad.json');
		writeFileSync(bad, '{"sources": {"::1": 5}}');
		const run = await runCli(['sort', '--sources', bad, '::1']);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/--sources .*bad\.json: source of ::1 must be an address or null/);
	});
});
