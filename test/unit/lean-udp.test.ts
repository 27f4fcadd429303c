// The batch's lean lane (src/transport/lean-udp.ts) against a node:dgram peer on loopback: which socket each pair leaves on.
import dgram from 'node:dgram';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import dnsPacket from 'dns-packet';
import {afterEach, describe, expect, test, vi} from 'vitest';
import type {Endpoint} from '../../src/transport/endpoint.js';
import type {TryOutcome} from '../../src/transport/reply.js';
import {wireName} from '../../src/wire/lean-query.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = path.join(root, 'dist', 'udp-batch.node');
// CI builds it (the global setup fails there without it); elsewhere a machine without a compiler skips, saying so.
const withAddon = existsSync(built) ? test : test.skip;
if (!existsSync(built)) console.warn(`lean-udp.test: ${built} not built (npm run build needs python3, make and a C compiler); the batched-socket cases skip`);

const closers: (() => void)[] = [];
afterEach(() => {
	for (const close of closers.splice(0)) close();
	vi.unstubAllEnvs();
	vi.resetModules();
});

/** A loopback resolver that answers every query NOERROR with no records, noting the source port of each (in arrival order). */
async function peer(): Promise<{server: Endpoint; ports: number[]}> {
	const socket = dgram.createSocket('udp4');
	const ports: number[] = [];
	socket.on('message', (message, from) => {
		ports.push(from.port);
		const query = dnsPacket.decode(message);
		socket.send(dnsPacket.encode({id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: query.questions}), from.port, from.address);
	});
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
	closers.push(() => socket.close());
	return {server: {address: '127.0.0.1', port: socket.address().port, scope: null}, ports};
}

/** The lane module fresh, with the addon from dist/ or node:dgram's sockets (udpBatchAddon is decided once per module). */
async function lane(server: Endpoint, io: 'recvmmsg' | 'dgram') {
	if (io === 'dgram') vi.stubEnv('HE6_DNS_UDP', 'dgram');
	else vi.stubEnv('HE6_DNS_UDP_ADDON', built);
	vi.resetModules();
	const {LeanUdp} = await import('../../src/transport/lean-udp.js');
	const lean = new LeanUdp(server, 2000, 4, 1 << 20);
	await lean.open();
	closers.push(() => lean.close());
	expect(lean.io).toBe(io);
	return lean;
}

/** `turns` turns of the event loop, each sending `pairs` A+AAAA pairs; the sockets picked, per turn, and every try's outcome. */
async function sendTurns(lean: Awaited<ReturnType<typeof lane>>, turns: number, pairs: number): Promise<{picked: number[][]; outcomes: TryOutcome[]}> {
	const picked: number[][] = [];
	const outcomes: TryOutcome[] = [];
	const settled = new Promise<void>((resolve) => {
		const done = (outcome: TryOutcome): void => {
			outcomes.push(outcome);
			if (outcomes.length === turns * pairs * 2) resolve();
		};
		const turn = (t: number): void => {
			const ats: number[] = [];
			for (let p = 0; p < pairs; p++) {
				const name = `n${t}-${p}.example`;
				const at = lean.pick();
				ats.push(at);
				lean.ask(at, {name, type: 'A'}, wireName(name), false, false, done);
				lean.ask(at, {name, type: 'AAAA'}, wireName(name), false, false, done);
			}
			picked.push(ats);
			if (t + 1 < turns) setImmediate(() => turn(t + 1));
		};
		turn(0);
	});
	await settled;
	return {picked, outcomes};
}

describe('LeanUdp.pick', () => {
	withAddon('batched sockets: every pair of a turn leaves on one socket (one sendmmsg), the next turn on the next', async () => {
		const {server, ports} = await peer();
		const lean = await lane(server, 'recvmmsg');
		const {picked, outcomes} = await sendTurns(lean, 8, 5);
		expect(outcomes.every((o) => o.kind === 'reply')).toBe(true);
		for (const ats of picked) expect(new Set(ats).size).toBe(1);
		const perTurn = picked.map((ats) => ats[0]);
		// Consecutive turns differ, and eight turns go round all four sockets twice.
		for (let t = 1; t < perTurn.length; t++) expect(perTurn[t]).not.toBe(perTurn[t - 1]);
		expect(new Set(perTurn).size).toBe(4);
		// On the wire: four source ports, and each turn's ten queries came from one of them, together.
		expect(new Set(ports).size).toBe(4);
		for (let t = 0; t < 8; t++) expect(new Set(ports.slice(t * 10, t * 10 + 10)).size).toBe(1);
	});

	test('node:dgram sockets: one datagram a call anyway, so the socket rotates per pair', async () => {
		const {server, ports} = await peer();
		const lean = await lane(server, 'dgram');
		const {picked, outcomes} = await sendTurns(lean, 2, 4);
		expect(outcomes.every((o) => o.kind === 'reply')).toBe(true);
		for (const ats of picked) expect(new Set(ats).size).toBe(4);
		expect(new Set(ports).size).toBe(4);
	});
});
