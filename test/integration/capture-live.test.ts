// Live capture on lo as root: real dig queries and this process's own, paired and attributed to their pids; -w, signals, --duration.
import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import dgram from 'node:dgram';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import dnsPacket from 'dns-packet';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CaptureEvent, ExchangeEvent, NameEvent, SummaryEvent} from '../../src/capture/events.js';
import type {ZoneRecord, ZoneServer} from '../../src/demo/zone-server.js';
import {cliPath} from '../support/cli.js';
import {captureSoa, startLoopbackZones} from '../support/capture-zone.js';
import {installed} from '../support/resolvers.js';

const isRoot = process.getuid?.() === 0;
const pcapLoads = await import('pcap').then(() => true, () => false);
const ready = isRoot && pcapLoads && installed('dig');
const why = !isRoot ? 'needs root' : !pcapLoads ? 'the pcap package does not load' : 'dig is not installed';
if (process.env['CI'] && isRoot && !ready) throw new Error(`live capture must run in CI as root, but ${why}`);
const tmp = mkdtempSync(join(tmpdir(), 'he6-capture-live-'));
const ownComm = readFileSync('/proc/self/comm', 'utf8').trim();

const records: ZoneRecord[] = [captureSoa, {name: 'dual.he6.test', type: 'A', ttl: 300, data: '192.0.2.2'}, {name: 'dual.he6.test', type: 'AAAA', ttl: 300, data: '2a0f:6:6::2'}, {name: 'lost.he6.test', type: 'A', ttl: 300, data: '192.0.2.7'}, {name: 'lost.he6.test', type: 'AAAA', ttl: 300, data: '2a0f:6:6::7'}];
/**
 * Replies wait 1 s: dig is still running (and its socket open) when the capture looks it up. 300 ms
 * once lost a pid on a machine loaded ~5× over its two cores (the capture read the query after dig had left).
 */
const replyDelayMs = 1000;
const hook = (q: {name: string; type: string}) => (q.name === 'lost.he6.test' && q.type === 'AAAA' ? ({kind: 'drop'} as const) : ({kind: 'delay', ms: replyDelayMs} as const));

let servers: ZoneServer[] = [];
let port = 0;

beforeAll(async () => {
	if (ready) ({servers, port} = await startLoopbackZones(records, hook));
});
afterAll(async () => {
	for (const s of servers) await s.close();
});

interface Capture {
	readonly child: ChildProcessWithoutNullStreams;
	/** Each stdout line with the wall-clock time it arrived. */
	readonly lines: {readonly at: number; readonly event: CaptureEvent}[];
	stderr: string;
	readonly exited: Promise<number | null>;
}

async function startCapture(args: string[]): Promise<Capture> {
	const child = spawn(process.execPath, [cliPath, 'capture', '-i', 'lo', '--port', String(port), '--json', ...args], {env: {...process.env, CI: '1'}});
	const capture: Capture = {child, lines: [], stderr: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code)))};
	let buffered = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		buffered += chunk;
		const parts = buffered.split('\n');
		buffered = parts.pop() ?? '';
		for (const line of parts) if (line !== '') capture.lines.push({at: Date.now(), event: JSON.parse(line) as CaptureEvent});
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (capture.stderr += chunk));
	const deadline = Date.now() + 10_000;
	while (!capture.stderr.includes('listening on lo') && Date.now() < deadline && child.exitCode === null) await sleep(20);
	if (!capture.stderr.includes('listening on lo')) throw new Error(`capture did not start: ${capture.stderr}`);
	return capture;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const exchanges = (c: Capture): ExchangeEvent[] => c.lines.map((l) => l.event).filter((e): e is ExchangeEvent => e.kind === 'exchange');

function dig(args: string[]): {pid: number; done: Promise<number | null>} {
	const child = spawn('dig', ['-p', String(port), '+tries=1', '+timeout=3', ...args], {stdio: 'ignore'});
	return {pid: child.pid ?? -1, done: new Promise((resolve) => child.on('exit', (code) => resolve(code)))};
}

/** A query from this test process, from a socket it keeps open (so attribution can find it). */
async function ownSocket(): Promise<{socket: dgram.Socket; ask: (id: number, name: string, type: 'A' | 'AAAA') => void}> {
	const socket = dgram.createSocket('udp4');
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
	const ask = (id: number, name: string, type: 'A' | 'AAAA'): void => void socket.send(dnsPacket.encode({type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{type, name}]}), port, '127.0.0.1');
	return {socket, ask};
}

const describeLive = ready ? describe : describe.skip;

describeLive(`live capture on lo${ready ? '' : ` (skipped: ${why})`}`, () => {
	it('pairs dig over UDP, TCP and IPv6 and our own query, attributes each to its pid and comm, writes -w', async () => {
		const out = join(tmp, 'live.pcap');
		const capture = await startCapture(['--count', '4', '--duration', '20', '-w', out]);
		const own = await ownSocket();
		const sent = Date.now();
		try {
			own.ask(4321, 'dual.he6.test', 'A');
			const digs = [dig(['@127.0.0.1', 'dual.he6.test', 'A']), dig(['@127.0.0.1', '+tcp', 'dual.he6.test', 'AAAA']), dig(['@::1', 'dual.he6.test', 'AAAA'])];
			await Promise.all(digs.map((d) => d.done));
			expect(await capture.exited, capture.stderr).toBe(0);
			const got = exchanges(capture);
			const find = (qtype: string, transport: string, v6: boolean): ExchangeEvent | undefined => got.find((e) => e.qtype === qtype && e.transport === transport && e.client.startsWith('[') === v6);
			expect(got.map((e) => [e.status, e.qname, e.rcode]).every(([s, n, r]) => s === 'answered' && n === 'dual.he6.test' && r === 'NOERROR'), JSON.stringify(got)).toBe(true);
			expect(got).toHaveLength(4);
			const mine = got.find((e) => e.id === 4321);
			expect(mine).toMatchObject({qtype: 'A', transport: 'udp', pid: process.pid, comm: ownComm});
			expect(mine?.answers.map((a) => a.data)).toEqual(['192.0.2.2']);
			const [digA, digTcp, digV6] = digs;
			expect(got.find((e) => e.qtype === 'A' && e.id !== 4321)).toMatchObject({transport: 'udp', pid: digA?.pid, comm: 'dig'});
			expect(find('AAAA', 'tcp', false)).toMatchObject({pid: digTcp?.pid, comm: 'dig'});
			expect(find('AAAA', 'udp', true)).toMatchObject({pid: digV6?.pid, comm: 'dig'});
			for (const e of got) expect(e.rttMs).toBeGreaterThanOrEqual(replyDelayMs - 5);
			// The inventory: one name, both families answered, every asker listed.
			const name = capture.lines.map((l) => l.event).find((e): e is NameEvent => e.kind === 'name');
			expect(name?.processes.map((p) => p.pid).sort()).toEqual([process.pid, ...digs.map((d) => d.pid)].sort());
			const summary = capture.lines.at(-1)?.event as SummaryEvent;
			expect(summary).toMatchObject({kind: 'summary', exchanges: 4, answered: 4, decodeErrors: 0, pcapDrops: 0});
			// -w: tcpdump reads every packet the pipeline saw.
			if (installed('tcpdump')) expect(spawnSync('tcpdump', ['-nn', '-r', out], {encoding: 'utf8'}).stdout.trim().split('\n')).toHaveLength(summary.packets);
			// Delivery latency: the line on our stdout after the reply's capture timestamp (immediate mode).
			const latency = capture.lines.filter((l) => l.event.kind === 'exchange').map((l) => l.at - ((l.event as ExchangeEvent).time + ((l.event as ExchangeEvent).rttMs ?? 0)));
			console.log(`live capture: ${got.length} exchanges in ${Date.now() - sent} ms; reply capture → NDJSON line: ${latency.map((ms) => ms.toFixed(1)).join(', ')} ms`);
			expect(Math.max(...latency)).toBeLessThan(500);
		} finally {
			own.socket.close();
			capture.child.kill('SIGKILL');
		}
	});

	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		it(`${signal}: flushes, reports the pending query as unanswered (AAAA lost), prints the summary, exits 0`, async () => {
			const capture = await startCapture([]);
			const own = await ownSocket();
			try {
				own.ask(1001, 'lost.he6.test', 'A');
				own.ask(1002, 'lost.he6.test', 'AAAA'); // dropped by the server
				const deadline = Date.now() + 5000;
				while (exchanges(capture).length === 0 && Date.now() < deadline) await sleep(20);
				const stoppedAt = Date.now();
				capture.child.kill(signal);
				expect(await capture.exited, capture.stderr).toBe(0);
				expect(Date.now() - stoppedAt).toBeLessThan(3000);
				const got = exchanges(capture);
				expect(got.map((e) => [e.qtype, e.status, e.endedBy])).toEqual([['A', 'answered', null], ['AAAA', 'unanswered', 'end-of-capture']]);
				expect(got[1]).toMatchObject({pairFlag: 'AAAA lost', pid: process.pid});
				const last = capture.lines.at(-1)?.event;
				expect(last).toMatchObject({kind: 'summary', exchanges: 2, unanswered: 1, pairs: 1, lostHalves: 1});
			} finally {
				own.socket.close();
				capture.child.kill('SIGKILL');
			}
		});
	}

	it('--duration ends a quiet capture on time with an empty summary', async () => {
		const started = Date.now();
		const capture = await startCapture(['--duration', '1']);
		expect(await capture.exited, capture.stderr).toBe(0);
		expect(Date.now() - started).toBeLessThan(6000);
		expect(capture.lines.map((l) => l.event.kind)).toEqual(['summary']);
	});
});
