// Classic pcap files: the writer's bytes, what tcpdump and tshark make of them, and the reader's byte orders and cuts.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {linktype} from '../../src/capture/link.js';
import {frameFromPcapHeader, frameTime, openPcapWriter, pcapHeader, pcapRecord, PcapFormatError, readPcap, type Frame} from '../../src/capture/pcap-file.js';
import {installed} from '../support/resolvers.js';
import {ethernet, frameAt, query, udpPacket} from '../support/capture-frames.js';

const dir = mkdtempSync(path.join(tmpdir(), 'he6-pcap-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const fixture = (name: string): string => new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname;

const ports = {source: '127.0.0.1', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 53};
const frame = (ms: number): Frame => frameAt(ms, linktype.ethernet, ethernet(udpPacket(ports, query(ms & 0xffff, 'w.example', 'A'))));

/** Big-endian classic pcap, written by hand: the byte order a SPARC or a PowerPC host writes. */
function bigEndianFile(nanos: boolean, frames: readonly Frame[]): Uint8Array {
	const header = Buffer.alloc(24);
	header.writeUInt32BE(nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
	header.writeUInt16BE(2, 4);
	header.writeUInt16BE(4, 6);
	header.writeUInt32BE(65535, 16);
	header.writeUInt32BE(linktype.ethernet, 20);
	const records = frames.map((f) => {
		const r = Buffer.alloc(16 + f.data.length);
		r.writeUInt32BE(f.seconds, 0);
		r.writeUInt32BE(nanos ? f.nanos : Math.floor(f.nanos / 1000), 4);
		r.writeUInt32BE(f.data.length, 8);
		r.writeUInt32BE(f.data.length, 12);
		r.set(f.data, 16);
		return r;
	});
	return Buffer.concat([header, ...records]);
}

describe('pcap writer', () => {
	it('writes the 24-byte global header of pcap-savefile(5)', () => {
		expect([...pcapHeader({linktype: linktype.linuxSll2})]).toEqual([
			0xd4, 0xc3, 0xb2, 0xa1, // magic, little-endian, microseconds
			0x02, 0x00, 0x04, 0x00, // version 2.4
			0, 0, 0, 0, //             thiszone
			0, 0, 0, 0, //             sigfigs
			0x00, 0x00, 0x04, 0x00, // snaplen 262144
			0x14, 0x01, 0x00, 0x00, // link type 276 (LINUX_SLL2)
		]);
		expect([...pcapHeader({linktype: 1, nanos: true}).subarray(0, 4)]).toEqual([0x4d, 0x3c, 0xb2, 0xa1]);
	});

	it('writes 16-byte record headers with µs or ns and cuts at the snaplen', () => {
		const f: Frame = {seconds: 0x01020304, nanos: 123_456_789, linktype: 1, data: Uint8Array.of(1, 2, 3, 4, 5), originalLength: 60};
		expect([...pcapRecord(f, {snaplen: 3})]).toEqual([4, 3, 2, 1, ...[123_456, 0, 0, 0].flatMap((n) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, 0]).slice(0, 4), 3, 0, 0, 0, 60, 0, 0, 0, 1, 2, 3]);
		const ns = pcapRecord(f, {nanos: true});
		expect(ns.readUInt32LE(4)).toBe(123_456_789);
	});

	it('round-trips through the reader, micro- and nanosecond files alike', () => {
		for (const nanos of [false, true]) {
			const file = path.join(dir, `rt-${nanos}.pcap`);
			const writer = openPcapWriter(file, {linktype: linktype.ethernet, nanos});
			const frames = [frame(1_700_000_000_123.456), frame(1_700_000_001_000.001)];
			for (const f of frames) writer.write(f);
			writer.close();
			expect(writer.frames).toBe(2);
			const read = readPcap(readFileSync(file));
			expect(read).toMatchObject({linktype: 1, nanos, error: null});
			expect(read.frames.map((f) => [...f.data])).toEqual(frames.map((f) => [...f.data]));
			// A µs file keeps the microseconds: the nanoseconds below them are lost.
			expect(read.frames.map((f) => [f.seconds, f.nanos])).toEqual(frames.map((f) => [f.seconds, nanos ? f.nanos : Math.floor(f.nanos / 1000) * 1000]));
		}
	});

	it('refuses a frame of another link type than the file’s, and writes after close', () => {
		const writer = openPcapWriter(path.join(dir, 'lt.pcap'), {linktype: linktype.ethernet});
		expect(() => writer.write({...frame(1), linktype: linktype.linuxSll})).toThrow(/link type 113/);
		writer.close();
		expect(() => writer.write(frame(1))).toThrow(/closed/);
	});

	for (const name of ['lo-tcp.pcap', 'any-sll2.pcap']) {
		it(`rewrites the ${name} fixture so that tcpdump -r prints it exactly as the original`, (ctx) => {
			if (!installed('tcpdump')) ctx.skip('tcpdump is not installed');
			const original = readPcap(readFileSync(fixture(name)));
			const copy = path.join(dir, name);
			const writer = openPcapWriter(copy, {linktype: original.linktype});
			for (const f of original.frames) writer.write(f);
			writer.close();
			const print = (file: string): string => execFileSync('tcpdump', ['-nn', '-r', file], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
			expect(print(copy)).toBe(print(fixture(name)));
		});
	}

	it('writes a file tshark reads, with every DNS query in it', (ctx) => {
		if (!installed('tshark')) ctx.skip('tshark is not installed');
		const file = path.join(dir, 'tshark.pcap');
		const writer = openPcapWriter(file, {linktype: linktype.ethernet});
		for (let i = 0; i < 5; i++) writer.write(frame(1_700_000_000_000 + i));
		writer.close();
		const out = execFileSync('tshark', ['-r', file, '-Y', 'dns.flags.response == 0', '-T', 'fields', '-e', 'dns.qry.name'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		expect(out.trim().split('\n')).toEqual(Array(5).fill('w.example'));
	});
});

describe('pcap reader', () => {
	it('reads big-endian files with µs and ns timestamps', () => {
		const frames = [frame(1_700_000_000_000.5), frame(1_700_000_000_002.25)];
		for (const nanos of [false, true]) {
			const read = readPcap(bigEndianFile(nanos, frames));
			expect(read).toMatchObject({linktype: 1, snaplen: 65535, nanos, error: null});
			expect(read.frames.map(frameTime)).toEqual(frames.map(frameTime));
		}
	});

	it('keeps the frames before a cut and says where the file was cut', () => {
		const whole = bigEndianFile(false, [frame(1000), frame(2000), frame(3000)]);
		const record = 16 + frame(0).data.length;
		const inData = readPcap(whole.subarray(0, 24 + 2 * record + 20));
		expect(inData.frames).toHaveLength(2);
		expect(inData.error).toEqual({offset: 24 + 2 * record, detail: `record data cut off after 4 of ${record - 16} bytes`});
		const inHeader = readPcap(whole.subarray(0, 24 + record + 7));
		expect(inHeader.frames).toHaveLength(1);
		expect(inHeader.error?.detail).toBe('record header cut off after 7 of 16 bytes');
	});

	it('stops at a record longer than any snaplen (a corrupt file), keeping what came before', () => {
		const bytes = Buffer.from(bigEndianFile(false, [frame(1000), frame(2000)]));
		bytes.writeUInt32BE(0x7fffffff, 24 + 16 + frame(0).data.length + 8);
		const read = readPcap(bytes);
		expect(read.frames).toHaveLength(1);
		expect(read.error?.detail).toMatch(/exceeds the snapshot length/);
	});

	it('refuses what is not classic pcap, naming pcapng', () => {
		expect(() => readPcap(new Uint8Array(10))).toThrow(PcapFormatError);
		expect(() => readPcap(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...Array(28).fill(0)]))).toThrow(/pcapng/);
		const garbage = path.join(dir, 'garbage');
		writeFileSync(garbage, 'not a capture file at all, clearly');
		expect(() => readPcap(readFileSync(garbage))).toThrow(/not a pcap file/);
	});

	it('reads every fixture as far as tcpdump does', (ctx) => {
		if (!installed('tcpdump')) ctx.skip('tcpdump is not installed');
		for (const name of ['lo-udp.pcap', 'lo-tcp.pcap', 'any-sll2.pcap', 'tc-tcp.pcap', 'unanswered.pcap', 'getaddrinfo-pairs.pcap']) {
			const read = readPcap(readFileSync(fixture(name)));
			const lines = execFileSync('tcpdump', ['-nn', '-r', fixture(name)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim().split('\n');
			expect(read.error, name).toBeNull();
			expect(read.frames.length, name).toBe(lines.length);
		}
	});
});

describe('frameFromPcapHeader', () => {
	it('reads struct pcap_pkthdr as the pcap package copies it, in host order, and views the buffer up to caplen', () => {
		const header = Buffer.alloc(16);
		header.writeUInt32LE(1_700_000_000, 0); // tv_sec
		header.writeUInt32LE(250_001, 4); //       tv_usec
		header.writeUInt32LE(3, 8); //             caplen
		header.writeUInt32LE(1514, 12); //         len
		const buf = Buffer.from([9, 8, 7, 6, 5]);
		const f = frameFromPcapHeader(header, buf, 1, true);
		expect(f).toMatchObject({seconds: 1_700_000_000, nanos: 250_001_000, linktype: 1, originalLength: 1514});
		expect([...f.data]).toEqual([9, 8, 7]);
		expect(f.data.buffer).toBe(buf.buffer); // a view, not a copy
	});
});
