// The native capture lane in-process (native/lane-*.c through capture-live/native-lane.ts) against the JS pipeline's replay of the same frames.
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import type {CaptureEvent} from '../../src/capture/events.js';
import {linktype} from '../../src/capture/link.js';
import {pcapHeader, pcapRecord, type Frame} from '../../src/capture/pcap-file.js';
import {replay} from '../../src/core/capture-pipeline.js';
import {runNativeLane, type LaneAddon} from '../../src/capture-live/native-lane.js';
import {exchangeJsonLine, nameJsonLine} from '../../src/report/capture-json.js';
import {jsonLine} from '../../src/report/json.js';
import {loadAddon} from '../../src/transport/udp-batch.js';
import type {SelectionSettings} from '../../src/core/selection.js';
import {whatIfSources} from '../../src/host/sources.js';
import {parseWhatIf} from '../../src/host/what-if.js';
import {frameAt, link, query, reply, rng, tcpPacket, framed, udpPacket, type Ports} from '../support/capture-frames.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = path.join(root, 'dist', 'udp-batch.node');
const addon = (existsSync(built) ? loadAddon(built) : null) as LaneAddon | null;
// CI builds it (the global setup fails there without it); elsewhere a machine without a compiler skips, saying so.
const withLane = addon === null || typeof addon.laneOpen !== 'function' ? test.skip : test;
if (addon === null) console.warn(`capture-native-lane.test: ${built} not built (npm run build needs python3, make and a C compiler); capture -r uses the JS pipeline`);

const dir = mkdtempSync(path.join(tmpdir(), 'he6-lane-'));

/** The frames written as a classic pcap file (µs or ns). */
function pcapFile(name: string, frames: readonly Frame[], nanos = false): string {
	const file = path.join(dir, name);
	const type = frames[0]?.linktype ?? linktype.ethernet;
	writeFileSync(file, Buffer.concat([pcapHeader({linktype: type, nanos}), ...frames.map((f) => pcapRecord(f, {nanos}))]));
	return file;
}

/** The frames as a file of that resolution gives them back (a µs file drops the nanoseconds). */
const asWritten = (frames: readonly Frame[], nanos: boolean): Frame[] => frames.map((f) => (nanos ? f : {...f, nanos: Math.floor(f.nanos / 1000) * 1000}));

/** The JS pipeline's NDJSON for the frames, as capture -r --json writes it. */
async function jsLines(frames: readonly Frame[], selection: SelectionSettings | null = null): Promise<string> {
	const events = await replay(frames, {selection});
	return events.map((e: CaptureEvent) => (e.kind === 'exchange' ? exchangeJsonLine(e) : e.kind === 'name' ? nameJsonLine(e) : jsonLine(e))).join('');
}

/** The lane's NDJSON for the file (its bytes and its events in the order written), how many frames it read in C and how many names it judged there. */
async function laneLines(lane: LaneAddon, file: string, selection: SelectionSettings | null = null): Promise<{text: string; nativeFrames: number; nativeNames: number}> {
	const parts: string[] = [];
	const result = await runNativeLane(lane, {
		path: file,
		selection,
		noAaaa: false,
		onBytes: (chunk) => {
			parts.push(Buffer.from(chunk).toString('utf8'));
			return true;
		},
		onEvent: (e) => void parts.push(e.kind === 'name' ? nameJsonLine(e) : jsonLine(e)),
	});
	return {text: parts.join(''), nativeFrames: result.nativeFrames, nativeNames: result.nativeNames};
}

const client4: Ports = {source: '192.0.2.10', sourcePort: 40000, destination: '192.0.2.53', destinationPort: 53};
const client6: Ports = {source: '2001:db8::10', sourcePort: 40001, destination: '2001:db8::53', destinationPort: 53};
const back = (p: Ports, port = p.sourcePort): Ports => ({source: p.destination, sourcePort: p.destinationPort, destination: p.source, destinationPort: port});
const soa = {name: 'example', type: 'SOA', ttl: 300, data: {mname: 'ns1.example', rname: 'hostmaster.example', serial: 7, refresh: 3600, retry: 900, expire: 604800, minimum: 60}} as const;

/**
 * What a stub's traffic mostly is, all of it in the lane's subset: A+AAAA pairs over IPv4 and IPv6,
 * answers, CNAME chains, NODATA and NXDOMAIN with an SOA, 0x20 case in the question, retransmissions,
 * duplicates, timeouts; times with µs fractions across the range a pcap can hold.
 */
function plainTraffic(count: number, seed: number, startMs: number): Frame[] {
	const random = rng(seed);
	const frames: Frame[] = [];
	let t = startMs;
	for (let i = 0; i < count; i++) {
		const ports = {...(i % 3 === 0 ? client6 : client4), sourcePort: 40000 + (i % 97)};
		const name = `h${i}.Example`;
		const id = (i * 2) & 0xffff;
		const step = (): number => (t += 0.001 + Math.floor(random() * 5000) / 1000);
		const send = (p: Ports, bytes: Uint8Array): void => void frames.push(frameAt(step(), linktype.ethernet, link(linktype.ethernet, udpPacket(p, bytes))));
		send(ports, query(id, name, 'A'));
		send(ports, query(id + 1, name, 'AAAA'));
		if (i % 11 === 0) send(ports, query(id, name, 'A')); // a retransmission
		const shape = i % 5;
		const a = shape === 1 ? [{name, type: 'CNAME', ttl: 60, data: `edge${i}.cdn.example`} as const, {name: `edge${i}.cdn.example`, type: 'A', ttl: 20, data: `198.51.100.${i % 250}`} as const] : [{name: name.toLowerCase(), type: 'A', ttl: 300, data: `203.0.113.${i % 250}`} as const];
		if (shape !== 4) send(back(ports), reply(id, name, 'A', shape === 3 ? [] : a, shape === 3 ? {rcode: 3, authorities: [soa]} : {}));
		if (shape === 0) send(back(ports), reply(id + 1, name, 'AAAA', [{name, type: 'AAAA', ttl: 300, data: `2001:db8:${i.toString(16)}::${(i % 7) + 1}`}]));
		else if (shape !== 2) send(back(ports), reply(id + 1, name, 'AAAA', [], {authorities: [soa]}));
		if (i % 13 === 0 && shape !== 4) send(back(ports), reply(id, name, 'A', a)); // a duplicate reply
	}
	return frames;
}

describe('the native capture lane', () => {
	withLane('reads every frame of plain stub traffic itself, and writes what the JS pipeline writes', async () => {
		const frames = plainTraffic(600, 7, Date.UTC(2026, 10, 29) + 0.123);
		const file = pcapFile('plain.pcap', frames);
		const lane = await laneLines(addon as LaneAddon, file);
		expect(lane.nativeFrames).toBe(frames.length);
		expect(lane.text).toBe(await jsLines(asWritten(frames, false)));
	});

	withLane('times from 1970 to 2106, in µs and ns files, are written as the JS pipeline writes them', async () => {
		for (const [startMs, nanos] of [
			[0, false],
			[1.5, true],
			[2 ** 31 * 1000 + 0.999, false],
			[(2 ** 32 - 100) * 1000 + 0.001, true],
			[1795908838045.435, false],
		] as const) {
			const frames = plainTraffic(40, startMs, startMs);
			const file = pcapFile(`times-${startMs}.pcap`, frames, nanos);
			const lane = await laneLines(addon as LaneAddon, file);
			expect(lane.nativeFrames).toBe(frames.length);
			expect(lane.text).toBe(await jsLines(asWritten(frames, nanos)));
		}
	});

	withLane('hands what it does not read to the JS decoders, and pairs across the two', async () => {
		const frames = plainTraffic(120, 11, Date.UTC(2026, 0, 1));
		const t = Date.UTC(2026, 0, 1) + 1;
		// A query read by the lane whose reply it cannot read (an MX answer), TCP, ARP and a broken message, mixed in.
		const extra: Frame[] = [
			frameAt(t, linktype.ethernet, link(linktype.ethernet, udpPacket(client4, query(4242, 'mail.example', 'A')))),
			frameAt(t + 1, linktype.ethernet, link(linktype.ethernet, udpPacket(back(client4), reply(4242, 'mail.example', 'A', [{name: 'mail.example', type: 'MX', ttl: 60, data: {preference: 10, exchange: 'mx.example'}}])))),
			frameAt(t + 2, linktype.ethernet, link(linktype.ethernet, tcpPacket({...client4, sourcePort: 41000}, {seq: 1}, framed(query(7, 'tcp.example', 'AAAA'))))),
			frameAt(t + 3, linktype.ethernet, link(linktype.ethernet, udpPacket(client4, Uint8Array.from([1, 2, 3])))),
		];
		const all = [...extra, ...frames].sort((x, y) => x.seconds - y.seconds || x.nanos - y.nanos);
		const file = pcapFile('mixed.pcap', all);
		const lane = await laneLines(addon as LaneAddon, file);
		expect(lane.nativeFrames).toBe(all.length - 3);
		expect(lane.text).toBe(await jsLines(asWritten(all, false)));
		expect(lane.text).toContain('"qname":"mail.example","qtype":"A","rcode":"NOERROR","answers":[{"name":"mail.example","type":"MX"');
	});
});

/**
 * One name of each shape the name judge meets (native/lane-judge.c), `rounds` times: those it judges in
 * C and those it leaves to JS. Returns the frames and how many names C should judge.
 */
function judgeTraffic(rounds: number, startMs: number): {frames: Frame[]; inC: number} {
	const frames: Frame[] = [];
	let t = startMs;
	let id = 1;
	let inC = 0;
	const send = (p: Ports, bytes: Uint8Array): void => void frames.push(frameAt((t += 0.25), linktype.ethernet, link(linktype.ethernet, udpPacket(p, bytes))));
	const ask = (name: string, type: 'A' | 'AAAA', answers: Parameters<typeof reply>[3] | null, options: Parameters<typeof reply>[4] = {}): void => {
		const q = id++ & 0xffff;
		send(client4, query(q, name, type));
		if (answers !== null) send(back(client4), reply(q, name, type, answers, options));
	};
	const a = (name: string, data: string) => ({name, type: 'A', ttl: 60, data}) as const;
	const aaaa = (name: string, data: string) => ({name, type: 'AAAA', ttl: 60, data}) as const;
	const cname = (name: string, data: string) => ({name, type: 'CNAME', ttl: 60, data}) as const;
	for (let r = 0; r < rounds; r++) {
		const n = (shape: string): string => `${shape}${r}.judge.example`;
		const v4 = `198.51.100.${r % 250}`;
		// In C: a pair decided by JS once per class pair.
		ask(n('pair'), 'A', [a(n('pair'), v4)]);
		ask(n('pair'), 'AAAA', [aaaa(n('pair'), `2600:1f18::${r + 1}`)]);
		// In C: IPv4 only (NODATA with and without an SOA), a ULA, AAAA alone.
		ask(n('nodata'), 'A', [a(n('nodata'), v4)]);
		ask(n('nodata'), 'AAAA', [], {authorities: [soa]});
		ask(n('bare'), 'A', [a(n('bare'), v4), a(n('bare'), v4)]);
		ask(n('bare'), 'AAAA', []);
		ask(n('ula'), 'A', [a(n('ula'), v4)]);
		ask(n('ula'), 'AAAA', [aaaa(n('ula'), `fd00::${(r + 1).toString(16)}`)]);
		ask(n('v6only'), 'A', [], {authorities: [soa]});
		ask(n('v6only'), 'AAAA', [aaaa(n('V6only'), `2a00:1450::${r + 1}`)]);
		// In C: never asked, NXDOMAIN both, another RCODE (ERROR) and a timeout, a broken AAAA, a chain, a loop.
		ask(n('aonly'), 'A', [a(n('aonly'), v4)]);
		ask(n('gone'), 'A', [], {rcode: 3, authorities: [soa]});
		ask(n('gone'), 'AAAA', [], {rcode: 3, authorities: [soa]});
		ask(n('fail'), 'A', [], {rcode: 4});
		ask(n('fail'), 'AAAA', null);
		ask(n('broken'), 'A', [a(n('broken'), v4)]);
		ask(n('broken'), 'AAAA', [], {rcode: r % 2 === 0 ? 2 : 5});
		ask(n('chain'), 'A', [cname(n('chain'), `edge${r}.cdn.example`), a(`edge${r}.cdn.example`, v4)]);
		ask(n('chain'), 'AAAA', [cname(n('chain'), `edge${r}.cdn.example`), aaaa(`EDGE${r}.cdn.example.`, `2606:4700::${r + 1}`)]);
		ask(n('loop'), 'A', [cname(n('loop'), `l${r}.example`), cname(`l${r}.example`, n('loop'))]);
		ask(n('loop'), 'AAAA', [], {authorities: [soa]});
		inC += 11;
		// Left to JS: a documentation AAAA (bogus), two AAAA, two different A, a chain whose tail is another reply's.
		ask(n('doc'), 'A', [a(n('doc'), v4)]);
		ask(n('doc'), 'AAAA', [aaaa(n('doc'), '2001:db8::1')]);
		ask(n('two'), 'A', [a(n('two'), v4)]);
		ask(n('two'), 'AAAA', [aaaa(n('two'), '2600::1'), aaaa(n('two'), '2600::2')]);
		ask(n('twoa'), 'A', [a(n('twoa'), v4), a(n('twoa'), '192.0.2.99')]);
		ask(n('twoa'), 'AAAA', [], {authorities: [soa]});
		ask(n('tail'), 'A', [cname(n('tail'), `t${r}.example`)]);
		ask(`t${r}.example`, 'A', [a(`t${r}.example`, v4)]);
		ask(n('tail'), 'AAAA', [], {authorities: [soa]});
		inC += 1; // t${r}.example itself (A only, AAAA never asked)
	}
	return {frames, inC};
}

const whatIf = (json: object, stack: SelectionSettings['stack'] = 'glibc'): SelectionSettings => ({stack, sources: whatIfSources(parseWhatIf(JSON.stringify(json))), label: 'what-if'});

describe('the native name judge', () => {
	const {frames, inC} = judgeTraffic(20, Date.UTC(2026, 10, 29));
	const file = pcapFile('judge.pcap', frames);
	const both = {sources: {'::/0': 'fd00::2', '0.0.0.0/0': '192.0.2.2'}, attrs: {'fd00::2': {prefixLen: 64, interface: 'eth0'}}};
	// The kernel's sources are the CLI's (capture-lanes.test.ts runs them): in-process, this test's addon is not the provider's.
	const cases: [string, () => SelectionSettings, number][] = [
		['what-if sources, glibc', () => whatIf(both), inC],
		['what-if sources without IPv6 (Rule 1)', () => whatIf({sources: {'0.0.0.0/0': '192.0.2.2'}}), inC],
		['what-if sources, Go', () => whatIf(both, 'go'), inC],
		['what-if sources, the RFC', () => whatIf(both, 'rfc6724'), inC],
		// musl's Rule 9 compares the two families' whole addresses: no partition, JS judges every name.
		['musl (every name left to JS)', () => whatIf(both, 'musl'), 0],
	];
	for (const [title, settings, judgedInC] of cases) {
		withLane(`judges the names whose shape it knows, as the JS judgement does: ${title}`, async () => {
			const selection = settings();
			const lane = await laneLines(addon as LaneAddon, file, selection);
			expect(lane.nativeNames).toBe(judgedInC);
			expect(lane.text).toBe(await jsLines(frames, selection));
		});
	}

	withLane('names every verdict the C judge writes (the traffic above is not idle)', async () => {
		const text = await jsLines(frames, whatIf(both));
		const verdicts = new Set(text.split('\n').flatMap((line) => (line.includes('"kind":"name"') ? [(JSON.parse(line) as {verdict: string | null}).verdict] : [])));
		expect([...verdicts].sort()).toEqual(['broken-aaaa', 'bogus-aaaa', 'error', 'migrated', 'not-migrated', 'unresolved', 'v6-not-preferred', null].sort());
		expect(text).toContain('[ULA: reachable inside the site only]');
		expect(text).toContain('IPv4 only: AAAA is NODATA (SOA example)');
		expect(text).toContain('"reason":"IPv4 only: AAAA is NODATA"');
		const v4only = await jsLines(frames, whatIf({sources: {'0.0.0.0/0': '192.0.2.2'}}));
		expect(v4only).toContain('— no IPv6 source address or route for the AAAA');
	});
});
