// The capture lanes against each other: generated pcap files and every fixture replayed by the built CLI with HE6_DNS_CAPTURE_LANE=js and =native; exit code, stdout and stderr must be byte-identical.
//
// Decisions:
// - The native lane refuses (exit ≠ 0, one line on stderr) when it cannot run, so a comparison here is
//   never JS against JS by accident; this test needs no way of its own to tell which lane ran.
// - The corpus is generated (test/support/capture-traffic.ts) from a fixed seed, shown in the test
//   names; HE6_LANE_SEED=N runs another corpus, and a failure names the seed, the file and the command.
// - The two lanes of one file run at once (two cores), the files one after the other.
// - The last test checks, on the JS lane's output, that the corpus still produces every scenario the
//   pipeline handles (each counter, reason and exchange shape at least once): a generator that
//   silently stopped making one would otherwise leave that path unchecked while the comparison passed.
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {CaptureEvent} from '../../src/capture/events.js';
import {planCorpus, writeCorpusFile, type WrittenFile} from '../support/capture-traffic.js';
import {runCli, type CliResult} from '../support/cli.js';

const defaultSeed = 0x6e61_7469; // any fixed value: a failure must reproduce

function seedFrom(text: string | undefined): number {
	if (text === undefined || text.trim() === '') return defaultSeed;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`HE6_LANE_SEED must be a whole number 0–4294967295, not '${text}'`);
	return n;
}

const seed = seedFrom(process.env.HE6_LANE_SEED);
/** The lanes compared; the first one's output is also checked for scenario coverage (it must be the JS lane). */
const lanes = ['js', 'native'] as const;

const dir = mkdtempSync(join(tmpdir(), 'he6-lanes-'));
const whatIf = join(dir, 'what-if.json');
writeFileSync(whatIf, JSON.stringify({sources: {'::/0': 'fd00::2', '0.0.0.0/0': '192.0.2.2'}, attrs: {'fd00::2': {prefixLen: 64}}}));
const fixtureDir = new URL('../../fixtures/pcap/', import.meta.url).pathname;
const fixtures = readdirSync(fixtureDir)
	.filter((f) => f.endsWith('.pcap'))
	.sort();

interface Case {
	readonly title: string;
	/** A `vitest -t` pattern that picks this case (and little else). */
	readonly filter: string;
	/** Writes the file (generated ones) and says what it is. */
	readonly prepare: () => WrittenFile;
	readonly args: readonly string[];
	readonly generated: boolean;
}

const plan = planCorpus(seed);
const cases: Case[] = [
	...fixtures.map((name) => ({
		title: `fixture ${name}`,
		filter: name,
		prepare: (): WrittenFile => ({path: fixtureDir + name, frames: -1, bytes: -1, damage: null, damageOffset: null}),
		args: ['--sources', whatIf],
		generated: false,
	})),
	// Two fixtures again with the kernel's sources.
	...fixtures.slice(0, 2).map((name) => ({
		title: `fixture ${name}, kernel sources`,
		filter: `${name}, kernel`,
		prepare: (): WrittenFile => ({path: fixtureDir + name, frames: -1, bytes: -1, damage: null, damageOffset: null}),
		args: [],
		generated: false,
	})),
	...plan.map((spec) => ({
		title: spec.title,
		filter: `#${String(spec.index).padStart(2, '0')} `,
		prepare: (): WrittenFile => writeCorpusFile(spec, join(dir, `lanes-${seed}-${String(spec.index).padStart(2, '0')}.pcap`)),
		args: [...(spec.whatIf ? ['--sources', whatIf] : []), ...spec.args],
		generated: true,
	})),
];

/** A long line shown around `column`, so a 200 kB line of 80 AAAA answers does not fill the report. */
function clip(line: string, column: number): string {
	if (line.length <= 600) return line;
	const from = Math.max(0, column - 200);
	const to = Math.min(line.length, column + 400);
	return `${from > 0 ? '…' : ''}${line.slice(from, to)}${to < line.length ? '…' : ''} [${line.length} characters]`;
}

/** Null when equal; otherwise the first line (and column) where the two outputs part, each lane's line shown. */
function firstDifference(what: string, a: string, b: string): string | null {
	if (a === b) return null;
	const la = a.split('\n');
	const lb = b.split('\n');
	let line = 0;
	while (line < la.length && line < lb.length && la[line] === lb[line]) line++;
	const x = la[line];
	const y = lb[line];
	let column = 0;
	if (x !== undefined && y !== undefined) while (column < x.length && column < y.length && x[column] === y[column]) column++;
	// As it is (JSON lines and messages are printable ASCII), control characters aside.
	const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	const show = (text: string | undefined): string => (text === undefined ? '(no such line: the output ends before it)' : printable(clip(text, column)));
	return [`${what} differs first at line ${line + 1}, column ${column + 1} (${lanes[0]}: ${la.length} lines, ${lanes[1]}: ${lb.length} lines):`, `  ${lanes[0].padEnd(6)} ${show(x)}`, `  ${lanes[1].padEnd(6)} ${show(y)}`].join('\n');
}

/** What the JS lane's output of one file showed: summary counters summed, reasons, and exchange shapes seen. */
interface Tally {
	readonly counters: Map<string, number>;
	readonly facts: Set<string>;
}

function tally(run: CliResult): Tally {
	const counters = new Map<string, number>();
	const facts = new Set<string>();
	const add = (key: string, n: number): void => void counters.set(key, (counters.get(key) ?? 0) + n);
	for (const text of run.stdout.split('\n')) {
		if (text === '') continue;
		const event = JSON.parse(text) as CaptureEvent;
		if (event.kind === 'summary') {
			for (const [key, value] of Object.entries(event)) if (typeof value === 'number') add(key, value);
			for (const [key, value] of Object.entries(event.tcp)) add(`tcp.${key}`, value);
			for (const [key, value] of Object.entries(event.reasons)) add(`reason ${key}`, value);
			continue;
		}
		if (event.kind === 'name') {
			// The inventory's names: native/lane-judge.c judges those of the shapes it knows, JS the rest.
			facts.add(`verdict ${event.verdict}`);
			for (const f of [event.a, event.aaaa]) facts.add(`family ${f.status}`);
			if (event.chain.length > 0) facts.add('name chain');
			if (event.reason.includes('(Rule ')) facts.add('reason names a rule');
			continue;
		}
		if (event.kind !== 'exchange') continue;
		const e = event;
		facts.add(`status ${e.status}${e.endedBy === null ? '' : ` by ${e.endedBy}`}`);
		facts.add(`${e.transport} from IPv${e.client.startsWith('[') ? 6 : 4}`);
		if (e.rcode !== null) facts.add(/^(NOERROR|FORMERR|SERVFAIL|NXDOMAIN|NOTIMP|REFUSED)$/.test(e.rcode) ? `rcode ${e.rcode}` : 'rcode other');
		for (const a of e.answers) facts.add(`answer ${a.type}`);
		if (e.pairFlag !== null) facts.add(e.pairFlag);
		if (e.pairedWith !== null) facts.add('paired');
		if (e.flags?.tc === true) facts.add('TC');
		if (e.flags?.aa === true) facts.add('AA');
		if (e.flags?.ad === true) facts.add('AD');
		if (e.soa !== null) facts.add('SOA');
		if (e.qname === null) facts.add('no question');
		else {
			if (e.qname === '.') facts.add('root name');
			if (e.qname.includes('\\')) facts.add('escaped name');
			if (/[A-Z]/.test(e.qname)) facts.add('upper-case name');
			if (e.qname.length >= 240) facts.add('long name');
			if (e.answers.some((a) => a.name !== e.qname && a.name.toLowerCase() === e.qname?.toLowerCase())) facts.add('answer owner in another case');
		}
		if (e.rttMs === 0) facts.add('zero RTT');
		if (e.rttMs !== null && e.rttMs < 0) facts.add('negative RTT');
		if (e.retransmissions > 0) facts.add('retransmitted query');
	}
	if (run.code !== 0) facts.add(`exit ${run.code}`);
	for (const damage of ['record data cut off', 'record header cut off', 'exceeds the snapshot length', 'timestamp fraction']) if (run.stderr.includes(damage)) facts.add(`read error: ${damage}`);
	return {counters, facts};
}

// What the generated corpus must show on the JS lane (see the header: the generator's own regression check).
const requiredCounters = ['answered', 'unanswered', 'unsolicited', 'retransmissions', 'duplicateResponses', 'lateResponses', 'evicted', 'pairs', 'lostHalves', 'decodeErrors', 'skipped'];
const requiredTcp = ['retransmitted', 'outOfOrder', 'overflows', 'incomplete', 'evicted'].map((key) => `tcp.${key}`);
const requiredReasons = [
	'unsupported-linktype',
	'short-link-header',
	'not-ip',
	'short-ip-header',
	'ip-version-mismatch',
	'bad-ip-header-length',
	'bad-ip-length',
	'ip-truncated',
	'ip-fragment',
	'not-udp-tcp',
	'bad-extension-header',
	'short-udp-header',
	'bad-udp-length',
	'short-tcp-header',
	'bad-tcp-offset',
	'dns-short-header',
	'dns-counts-exceed-length',
	'dns-truncated',
	'dns-bad-name',
	'dns-malformed',
].map((reason) => `reason ${reason}`);
const requiredFacts = [
	'status answered',
	'status unanswered by timeout',
	'status unanswered by end-of-capture',
	'status unsolicited',
	'udp from IPv4',
	'udp from IPv6',
	'tcp from IPv4',
	'tcp from IPv6',
	...['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'other'].map((rcode) => `rcode ${rcode}`),
	...['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'TXT', 'SRV', 'SOA', 'DNAME', 'TYPE10', 'TYPE13', 'TYPE64', 'TYPE65', 'TYPE257', 'TYPE65280'].map((type) => `answer ${type}`),
	'A lost',
	'AAAA lost',
	'paired',
	'TC',
	'AA',
	'AD',
	'SOA',
	'no question',
	'root name',
	'escaped name',
	'upper-case name',
	'long name',
	'answer owner in another case',
	'zero RTT',
	'negative RTT',
	'retransmitted query',
	'exit 1',
	'read error: record data cut off',
	'read error: record header cut off',
	'read error: exceeds the snapshot length',
	'read error: timestamp fraction',
	...['migrated', 'v6-not-preferred', 'not-migrated', 'broken-aaaa', 'bogus-aaaa', 'unresolved', 'error', 'null'].map((verdict) => `verdict ${verdict}`),
	...['NOERROR', 'NODATA', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'ERROR', 'TIMEOUT', 'null'].map((status) => `family ${status}`),
	'name chain',
	'reason names a rule',
];

const tallies = new Map<string, Tally>();
let failed = false;

afterAll(() => {
	// A failure keeps the files for a look (its message names the path); a pass leaves nothing behind.
	if (!failed) rmSync(dir, {recursive: true, force: true});
});

describe(`capture -r --json: the ${lanes.join(' and ')} lanes give the same bytes (seed ${seed}; HE6_LANE_SEED to change)`, () => {
	for (const c of cases) {
		it(`${c.title} [seed ${seed}]`, async () => {
			let written: WrittenFile;
			try {
				written = c.prepare();
			} catch (error) {
				failed = true;
				throw error;
			}
			const args = ['capture', '-r', written.path, '--json', ...c.args];
			const [a, b] = (await Promise.all(lanes.map((lane) => runCli(args, {env: {HE6_DNS_CAPTURE_LANE: lane}, timeoutMs: 60_000})))) as [CliResult, CliResult];
			// Tallied before the comparison: the corpus check below judges the generator, whatever the other lane did.
			if (c.generated) {
				try {
					tallies.set(c.title, tally(a));
				} catch {
					// Output that is not NDJSON: the checks on the JS lane below say what is wrong with it.
				}
			}
			const problems = [
				a.code === b.code && a.signal === b.signal ? null : `exit differs: ${lanes[0]} ${a.code ?? a.signal}, ${lanes[1]} ${b.code ?? b.signal}`,
				firstDifference('stdout', a.stdout, b.stdout),
				firstDifference('stderr', a.stderr, b.stderr),
			].filter((p): p is string => p !== null);
			if (problems.length > 0) {
				failed = true;
				const repro = `HE6_LANE_SEED=${seed} npx vitest run test/integration/capture-lanes.test.ts -t '${c.filter}'`;
				expect.fail([`${written.path}: the lanes differ`, ...problems, `file kept; by hand: HE6_DNS_CAPTURE_LANE=${lanes[1]} node dist/cli.js ${args.join(' ')}`, `again: ${repro}`].join('\n'));
			}
			// The JS lane itself: it ran to its summary, and failed exactly where the file is damaged.
			expect(a.signal, a.stderr).toBeNull();
			expect(a.stdout).toMatch(/\{"kind":"summary",[^\n]*\}\n$/);
			if (written.damage === null) expect([a.code, a.stderr]).toEqual([0, '']);
			else expect([a.code, a.stderr]).toEqual([1, `he6-dns: ${written.path}: ${written.damage} (at byte ${written.damageOffset}); the events above are what was read before it\n`]);
		});
	}

	it(`the generated corpus showed every scenario on the ${lanes[0]} lane [seed ${seed}]`, (ctx) => {
		// Only after every generated file ran (a -t filter that picked a few leaves nothing to judge).
		if (tallies.size < plan.length) return ctx.skip();
		const counters = new Map<string, number>();
		const facts = new Set<string>();
		for (const t of tallies.values()) {
			for (const [key, n] of t.counters) counters.set(key, (counters.get(key) ?? 0) + n);
			for (const fact of t.facts) facts.add(fact);
		}
		const missing = [...requiredCounters, ...requiredTcp, ...requiredReasons].filter((key) => (counters.get(key) ?? 0) === 0);
		const unseen = requiredFacts.filter((fact) => !facts.has(fact));
		expect({zeroCounters: missing, unseen}, `seed ${seed}: the generator no longer produces these`).toEqual({zeroCounters: [], unseen: []});
		// And enough of it: tens of thousands of exchanges, hundreds of getaddrinfo pairs.
		expect(counters.get('exchanges') ?? 0).toBeGreaterThan(10_000);
		expect(counters.get('pairs') ?? 0).toBeGreaterThan(300);
	});
});
