// The pipeline's API as the live capture will use it: events in order, tick on a quiet wire, ports, drops, stats.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import type {CaptureEvent} from '../../src/capture/events.js';
import {linktype, linktypeFromPcapName} from '../../src/capture/link.js';
import {frameFromPcapHeader, readPcap} from '../../src/capture/pcap-file.js';
import {createPipeline, replay} from '../../src/core/capture-pipeline.js';
import {frameAt, query, reply, udpPacket} from '../support/capture-frames.js';

const T0 = 1_700_000_000_000;
const stub = {source: '127.0.0.1', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 53};
const back = {source: '127.0.0.1', sourcePort: 53, destination: '127.0.0.1', destinationPort: 40000};
const askFrame = (ms: number, id: number, name: string, ports = stub) => frameAt(ms, linktype.raw, udpPacket(ports, query(id, name, 'A')));
const answerFrame = (ms: number, id: number, name: string, ports = back) => frameAt(ms, linktype.raw, udpPacket(ports, reply(id, name, 'A', [{name, type: 'A', ttl: 1, data: '192.0.2.1'}])));

describe('createPipeline', () => {
	it('emits exchanges as they end, then one name per name, then the summary with the libpcap drops', async () => {
		const events: CaptureEvent[] = [];
		const p = createPipeline({onEvent: (e) => events.push(e)});
		p.push(askFrame(T0, 1, 'a.example'));
		p.push(askFrame(T0 + 1, 2, 'b.example'));
		p.push(answerFrame(T0 + 2, 1, 'a.example'));
		expect(events.map((e) => e.kind)).toEqual(['exchange']);
		expect(p.stats).toMatchObject({packets: 3, messages: 3, exchanges: 1, answered: 1, pending: 1});
		const summary = await p.flush({pcapDrops: 17});
		expect(events.map((e) => (e.kind === 'exchange' ? `${e.kind}:${e.status}` : e.kind))).toEqual(['exchange:answered', 'exchange:unanswered', 'name', 'name', 'summary']);
		expect(summary).toMatchObject({kind: 'summary', packets: 3, messages: 3, exchanges: 2, unanswered: 1, decodeErrors: 0, pcapDrops: 17});
	});

	it('reports a timeout on a quiet wire when the live capture ticks the clock', () => {
		const events: CaptureEvent[] = [];
		const p = createPipeline({onEvent: (e) => events.push(e), timeoutMs: 2000});
		p.push(askFrame(T0, 1, 'quiet.example'));
		p.tick(T0 + 1999);
		expect(events).toEqual([]);
		p.tick(T0 + 2001);
		expect(events).toMatchObject([{kind: 'exchange', status: 'unanswered', endedBy: 'timeout', qname: 'quiet.example'}]);
	});

	it('reads only the given ports when told, counting the rest as skipped', async () => {
		const events = await replay([askFrame(T0, 1, 'a.example'), askFrame(T0, 2, 'mdns.example', {...stub, destinationPort: 5353})], {ports: [53]});
		const summary = events.at(-1);
		expect(summary).toMatchObject({kind: 'summary', exchanges: 1, skipped: 1, decodeErrors: 0, reasons: {'other-port': 1}});
	});

	it('passes the process lookup through to the exchanges and the names', async () => {
		const events = await replay([askFrame(T0, 1, 'a.example'), answerFrame(T0 + 1, 1, 'a.example')], {attribute: () => ({pid: 77, comm: 'resolvectl'})});
		expect(events[0]).toMatchObject({kind: 'exchange', pid: 77, comm: 'resolvectl'});
		expect(events[1]).toMatchObject({kind: 'name', processes: [{pid: 77, comm: 'resolvectl'}]});
	});

	it('serialises every event as one NDJSON line in the issue’s contract', async () => {
		const frames = readPcap(readFileSync(new URL('../../fixtures/pcap/lo-udp.pcap', import.meta.url).pathname)).frames;
		const events = await replay(frames);
		const exchange = JSON.parse(JSON.stringify(events[0])) as Record<string, unknown>;
		for (const field of ['kind', 'client', 'server', 'transport', 'id', 'qname', 'qtype', 'rcode', 'answers', 'rttMs', 'status', 'pid', 'comm']) expect(exchange).toHaveProperty(field);
		const summary = JSON.parse(JSON.stringify(events.at(-1))) as Record<string, unknown>;
		for (const field of ['kind', 'packets', 'messages', 'exchanges', 'unanswered', 'decodeErrors', 'pcapDrops']) expect(summary).toHaveProperty(field);
	});
});

/** The part of the pcap package this test uses. */
interface PcapModule {
	createOfflineSession(path: string, options: {filter: string}): {
		readonly link_type: string;
		on(event: 'packet', listener: (raw: {buf: Buffer; header: Buffer}) => void): void;
		once(event: 'complete', listener: () => void): void;
		close(): void;
	};
}

describe('the pcap package as the frame source', () => {
	it('replays a fixture through libpcap (createOfflineSession) with the same events as the pure reader', async (ctx) => {
		// Through a variable: the package is an optional dependency, and its types must not be needed to type-check.
		const specifier = 'pcap';
		const pcap = await import(specifier).then((m: {default: PcapModule}) => m.default, () => null);
		if (pcap === null) {
			if (process.env.CI) throw new Error('the pcap package must load in CI (libpcap-dev, npm ci)');
			return ctx.skip('the optional pcap package is not installed');
		}
		for (const name of ['any-sll2.pcap', 'lo-tcp.pcap']) {
			const file = new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname;
			const fromLibpcap: CaptureEvent[] = [];
			const p = createPipeline({onEvent: (e) => fromLibpcap.push(e)});
			const session = pcap.createOfflineSession(file, {filter: ''});
			const type = linktypeFromPcapName(session.link_type);
			expect(type).not.toBeNull();
			session.on('packet', (raw) => p.push(frameFromPcapHeader(raw.header, raw.buf, type ?? -1)));
			await new Promise<void>((resolve) => session.once('complete', () => resolve()));
			session.close();
			await p.flush();
			const fromReader = await replay(readPcap(readFileSync(file)).frames);
			expect(fromLibpcap).toEqual(fromReader);
		}
	});
});
