// The capture command's parts without a network: default route, flags, the run's stop rules and -w, file sources, the text lines.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import type {CaptureEvent, ExchangeEvent} from '../../src/capture/events.js';
import {pcapHeader, pcapRecord, readPcap, type Frame} from '../../src/capture/pcap-file.js';
import {startCapture} from '../../src/capture-live/capture-run.js';
import {parseIpv6Route, parseRoute, pickDefault} from '../../src/capture-live/default-interface.js';
import {openFileSource} from '../../src/capture-live/file-source.js';
import type {FrameHandlers, FrameSource} from '../../src/capture-live/frame-source.js';
import {CaptureSetupError} from '../../src/capture-live/pcap-binding.js';
import {captureSettings} from '../../src/cli/capture-command.js';
import {UsageError} from '../../src/cli/errors.js';
import {exchangeLine, familyCell, inventoryTable, replyText, summaryText, tcpdumpEndpoint} from '../../src/report/capture-text.js';
import {ethernet, frameAt, query, reply, udpPacket} from '../support/capture-frames.js';

process.env.TZ = 'UTC';
const fixture = (name: string): string => new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'he6-capture-live-'));

describe('the default-route interface', () => {
	// This machine's files: eth0 has both defaults; lo has the kernel's `unreachable ::/0` (flags 0x00200200).
	const route = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n';
	const v6 = [
		'fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0',
		'00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0',
		'00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo',
	].join('\n');

	it('reads IPv4 and IPv6 defaults, skipping reject routes', () => {
		expect(parseRoute(route)).toEqual([{iface: 'eth0', metric: 0, family: 4}]);
		expect(parseIpv6Route(v6)).toEqual([{iface: 'eth0', metric: 1024, family: 6}]);
	});

	it('prefers the lowest IPv4 metric, then IPv6 (a v6-only host), else none', () => {
		const wlan = parseRoute(route.replace(/eth0\t00000000\t010200C0\t0003\t0\t0\t0/, 'wlan0\t00000000\t010200C0\t0003\t0\t0\t600') + 'eth1\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n');
		expect(pickDefault(wlan, [])?.iface).toBe('eth1');
		expect(pickDefault([], parseIpv6Route(v6))?.iface).toBe('eth0');
		expect(pickDefault([], [])).toBeNull();
	});
});

describe('capture flags', () => {
	it('filters port 53 live, nothing on a file unless --port or --filter', () => {
		expect(captureSettings({})).toMatchObject({iface: null, read: null, filter: 'udp port 53 or tcp port 53', durationMs: null, count: null, maxPending: 65536});
		expect(captureSettings({maxPending: '1000'})).toMatchObject({maxPending: 1000});
		expect(() => captureSettings({maxPending: '0'})).toThrow(/--max-pending takes a positive whole number/);
		expect(captureSettings({interface: 'any', port: '5353', duration: '1.5', count: '3'})).toMatchObject({iface: 'any', filter: 'udp port 5353 or tcp port 5353', durationMs: 1500, count: 3});
		expect(captureSettings({read: 'x.pcap'}).filter).toBeNull();
		expect(captureSettings({read: 'x.pcap', filter: 'host ::1'}).filter).toBe('host ::1');
	});

	it('refuses contradictions and bad numbers with one line', () => {
		for (const flags of [{read: 'a', interface: 'lo'}, {port: '53', filter: 'udp'}, {read: 'a', write: 'a'}, {port: '0'}, {port: '70000'}, {count: '1.5'}, {duration: 'soon'}, {count: ''}]) {
			expect(() => captureSettings(flags)).toThrow(UsageError);
		}
	});
});

const client = {source: '127.0.0.1', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 53};
const server = {source: '127.0.0.1', sourcePort: 53, destination: '127.0.0.1', destinationPort: 40000};
/** n query/reply pairs, 1 s apart, on Ethernet. */
function dialog(n: number): Frame[] {
	return Array.from({length: n}, (_, i) => [
		frameAt(1_700_000_000_000 + i * 1000, 1, ethernet(udpPacket(client, query(i + 1, `n${i}.example`, 'A')))),
		frameAt(1_700_000_000_000 + i * 1000 + 2, 1, ethernet(udpPacket(server, reply(i + 1, `n${i}.example`, 'A', [{name: `n${i}.example`, type: 'A', ttl: 60, data: '192.0.2.1'}])))),
	]).flat();
}

/** A file-like source over frames in memory. */
function memorySource(frames: readonly Frame[]): FrameSource {
	let stopped = false;
	return {
		label: 'memory',
		live: false,
		filter: null,
		holdsEventLoop: false,
		drops: () => 0,
		stop: () => void (stopped = true),
		async run(handlers: FrameHandlers) {
			handlers.onOpen(1);
			for (const frame of frames) if (!stopped) handlers.onFrame(frame);
			return {error: null};
		},
	};
}

describe('a capture run', () => {
	const exchanges = (events: CaptureEvent[]): ExchangeEvent[] => events.filter((e): e is ExchangeEvent => e.kind === 'exchange');

	it('reads to the end, flushes, and writes every frame with -w', async () => {
		const events: CaptureEvent[] = [];
		const path = join(tmp, 'all.pcap');
		const result = await startCapture({source: memorySource(dialog(3)), onEvent: (e) => events.push(e), writePath: path}).done;
		expect(result).toMatchObject({stoppedBy: 'end-of-file', error: null, written: 6});
		expect(exchanges(events)).toHaveLength(3);
		expect(events.at(-1)?.kind).toBe('summary');
		const written = readPcap(readFileSync(path));
		expect(written.linktype).toBe(1);
		expect(written.frames.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(dialog(3).map((f) => Buffer.from(f.data).toString('hex')));
	});

	it('stops after --count exchanges, and after --duration of packet time in a file', async () => {
		const counted: CaptureEvent[] = [];
		const byCount = await startCapture({source: memorySource(dialog(5)), onEvent: (e) => counted.push(e), count: 2}).done;
		expect(byCount.stoppedBy).toBe('count');
		expect(exchanges(counted)).toHaveLength(2);
		const timed: CaptureEvent[] = [];
		const byTime = await startCapture({source: memorySource(dialog(5)), onEvent: (e) => timed.push(e), durationMs: 2500}).done;
		expect(byTime.stoppedBy).toBe('duration');
		expect(exchanges(timed).map((e) => e.qname)).toEqual(['n0.example', 'n1.example', 'n2.example']);
	});

	it('a -w path that cannot be written is a set-up error', async () => {
		await expect(startCapture({source: memorySource(dialog(1)), onEvent: () => {}, writePath: join(tmp, 'no/such/dir.pcap')}).done).rejects.toThrow(CaptureSetupError);
	});
});

describe('a file without libpcap', () => {
	it('reads classic pcap with our reader, and reports where a cut file stops', async () => {
		const events: CaptureEvent[] = [];
		const whole = await startCapture({source: openFileSource(null, {path: fixture('lo-udp.pcap'), filter: null}), onEvent: (e) => events.push(e)}).done;
		expect(whole.summary).toMatchObject({packets: 14, exchanges: 7});
		const cut = join(tmp, 'cut.pcap');
		writeFileSync(cut, readFileSync(fixture('lo-tcp.pcap')).subarray(0, 3000));
		const partial = await startCapture({source: openFileSource(null, {path: cut, filter: null}), onEvent: () => {}}).done;
		expect(partial.summary.packets).toBe(28);
		expect(partial.error).toMatch(/cut\.pcap: record data cut off after 173 of 199 bytes \(at byte 2811\)/);
	});

	it("waits between chunks while the output says so (a pipe's backlog), and reads on when it drains", async () => {
		// ~9 MB of frames: more than two of the reader's 4 MiB chunks.
		const frames = dialog(30000);
		const path = join(tmp, 'big.pcap');
		writeFileSync(path, Buffer.concat([pcapHeader({linktype: 1}), ...frames.map((f) => pcapRecord(f))]));
		let read = 0;
		const asked: number[] = [];
		let release: () => void = () => {};
		const source = openFileSource(null, {path, filter: null});
		const done = source.run({
			onOpen: () => {},
			onFrame: () => void read++,
			// Waits once, after the first chunk; later asks go on.
			ready: () => {
				asked.push(read);
				return asked.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : null;
			},
		});
		await new Promise((resolve) => setTimeout(resolve, 50));
		const whileWaiting = read;
		expect(whileWaiting).toBe(asked[0]);
		expect(whileWaiting).toBeGreaterThan(0);
		expect(whileWaiting).toBeLessThan(frames.length);
		release();
		expect(await done).toEqual({error: null});
		expect(read).toBe(frames.length);
	});

	it('refuses pcapng, filters and unreadable files with one line', () => {
		const ng = join(tmp, 'x.pcapng');
		writeFileSync(ng, Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]));
		expect(() => openFileSource(null, {path: ng, filter: null})).toThrow(/pcapng, which needs libpcap: apt-get install libpcap-dev && npm rebuild pcap/);
		expect(() => openFileSource(null, {path: fixture('lo-udp.pcap'), filter: 'udp'})).toThrow(/needs libpcap/);
		expect(() => openFileSource(null, {path: join(tmp, 'missing.pcap'), filter: null})).toThrow(/cannot read .*missing\.pcap: ENOENT/);
	});
});

describe('plain lines', () => {
	const base: ExchangeEvent = {
		kind: 'exchange', client: '10.104.229.189:47624', server: '172.16.0.23:53', transport: 'udp', id: 1, qname: 'www.google.com', qtype: 'A', rcode: 'NOERROR',
		answers: ['209.85.203.104', '209.85.203.99', '209.85.203.105', '209.85.203.106', '209.85.203.147', '209.85.203.103'].map((data) => ({name: 'www.google.com', type: 'A', ttl: 300, data})),
		rttMs: 1.1, status: 'answered', time: Date.UTC(2016, 3, 20, 13, 31, 52, 961), retransmissions: 0, endedBy: null, flags: {aa: false, tc: false, ad: false}, soa: null, pairedWith: null, pairFlag: null, pid: null, comm: null,
	};

	it("an exchange reads like the seed's tcpdump dialog, decoded", () => {
		expect(exchangeLine(base)).toBe('13:31:52.961 10.104.229.189.47624 > 172.16.0.23.53 A? www.google.com. → 6 A 209.85.203.104 … 1.1 ms');
		expect(exchangeLine({...base, client: '[::1]:40000', server: '[::1]:53', transport: 'tcp', pid: 42, comm: 'curl\u001b'})).toBe('13:31:52.961 ::1.40000 > ::1.53 [tcp] A? www.google.com. → 6 A 209.85.203.104 … 1.1 ms curl\\027[42]');
		expect(tcpdumpEndpoint('[fe80::1%eth0]:53')).toBe('fe80::1%eth0.53');
	});

	it('says what came back: chains, NODATA, errors, no reply, a lost pair half', () => {
		const chain = [{name: 'a', type: 'CNAME', ttl: 1, data: 'b'}, {name: 'b', type: 'AAAA', ttl: 1, data: '2001:db8::1'}];
		expect(replyText({...base, qtype: 'AAAA', answers: chain})).toBe('2 (1 CNAME) AAAA 2001:db8::1');
		expect(replyText({...base, answers: [], soa: {name: 'github.com', ttl: 60, mname: 'ns', rname: 'h', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1}})).toBe('NODATA (SOA github.com)');
		expect(replyText({...base, rcode: 'NXDOMAIN', answers: []})).toBe('NXDOMAIN');
		expect(replyText({...base, answers: [], flags: {aa: false, tc: true, ad: false}})).toBe('0 TC');
		const lost = {...base, qtype: 'AAAA', status: 'unanswered' as const, rcode: null, answers: [], rttMs: null, endedBy: 'timeout' as const, pairFlag: 'AAAA lost' as const, pid: null, comm: 'unknown'};
		expect(exchangeLine(lost)).toBe('13:31:52.961 10.104.229.189.47624 > 172.16.0.23.53 AAAA? www.google.com. → no reply (timeout) [AAAA lost] unknown');
	});

	it('the inventory table and the summary', () => {
		expect(familyCell({asked: 0, answered: 0, unanswered: 0, status: null, addresses: [], chain: []})).toBe('-');
		expect(familyCell({asked: 2, answered: 0, unanswered: 2, status: 'TIMEOUT', addresses: [], chain: []})).toBe('TIMEOUT');
		expect(familyCell({asked: 1, answered: 1, unanswered: 0, status: 'NOERROR', addresses: ['192.0.2.1', '192.0.2.2'], chain: []})).toBe('NOERROR 192.0.2.1 +1');
		expect(inventoryTable([])).toBe('no A or AAAA query seen\n');
		const summary = {kind: 'summary' as const, packets: 1, messages: 1, exchanges: 1, unanswered: 1, decodeErrors: 0, pcapDrops: 2, answered: 0, unsolicited: 0, retransmissions: 0, duplicateResponses: 0, lateResponses: 0, evicted: 0, maxPending: 65536, pendingPeak: 1, pairs: 0, lostHalves: 0, skipped: 0, reasons: {}, tcp: {retransmitted: 0, outOfOrder: 0, overflows: 0, incomplete: 0, evicted: 0}};
		expect(summaryText(summary)).toBe('1 packet, 1 DNS message, 1 exchange (0 answered, 1 unanswered, 0 unsolicited, 0 retransmissions), 0 getaddrinfo pairs (0 with a lost half), 0 decode errors, 2 dropped by libpcap\n');
	});
});

describe('without the pcap package', () => {
	it('loading it fails with the one-line hint naming libpcap-dev and npm rebuild', async () => {
		vi.resetModules();
		vi.doMock('pcap', () => {
			throw new Error("Cannot find module './build/Release/pcap_binding'");
		});
		try {
			const {loadPcap} = await import('../../src/capture-live/pcap-binding.js');
			await expect(loadPcap()).rejects.toThrow(/^capture needs the pcap package built against libpcap: apt-get install libpcap-dev && npm rebuild pcap \(/);
		} finally {
			vi.doUnmock('pcap');
			vi.resetModules();
		}
	});
});
