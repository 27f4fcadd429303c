// The batched UDP socket (native/udp-batch.c through src/transport/udp-batch.ts) against node:dgram peers on loopback.
import dgram from 'node:dgram';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {addonCandidates, loadAddon, UdpBatchSocket, type UdpBatchAddon} from '../../src/transport/udp-batch.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = path.join(root, 'dist', 'udp-batch.node');
const addon = existsSync(built) ? loadAddon(built) : null;
// CI builds it (the global setup fails there without it); elsewhere a machine without a compiler skips, saying so.
const withAddon = addon === null ? test.skip : test;
if (addon === null) console.warn(`udp-batch.test: ${built} not built (npm run build needs python3, make and a C compiler); the batch uses node:dgram`);

const closers: (() => void)[] = [];
afterEach(() => {
	for (const close of closers.splice(0)) close();
});

/** A loopback peer that answers each datagram with `reply(datagram)` (or not, for null). */
async function peer(type: 'udp4' | 'udp6', reply: (message: Buffer) => Buffer | null): Promise<{port: number; received: Buffer[]}> {
	const socket = dgram.createSocket(type);
	const received: Buffer[] = [];
	socket.on('message', (message, from) => {
		received.push(message);
		const answer = reply(message);
		if (answer !== null) socket.send(answer, from.port, from.address);
	});
	await new Promise<void>((resolve) => socket.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', resolve));
	closers.push(() => socket.close());
	return {port: socket.address().port, received};
}

function open(a: UdpBatchAddon, host: string, port: number, onMessage: (bytes: Buffer) => void, onError: (code: string) => void = () => {}): UdpBatchSocket {
	const socket = new UdpBatchSocket(a, host, port, 1 << 20, onMessage, onError);
	closers.push(() => socket.close());
	return socket;
}

const until = async (done: () => boolean, ms = 5000): Promise<void> => {
	const end = Date.now() + ms;
	while (!done()) {
		if (Date.now() > end) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
};

describe('UdpBatchSocket', () => {
	withAddon('300 queries in one turn leave in batches and every reply comes back byte for byte, sizes up to 60,000 bytes', async () => {
		const a = addon as UdpBatchAddon;
		// Each reply: the query's 2-byte tag, then a size the tag decides, filled with a pattern.
		const size = (tag: number): number => (tag % 50 === 0 ? 60_000 : 2 + (tag % 1400));
		const server = await peer('udp4', (message) => {
			const tag = message.readUInt16BE(0);
			const out = Buffer.alloc(size(tag));
			out.writeUInt16BE(tag, 0);
			for (let i = 2; i < out.length; i++) out[i] = (tag + i) & 0xff;
			return out;
		});
		const seen = new Map<number, boolean>();
		const socket = open(a, '127.0.0.1', server.port, (bytes) => {
			const tag = bytes.readUInt16BE(0);
			let ok = bytes.length === size(tag);
			for (let i = 2; ok && i < bytes.length; i++) ok = bytes[i] === ((tag + i) & 0xff);
			seen.set(tag, ok);
		});
		// Three turns of 100, so the replies never outrun the receive buffer (a drop would be the kernel's, not ours).
		for (let round = 0; round < 3; round++) {
			for (let tag = round * 100; tag < round * 100 + 100; tag++) {
				const query = Buffer.alloc(40);
				query.writeUInt16BE(tag, 0);
				socket.send(query);
			}
			await until(() => seen.size === round * 100 + 100);
		}
		expect([...seen.values()].every(Boolean)).toBe(true);
		expect(server.received.map((m) => m.length)).toEqual(Array(300).fill(40));
		expect(socket.unsent).toBe(0);
	});

	withAddon('the sends of one turn wait for the turn to end (one sendmmsg), a full batch of 64 goes at once', async () => {
		const a = addon as UdpBatchAddon;
		const server = await peer('udp4', () => null);
		const socket = open(a, '127.0.0.1', server.port, () => {});
		for (let i = 0; i < 70; i++) socket.send(Buffer.from([i, 0, 0]));
		// 64 left synchronously; the other 6 wait for the microtask.
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(server.received.map((m) => m[0])).toEqual(Array.from({length: 70}, (_, i) => i));
	});

	withAddon('IPv6: ::1, connected — a datagram from another port is not delivered', async () => {
		const a = addon as UdpBatchAddon;
		const server = await peer('udp6', (m) => m);
		const got: string[] = [];
		const socket = open(a, '::1', server.port, (bytes) => got.push(bytes.toString()));
		// A stranger learns our port and sends to it: the kernel drops it (RFC 5452's address and port check).
		const stranger = dgram.createSocket('udp6');
		closers.push(() => stranger.close());
		await new Promise<void>((resolve) => stranger.bind(0, '::1', resolve));
		stranger.send('spoof', socket.localPort(), '::1');
		socket.send(Buffer.from('echo'));
		await until(() => got.length === 1);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(got).toEqual(['echo']);
		expect(socket.recvBufferSize()).toBeGreaterThanOrEqual(2 * 1024);
	});

	withAddon('a closed port: the ICMP error is reported by name, and the socket reads on', async () => {
		const a = addon as UdpBatchAddon;
		const gone = await peer('udp4', () => null);
		const port = gone.port;
		closers.pop()?.();
		const errors: string[] = [];
		const got: string[] = [];
		const socket = open(a, '127.0.0.1', port, (bytes) => got.push(bytes.toString()), (code) => errors.push(code));
		socket.send(Buffer.from('anyone?'));
		await until(() => errors.length > 0);
		expect(errors).toEqual(['ECONNREFUSED']);
		// Someone binds the port again (UDP has no TIME_WAIT): the same socket gets the answer.
		const back = dgram.createSocket('udp4');
		closers.push(() => back.close());
		back.on('message', (message, from) => back.send(message, from.port, from.address));
		await new Promise<void>((resolve) => back.bind(port, '127.0.0.1', resolve));
		socket.send(Buffer.from('now?'));
		await until(() => got.length === 1);
		expect(got).toEqual(['now?']);
		expect(errors).toEqual(['ECONNREFUSED']);
	});

	withAddon('closing inside the callback: no callback after it, the rest of the batch is dropped', async () => {
		const a = addon as UdpBatchAddon;
		const server = await peer('udp4', (m) => m);
		let calls = 0;
		const socket = open(a, '127.0.0.1', server.port, () => {
			calls++;
			socket.close();
		});
		for (let i = 0; i < 20; i++) socket.send(Buffer.from([i]));
		await until(() => server.received.length === 20);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(calls).toBe(1);
		socket.send(Buffer.from('after close'));
		socket.close();
	});

	withAddon('the addon itself: a closed handle is refused with EBADF, not used (it stays valid until JS lets go of it)', async () => {
		const a = addon as UdpBatchAddon;
		const server = await peer('udp4', () => null);
		const arena = new Uint8Array(a.BATCH * a.RECV_SLOT);
		const handle = a.open('127.0.0.1', server.port, 0, arena, new Uint32Array(a.BATCH), new Uint8Array(a.BATCH * a.SEND_SLOT), new Uint32Array(a.BATCH), () => {});
		a.close(handle);
		// After libuv has closed the poll handle, too.
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(() => a.send(handle, 1)).toThrow(/closed/);
		expect(() => a.localPort(handle)).toThrow(/closed/);
		expect(() => a.close(handle)).not.toThrow();
		expect(() => a.send({} as object, 1)).toThrow(/socket handle was expected/);
	});

	withAddon('what it refuses, it says: a name instead of an address, an oversized query', async () => {
		const a = addon as UdpBatchAddon;
		expect(() => open(a, 'localhost', 53, () => {})).toThrow(/not a numeric address/);
		const server = await peer('udp4', () => null);
		const socket = open(a, '127.0.0.1', server.port, () => {});
		expect(() => socket.send(new Uint8Array(a.SEND_SLOT + 1))).toThrow(/over the 512-byte slot/);
	});
});

describe('addonCandidates', () => {
	test('HE6_DNS_UDP_ADDON wins; else next to the command, then the checkout build', () => {
		expect(addonCandidates({HE6_DNS_UDP_ADDON: '/x/y.node'}, '/anything')).toEqual(['/x/y.node']);
		const main = path.join(root, 'package.json');
		expect(addonCandidates({}, main)).toEqual([path.join(root, 'udp-batch.node'), path.join(root, '..', 'native', 'build', 'Release', 'udp_batch.node')]);
		expect(addonCandidates({}, '/no/such/file')).toEqual([]);
		expect(addonCandidates({}, '')).toEqual([]);
	});

	test('a missing or foreign file is no addon, not an error', () => {
		expect(loadAddon('/no/such/udp-batch.node')).toBeNull();
		expect(loadAddon(path.join(root, 'package.json'))).toBeNull();
	});
});
