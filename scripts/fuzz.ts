// The long fuzz run (issue 7): a million inputs per decoder, rejects counted by kind, the slowest input timed.
// Usage: npx tsx scripts/fuzz.ts [inputs per target, default 1000000]
import {randomBytes} from 'node:crypto';
import {readFileSync, readdirSync} from 'node:fs';
import {decodeIp} from '../src/capture/ip.js';
import {decodeLink} from '../src/capture/link.js';
import {readPcap, type Frame} from '../src/capture/pcap-file.js';
import {createPipeline} from '../src/core/capture-pipeline.js';
import {decodeMessage} from '../src/wire/codec.js';
import {decodeMessageLean} from '../src/wire/lean-decode.js';
import {seedMessages} from '../test/support/dns-corpus.js';

const perTarget = Number(process.argv[2] ?? 1_000_000);

interface Tally {
	tried: number;
	accepted: number;
	rejects: Map<string, number>;
	maxMs: number;
	totalMs: number;
}

function run(name: string, make: (i: number) => Uint8Array, decode: (bytes: Uint8Array) => string | null): Tally {
	const tally: Tally = {tried: 0, accepted: 0, rejects: new Map(), maxMs: 0, totalMs: 0};
	for (let i = 0; i < perTarget; i++) {
		const input = make(i);
		const started = performance.now();
		let reject: string | null;
		try {
			reject = decode(input);
		} catch (error) {
			// A throw is a bug: report it with the input and stop.
			console.error(`${name}: threw on input ${Buffer.from(input).toString('hex')}: ${String(error)}`);
			process.exit(1);
		}
		const ms = performance.now() - started;
		tally.tried++;
		tally.totalMs += ms;
		if (ms > tally.maxMs) tally.maxMs = ms;
		if (reject === null) tally.accepted++;
		else tally.rejects.set(reject, (tally.rejects.get(reject) ?? 0) + 1);
	}
	const rejects = [...tally.rejects].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
	console.log(`${name}: ${tally.tried} inputs, ${tally.accepted} accepted, rejects: ${rejects}; mean ${(tally.totalMs / tally.tried * 1000).toFixed(1)} µs, max ${tally.maxMs.toFixed(2)} ms`);
	return tally;
}

const pool = randomBytes(64 * 1024 * 1024);
let offset = 0;
const take = (n: number): Buffer => {
	if (offset + n > pool.length) offset = 0;
	const out = pool.subarray(offset, offset + n);
	offset += n;
	return out;
};

const dns = (bytes: Uint8Array): string | null => {
	const decoded = decodeMessage(bytes);
	return decoded.ok ? null : decoded.error.kind;
};

// The hot-path reader (capture and the batch's lean lane); what it declines goes to decodeMessage.
const dnsLean = (bytes: Uint8Array): string | null => {
	const decoded = decodeMessageLean(bytes);
	return decoded.ok ? null : decoded.error.kind;
};
const mutatedSeed = (i: number): Uint8Array => {
	const seed = Buffer.from(seedMessages[i % seedMessages.length] as Buffer);
	const flips = 1 + (take(1)[0] ?? 0) % 8;
	for (let k = 0; k < flips; k++) {
		const r = take(3);
		seed[((r[0] ?? 0) << 8 | (r[1] ?? 0)) % seed.length] = r[2] ?? 0;
	}
	return seed;
};
const truncatedSeed = (i: number): Uint8Array => {
	const seed = seedMessages[i % seedMessages.length] as Buffer;
	return seed.subarray(0, (take(2).readUInt16BE(0)) % seed.length);
};
run('dns random', (i) => take(i % 512), dns);
run('dns mutated', mutatedSeed, dns);
run('dns truncated', truncatedSeed, dns);
run('dns lean random', (i) => take(i % 512), dnsLean);
run('dns lean mutated', mutatedSeed, dnsLean);
run('dns lean truncated', truncatedSeed, dnsLean);

// Link/IP/UDP/TCP: real frames from the fixtures, mutated and cut, on every link type we decode.
const fixtureDir = new URL('../fixtures/pcap/', import.meta.url);
const realFrames: Frame[] = readdirSync(fixtureDir)
	.filter((f) => f.endsWith('.pcap'))
	.flatMap((f) => readPcap(readFileSync(new URL(f, fixtureDir))).frames);
const linktypes = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];
const frame = (bytes: Uint8Array, type: number): string | null => {
	const link = decodeLink(type, bytes);
	if (!link.ok) return link.error;
	const ip = decodeIp(link.value);
	return ip.ok ? null : ip.error;
};
run('frames random', (i) => take(i % 200), (bytes) => frame(bytes, linktypes[bytes.length % linktypes.length] ?? 1));
run('frames mutated', (i) => {
	const real = realFrames[i % realFrames.length] as Frame;
	const bytes = Buffer.from(real.data);
	const flips = 1 + ((take(1)[0] ?? 0) % 6);
	for (let k = 0; k < flips; k++) {
		const r = take(3);
		bytes[(((r[0] ?? 0) << 8) | (r[1] ?? 0)) % bytes.length] = r[2] ?? 0;
	}
	return bytes.subarray(0, bytes.length - ((take(1)[0] ?? 0) % 8));
}, (bytes) => frame(bytes, 1));

// The whole pipeline (pairing, TCP reassembly, inventory) on mutated frames in random order.
{
	const pipeline = createPipeline({onEvent: () => undefined, selection: null});
	const started = performance.now();
	let maxMs = 0;
	for (let i = 0; i < perTarget; i++) {
		const real = realFrames[(take(2).readUInt16BE(0)) % realFrames.length] as Frame;
		const data = Buffer.from(real.data);
		if (i % 2 === 0) data[(take(2).readUInt16BE(0)) % data.length] = take(1)[0] ?? 0;
		const t0 = performance.now();
		pipeline.push({...real, seconds: real.seconds + Math.floor(i / 1000), data});
		maxMs = Math.max(maxMs, performance.now() - t0);
	}
	const summary = await pipeline.flush({pcapDrops: 0});
	console.log(`pipeline: ${perTarget} frames in ${((performance.now() - started) / 1000).toFixed(1)} s, max ${maxMs.toFixed(2)} ms per frame; summary ${JSON.stringify(summary)}`);
}
