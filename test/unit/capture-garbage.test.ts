// Garbled, truncated and random frames through the pipeline: every one counted, none thrown.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {linktype} from '../../src/capture/link.js';
import {readPcap, type Frame} from '../../src/capture/pcap-file.js';
import {createPipeline, type Pipeline} from '../../src/core/capture-pipeline.js';
import type {CaptureEvent} from '../../src/capture/events.js';
import {frameAt, link, rng, tcpPacket, udpPacket} from '../support/capture-frames.js';

const fixtureFrames = (name: string): Frame[] => readPcap(readFileSync(new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname)).frames;
const allFixtureFrames = ['lo-udp.pcap', 'lo-tcp.pcap', 'any-sll2.pcap', 'tc-tcp.pcap', 'getaddrinfo-pairs.pcap'].flatMap(fixtureFrames);

function pipeline(): {p: Pipeline; events: CaptureEvent[]} {
	const events: CaptureEvent[] = [];
	return {p: createPipeline({onEvent: (e) => events.push(e)}), events};
}

/** Every frame is accounted for: a message, a decode error, a skip, or a TCP segment that carried no full message. */
function accounted(p: Pipeline, pushed: number): void {
	const s = p.stats;
	expect(s.packets).toBe(pushed);
	expect(Object.values(s.reasons).reduce((a, b) => a + b, 0)).toBe(s.decodeErrors + s.skipped);
}

describe('garbage in', () => {
	it('takes every fixture frame cut at every length without a throw, counting the cuts as errors', async () => {
		const {p} = pipeline();
		let pushed = 0;
		for (const frame of allFixtureFrames.slice(0, 40)) {
			for (let length = 0; length < frame.data.length; length++) {
				p.push({...frame, data: frame.data.subarray(0, length)});
				pushed++;
			}
		}
		accounted(p, pushed);
		expect(p.stats.decodeErrors).toBeGreaterThan(pushed / 2);
		expect(p.stats.reasons).toHaveProperty('short-link-header');
		expect(p.stats.reasons).toHaveProperty('ip-truncated');
		await p.flush();
	});

	it('takes 5000 fixture frames with random bytes flipped (seeded)', async () => {
		const random = rng(42);
		const {p, events} = pipeline();
		for (let i = 0; i < 5000; i++) {
			const frame = allFixtureFrames[i % allFixtureFrames.length];
			if (frame === undefined) continue;
			const data = frame.data.slice();
			for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) data[Math.floor(random() * data.length)] = Math.floor(random() * 256);
			p.push({...frame, seconds: frame.seconds + i, data});
		}
		accounted(p, 5000);
		const summary = await p.flush();
		expect(summary.packets).toBe(5000);
		expect(events.at(-1)).toBe(summary);
	});

	it('takes 2000 frames of random bytes on every supported link type (seeded)', async () => {
		const random = rng(7);
		const {p} = pipeline();
		const types = [linktype.ethernet, linktype.linuxSll, linktype.linuxSll2, linktype.raw, linktype.null, linktype.loop, 228, 229, 12];
		for (let i = 0; i < 2000; i++) {
			const data = Uint8Array.from({length: Math.floor(random() * 120)}, () => Math.floor(random() * 256));
			p.push(frameAt(1_700_000_000_000 + i, types[i % types.length] ?? 1, data));
		}
		accounted(p, 2000);
		await p.flush();
	});

	it('counts a UDP datagram to port 53 that is not DNS as a decode error, by the wire error kind', () => {
		const {p} = pipeline();
		const ports = {source: '127.0.0.1', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 53};
		p.push(frameAt(1, linktype.raw, udpPacket(ports, Uint8Array.of(1, 2, 3))));
		p.push(frameAt(2, linktype.raw, udpPacket(ports, Uint8Array.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0]))));
		expect(p.stats.reasons).toEqual({'dns-short-header': 1, 'dns-counts-exceed-length': 1});
		expect(p.stats.decodeErrors).toBe(2);
	});

	it('takes random TCP segments on a few connections with bounded state and no throw', async () => {
		const random = rng(99);
		const events: CaptureEvent[] = [];
		const p = createPipeline({onEvent: (e) => events.push(e), tcp: {maxStreams: 8, maxBufferedBytes: 4096}});
		for (let i = 0; i < 3000; i++) {
			const ports = {source: '10.0.0.1', sourcePort: 1000 + Math.floor(random() * 20), destination: '10.0.0.2', destinationPort: 53};
			const payload = Uint8Array.from({length: Math.floor(random() * 300)}, () => Math.floor(random() * 256));
			const flags = [0x18, 0x18, 0x18, 0x10, 0x02, 0x11, 0x04][Math.floor(random() * 7)] ?? 0x18;
			p.push(frameAt(1_700_000_000_000 + i, linktype.raw, tcpPacket(ports, {seq: Math.floor(random() * 0xffffffff), flags}, payload)));
		}
		accounted(p, 3000);
		const summary = await p.flush();
		expect(summary.packets).toBe(3000);
	});

	it('replays a fixture with a frame of an unknown link type mixed in, counting it', async () => {
		const {p} = pipeline();
		const frames = fixtureFrames('lo-udp.pcap');
		for (const f of frames) p.push(f);
		p.push({...frameAt(1, 1, new Uint8Array(40)), linktype: 147}); // LINKTYPE_USER0
		const summary = await p.flush();
		expect(summary).toMatchObject({exchanges: 7, decodeErrors: 1, reasons: {'unsupported-linktype': 1}});
	});

	it('gives the same events for the same frames, twice (replays are deterministic)', async () => {
		const run = async (): Promise<string> => {
			const {p, events} = pipeline();
			for (const f of fixtureFrames('getaddrinfo-pairs.pcap')) p.push(f);
			await p.flush();
			return JSON.stringify(events);
		};
		expect(await run()).toBe(await run());
	});

	it('wraps each fixture frame in other link types and gets the same exchanges', async () => {
		const base = fixtureFrames('lo-udp.pcap');
		const strip = (f: Frame): Uint8Array => f.data.subarray(14); // the Ethernet header
		const summaries = [];
		for (const type of [linktype.raw, linktype.null, linktype.loop, linktype.linuxSll, linktype.linuxSll2]) {
			const {p} = pipeline();
			for (const f of base) p.push({...f, linktype: type, data: link(type, strip(f))});
			summaries.push(await p.flush());
		}
		expect(summaries.map((s) => [s.exchanges, s.decodeErrors])).toEqual(Array(5).fill([7, 0]));
	});
});
