// The fault table through `batch` (its lean lane, then the general path): each row ends as in lookup,
// on both of the lean lane's socket kinds (recvmmsg/sendmmsg, our addon; node:dgram, HE6_DNS_UDP=dgram).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {ZoneRecord, ZoneServer} from '../../src/demo/zone-server.js';
import {runCli} from '../support/cli.js';
import {chainOf, closedPort, cutRecordData, dualStack, queriesFor, startScripted, wrongId, wrongQuestionName, wrongQuestionType} from '../support/scripted-server.js';

interface FamilyJson {
	readonly status: string;
	readonly chain: readonly unknown[];
	readonly addresses: readonly {readonly address: string}[];
	readonly transport: string | null;
	readonly rttMs: number | null;
	readonly queries: number;
	readonly mismatched: number;
	readonly problem: {readonly kind: string} | null;
}
interface HostJson {
	readonly input: string;
	readonly name: string;
	readonly a: FamilyJson;
	readonly aaaa: FamilyJson;
	readonly verdict: string;
}

// One server carries every row, each under its own name, so one batch run meets them all at once.
const follow: ZoneRecord = {name: 'www.follow.test', type: 'CNAME', ttl: 77, data: 'edge.follow.test'};
const records: ZoneRecord[] = [
	...['pair', 'slow', 'late', 'big', 'id', 'question', 'port', 'cut', 'fail', 'refused', 'plain', 'tcpcut'].flatMap((n) => dualStack(`${n}.test`)),
	...dualStack('edge.follow.test'),
	{name: 'a.loop.test', type: 'CNAME', ttl: 60, data: 'b.loop.test'},
	{name: 'b.loop.test', type: 'CNAME', ttl: 60, data: 'a.loop.test'},
	...chainOf(20, 'h', 'long.test'),
];
const names = ['pair.test.', 'slow.test.', 'late.test.', 'big.test.', 'id.test.', 'question.test.', 'port.test.', 'cut.test.', 'a.loop.test.', 'h0.long.test.', 'fail.test.', 'refused.test.', 'www.follow.test.', 'plain.test.', 'tcpcut.test.'];

let server: ZoneServer;
let scratch = '';
type Io = 'recvmmsg' | 'dgram';
const ios: readonly Io[] = ['recvmmsg', 'dgram'];
const batches = new Map<Io, Map<string, HostJson>>();
const headings = new Map<Io, string>();
let lookup = new Map<string, HostJson>();

// `--retries 0` is batch's spelling of lookup's `--attempts 1`.
const common = (conf: string, attempts: string[]): string[] => ['--timeout', '0.5', ...attempts, '--resolv-conf', conf, `@127.0.0.1:${server.endpoint.port}`];
const byInput = (text: string): Map<string, HostJson> =>
	new Map(
		text
			.split('\n')
			.filter((line) => line.trim() !== '')
			.map((line) => JSON.parse(line) as HostJson)
			.filter((host) => host.a !== undefined)
			.map((host) => [host.input ?? `${host.name}.`, host]),
	);

beforeAll(async () => {
	server = await startScripted(records, {
		'pair.test/AAAA': {kind: 'drop'},
		'slow.test/*': {kind: 'delay', ms: 800},
		'late.test/*': {kind: 'delay', ms: 100},
		'big.test/A': {kind: 'tc'},
		'id.test/A': {kind: 'mutate', mutate: wrongId},
		'question.test/A': {kind: 'mutate', mutate: wrongQuestionName},
		'question.test/AAAA': {kind: 'mutate', mutate: wrongQuestionType(1)},
		'port.test/A': {kind: 'from-other-port'},
		'cut.test/A': {kind: 'mutate', mutate: cutRecordData(1, 2)},
		'fail.test/*': {kind: 'rcode', rcode: 'SERVFAIL'},
		'refused.test/*': {kind: 'rcode', rcode: 'REFUSED'},
		'www.follow.test/*': {kind: 'records', answers: [follow]},
		'tcpcut.test/A': {kind: 'close-tcp-mid-message'},
	});
	scratch = mkdtempSync(join(tmpdir(), 'he6-batch-faults-'));
	const conf = join(scratch, 'resolv.conf');
	writeFileSync(conf, '# empty: glibc defaults\n');
	writeFileSync(join(scratch, 'names.txt'), `${names.join('\n')}\n`);
	for (const io of ios) {
		const out = join(scratch, `out-${io}.ndjson`);
		const run = await runCli(['batch', join(scratch, 'names.txt'), '-o', out, '--plain', ...common(conf, ['--retries', '0'])], {timeoutMs: 60_000, env: {HE6_DNS_UDP: io}});
		if (run.code === null || run.code === 1) throw new Error(`batch did not finish (${run.code}): ${run.stderr}`);
		batches.set(io, byInput(readFileSync(out, 'utf8')));
		headings.set(io, run.stderr.split('\n')[0] ?? '');
	}
	const looked = await runCli(['--json', ...common(conf, ['--attempts', '1']), ...names], {timeoutMs: 60_000});
	lookup = new Map([...byInput(looked.stdout)].map(([, host]) => [`${host.name}.`, host]));
}, 120_000);

afterAll(async () => {
	await server?.close();
	if (scratch !== '') rmSync(scratch, {recursive: true, force: true});
});

const family = (host: HostJson | undefined, which: 'a' | 'aaaa'): FamilyJson => {
	if (host === undefined) throw new Error('host missing from the output');
	return host[which];
};

test('the lean lane runs on the addon where it is built (always in CI), on node:dgram when told to', () => {
	// Without the addon the recvmmsg run silently measures node:dgram twice; CI must not let that pass.
	if (process.env.CI) expect(headings.get('recvmmsg')).toMatch(/ · recvmmsg$/);
	expect(headings.get('dgram')).not.toMatch(/recvmmsg/);
});

test('TC goes to TCP once per run: two batches (one per socket kind), then lookup', () => {
	expect(queriesFor(server, 'big.test', 'A').map((q) => q.transport)).toEqual(['udp', 'tcp', 'udp', 'tcp', 'udp', 'tcp']);
});

describe.each(ios)('batch (%s) meets the fault table', (io) => {
	let batch = new Map<string, HostJson>();
	beforeAll(() => {
		batch = batches.get(io) ?? new Map();
	});

	test('every name has exactly one record', () => {
		expect([...batch.keys()].sort()).toEqual([...names].sort());
	});

	test.each([
		['pair.test.', 'NOERROR', 'TIMEOUT', null, 'timeout'],
		['slow.test.', 'TIMEOUT', 'TIMEOUT', 'timeout', 'timeout'],
		['late.test.', 'NOERROR', 'NOERROR', null, null],
		['big.test.', 'NOERROR', 'NOERROR', null, null],
		['id.test.', 'TIMEOUT', 'NOERROR', 'timeout', null],
		['question.test.', 'TIMEOUT', 'TIMEOUT', 'timeout', 'timeout'],
		['port.test.', 'TIMEOUT', 'NOERROR', 'timeout', null],
		['cut.test.', 'ERROR', 'NOERROR', 'malformed-reply', null],
		['a.loop.test.', 'ERROR', 'ERROR', 'cname-loop', 'cname-loop'],
		['h0.long.test.', 'ERROR', 'ERROR', 'chain-too-long', 'chain-too-long'],
		['fail.test.', 'SERVFAIL', 'SERVFAIL', null, null],
		['refused.test.', 'REFUSED', 'REFUSED', null, null],
		['www.follow.test.', 'NOERROR', 'NOERROR', null, null],
		['tcpcut.test.', 'ERROR', 'NOERROR', 'network', null],
	])('%s: A %s, AAAA %s (problems %s, %s), as lookup says', (name, a, aaaa, aProblem, aaaaProblem) => {
		const host = batch.get(name);
		expect([family(host, 'a').status, family(host, 'aaaa').status]).toEqual([a, aaaa]);
		expect([family(host, 'a').problem?.kind ?? null, family(host, 'aaaa').problem?.kind ?? null]).toEqual([aProblem, aaaaProblem]);
		for (const which of ['a', 'aaaa'] as const) {
			const mine = family(host, which);
			const theirs = family(lookup.get(name), which);
			expect({status: mine.status, problem: mine.problem?.kind, transport: mine.transport, chain: mine.chain.length, addresses: mine.addresses, queries: mine.queries}).toEqual({
				status: theirs.status,
				problem: theirs.problem?.kind,
				transport: theirs.transport,
				chain: theirs.chain.length,
				addresses: theirs.addresses,
				queries: theirs.queries,
			});
		}
	});

	test('TC is repeated over TCP; an unfinished chain is followed; a reply inside the timeout is kept with its RTT', () => {
		expect(family(batch.get('big.test.'), 'a').transport).toBe('tcp');
		expect(family(batch.get('www.follow.test.'), 'a').queries).toBe(2);
		expect(family(batch.get('late.test.'), 'a').rttMs).toBeGreaterThanOrEqual(100);
	});

	test('a wrong id or question is counted in mismatched; a reply from another port never reaches the connected socket', () => {
		expect(family(batch.get('id.test.'), 'a').mismatched).toBeGreaterThanOrEqual(1);
		expect(family(batch.get('question.test.'), 'a').mismatched).toBeGreaterThanOrEqual(1);
		expect(family(batch.get('question.test.'), 'aaaa').mismatched).toBeGreaterThanOrEqual(1);
		// Decision (README): the batch's sockets are connected, so the kernel drops the datagram itself.
		expect(family(batch.get('port.test.'), 'a').mismatched).toBe(0);
		expect(family(lookup.get('port.test.'), 'a').mismatched).toBeGreaterThanOrEqual(1);
	});

	test('a dead server: every name TIMEOUT after its retries, exit 9', async () => {
		const port = await closedPort();
		const list = join(scratch, 'dead.txt');
		const out = join(scratch, `dead-${io}.ndjson`);
		writeFileSync(list, 'dead1.test.\ndead2.test.\n');
		const run = await runCli(['batch', list, '-o', out, '--timeout', '0.3', '--retries', '1', '--resolv-conf', join(scratch, 'resolv.conf'), `@127.0.0.1:${port}`], {env: {HE6_DNS_UDP: io}});
		expect(run.code).toBe(9);
		const hosts = [...byInput(readFileSync(out, 'utf8')).values()];
		expect(hosts).toHaveLength(2);
		for (const host of hosts) {
			for (const which of ['a', 'aaaa'] as const) {
				expect(family(host, which).status).toBe('TIMEOUT');
				expect(family(host, which).queries).toBe(2);
			}
		}
	});
});
