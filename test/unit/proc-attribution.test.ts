// Process attribution: /proc/net socket tables and fd links parsed from a fake /proc, then the real one with this process's own socket.
import dgram from 'node:dgram';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {createProcAttribution, localAddressTest, unknownProcess} from '../../src/capture-live/proc-attribution.js';
import {decodeProcAddress, findSocket, parseProcNet, socketInode} from '../../src/capture-live/proc-net.js';

const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
// 127.0.0.1:47624 (dig's socket, connected to 127.0.0.1:53), 0.0.0.0:5353 (a wildcard bind), a TIME_WAIT row without inode.
const udp = [
	header,
	'   15: 0100007F:BA08 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 0',
	'   16: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 5151 2 0000000000000000 0',
	'   17: 0100007F:0BB8 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 0 2 0000000000000000 0',
	'garbage line',
].join('\n');
// [::1]:40000 → [::1]:53, and a v4-mapped 127.0.0.1:41000 on a dual-stack socket.
const udp6 = [
	header,
	'    1: 00000000000000000000000001000000:9C40 00000000000000000000000001000000:0035 01 00000000:00000000 00:00000000 00000000  1000        0 6161 2 0000000000000000 0',
	'    2: 0000000000000000FFFF00000100007F:A028 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 7171 2 0000000000000000 0',
].join('\n');

describe('/proc/net parsing', () => {
	it('decodes little-endian words (this machine) and big-endian ones', () => {
		expect(decodeProcAddress('0100007F:0035', true)).toEqual({address: '127.0.0.1', port: 53});
		expect(decodeProcAddress('7F000001:0035', false)).toEqual({address: '127.0.0.1', port: 53});
		expect(decodeProcAddress('00000000000000000000000001000000:9C40', true)).toEqual({address: '::1', port: 40000});
		expect(decodeProcAddress('0000000000000000FFFF00000100007F:A028', true)).toEqual({address: '::ffff:127.0.0.1', port: 41000});
		expect(decodeProcAddress('B80D0120000000000000000001000000:0035', true)?.address).toBe('2001:db8::1');
		expect(decodeProcAddress('zz:1', true)).toBeNull();
		expect(decodeProcAddress('0100007F', true)).toBeNull();
	});

	it('reads rows (local, remote, state, uid, inode) and skips the header and garbage', () => {
		const rows = parseProcNet(udp, true);
		expect(rows.map((r) => [r.local.address, r.local.port, r.remote.port, r.state, r.uid, r.inode])).toEqual([
			['127.0.0.1', 47624, 53, 1, 0, 4242],
			['0.0.0.0', 5353, 0, 7, 101, 5151],
			['127.0.0.1', 3000, 0, 7, 0, 0],
		]);
	});

	it('finds a client socket: exact address first, then a wildcard bind, then v4-mapped; never an inode 0', () => {
		const rows = [...parseProcNet(udp, true), ...parseProcNet(udp6, true)];
		expect(findSocket(rows, {address: '127.0.0.1', port: 47624})?.inode).toBe(4242);
		expect(findSocket(rows, {address: '192.0.2.2', port: 5353})?.inode).toBe(5151);
		expect(findSocket(rows, {address: '::1', port: 40000}, {address: '::1', port: 53})?.inode).toBe(6161);
		expect(findSocket(rows, {address: '127.0.0.1', port: 41000})?.inode).toBe(7171);
		expect(findSocket(rows, {address: '127.0.0.1', port: 3000})).toBeNull();
		expect(findSocket(rows, {address: '127.0.0.1', port: 1})).toBeNull();
	});

	it('reads socket inodes from fd links only', () => {
		expect(socketInode('socket:[4242]')).toBe(4242);
		expect(socketInode('pipe:[4242]')).toBeNull();
		expect(socketInode('/dev/null')).toBeNull();
	});
});

/** A fake /proc: the tables above, pid 300 (dig) owning 4242, pid 20 (a daemon) owning 5151. */
function fakeProc(): string {
	const root = mkdtempSync(join(tmpdir(), 'he6-proc-'));
	mkdirSync(join(root, 'net'));
	writeFileSync(join(root, 'net', 'udp'), udp);
	writeFileSync(join(root, 'net', 'udp6'), udp6);
	writeFileSync(join(root, 'net', 'tcp'), header + '\n');
	const proc = (pid: number, comm: string, links: string[]): void => {
		mkdirSync(join(root, String(pid), 'fd'), {recursive: true});
		writeFileSync(join(root, String(pid), 'comm'), `${comm}\n`);
		links.forEach((link, fd) => symlinkSync(link, join(root, String(pid), 'fd', String(fd))));
	};
	proc(20, 'avahi-daemon', ['/dev/null', 'socket:[5151]']);
	proc(300, 'dig', ['/dev/null', 'pipe:[1]', 'socket:[4242]']);
	proc(301, 'bash', ['/dev/tty']);
	mkdirSync(join(root, 'self'));
	return root;
}

describe('createProcAttribution on a fake /proc', () => {
	const root = fakeProc();
	afterAll(() => rmSync(root, {recursive: true, force: true}));
	const local = (address: string): boolean => address !== '203.0.113.9';

	it('goes from client port to inode to pid and comm', () => {
		const attribute = createProcAttribution({procRoot: root, isLocal: local});
		expect(attribute({address: '127.0.0.1', port: 47624, scope: null}, 'udp')).toEqual({pid: 300, comm: 'dig'});
		expect(attribute({address: '192.0.2.2', port: 5353, scope: null}, 'udp')).toEqual({pid: 20, comm: 'avahi-daemon'});
	});

	it('says unknown for a local socket that is gone, and nothing for a client that is not this host', () => {
		const attribute = createProcAttribution({procRoot: root, isLocal: local});
		expect(attribute({address: '127.0.0.1', port: 9, scope: null}, 'udp')).toEqual(unknownProcess);
		expect(attribute({address: '127.0.0.1', port: 47624, scope: null}, 'tcp')).toEqual(unknownProcess);
		expect(attribute({address: '203.0.113.9', port: 47624, scope: null}, 'udp')).toBeNull();
	});

	it('reuses an answer per port for the TTL, then looks again', () => {
		let now = 1000;
		const attribute = createProcAttribution({procRoot: root, isLocal: local, ttlMs: 500, now: () => now});
		const client = {address: '127.0.0.1', port: 47624, scope: null};
		expect(attribute(client, 'udp')?.pid).toBe(300);
		rmSync(join(root, '300'), {recursive: true}); // dig exits
		now += 400;
		expect(attribute(client, 'udp')?.pid).toBe(300);
		now += 200;
		expect(attribute(client, 'udp')).toEqual(unknownProcess);
	});
});

describe('createProcAttribution on this machine', () => {
	it('finds this test process behind its own open UDP socket (IPv4 and IPv6)', async () => {
		const comm = readFileSync('/proc/self/comm', 'utf8').trim();
		const attribute = createProcAttribution();
		for (const [type, address] of [['udp4', '127.0.0.1'], ['udp6', '::1']] as const) {
			const socket = dgram.createSocket(type);
			await new Promise<void>((resolve) => socket.bind(0, address, resolve));
			try {
				const port = socket.address().port;
				expect(attribute({address, port, scope: null}, 'udp')).toEqual({pid: process.pid, comm});
			} finally {
				socket.close();
			}
		}
	});

	it('knows loopback and this host as local, not a documentation address', () => {
		const isLocal = localAddressTest();
		expect(isLocal('127.0.0.1')).toBe(true);
		expect(isLocal('127.3.4.5')).toBe(true);
		expect(isLocal('::1')).toBe(true);
		expect(isLocal('::ffff:127.0.0.1')).toBe(true);
		expect(isLocal('203.0.113.9')).toBe(false);
		expect(isLocal('not an address')).toBe(false);
	});
});
