// The batched probe (reused sockets, connect without an event; the addon's probe) gives each destination what a fresh socket's probe gives.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {probeSource, probeSources} from '../../src/host/source-probe.js';
import {expectedRouted, runComparison} from '../support/probe-routes.js';

const withoutFds = fileURLToPath(new URL('../support/probe-without-fds.mts', import.meta.url));
const built = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'udp-batch.node');
// CI builds it (the global setup fails there without it); elsewhere a machine without a compiler skips, saying so.
const withAddon = existsSync(built) ? it : it.skip;
if (!existsSync(built)) console.warn(`source-probe.test: ${built} not built (npm run build needs python3, make and a C compiler); the addon's probe is not tested`);

/** Routed, loopback, unspecified, broadcast (EACCES), multicast, link-local with and without a zone, mapped, not an address. */
const destinations = ['127.0.0.1', '::1', '10.1.2.3', '192.0.2.1', '2001:db8::1', 'fd00::5', '0.0.0.0', '::', '255.255.255.255', '224.0.0.1', 'ff02::1', 'fe80::1', 'fe80::1%lo', '::ffff:10.0.0.1', '169.254.1.1', 'not-an-address'];

/** Plain addresses of every kind the probe treats apart: loopback, local, unicast, unspecified, broadcast, multicast, link-local, mapped, compatible (hex: the addon takes plain forms). */
const oddOnes = ['127.0.0.1', '127.8.9.10', '10.1.2.3', '192.0.2.1', '169.254.1.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '239.1.2.3', '::1', '2001:db8::1', 'fd00::5', '::', 'ff02::1', 'ff0e::1', 'fe80::1', 'febf::1', '::ffff:a00:1', '::ffff:7f00:1', '::102:304', '64:ff9b::a00:1'];

describe('probeSources', () => {
	it('equals one fresh socket per destination, failures included, in the order asked', async () => {
		const batched = await probeSources([...destinations, ...destinations]);
		expect([...batched.keys()]).toEqual(destinations);
		const single = new Map<string, string | null>();
		for (const d of destinations) single.set(d, await probeSource(d));
		expect(batched).toEqual(single);
	});

	it('carries on after failed connects on the same socket', async () => {
		// Four lanes a family: every lane meets a failing destination (broadcast without SO_BROADCAST) first.
		const list = ['255.255.255.255', '255.255.255.255', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.0.0.${n}`)];
		const failing = ['ff02::1', 'fe80::1', '::1'];
		const probed = await probeSources([...list, ...failing]);
		expect(probed.get('255.255.255.255')).toBeNull();
		for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9]) expect(probed.get(`127.0.0.${n}`)).toBe('127.0.0.1');
		expect([probed.get('ff02::1'), probed.get('fe80::1'), probed.get('::1')]).toEqual([null, null, '::1']);
	});
});

describe('probeSources with the addon (native/udp-batch.c probe)', () => {
	afterEach(() => {
		vi.unstubAllEnvs();
		vi.resetModules();
	});

	withAddon('equals one fresh node:dgram socket per destination, over several turns of probes', async () => {
		vi.stubEnv('HE6_DNS_UDP_ADDON', built);
		vi.resetModules();
		const native = await import('../../src/host/source-probe.js');
		const udp = await import('../../src/transport/udp-batch.js');
		expect(udp.udpBatchAddon()).not.toBeNull();
		// More than a turn's worth (4,096) of each family, failures spread through them.
		const many = Array.from({length: 5000}, (_, i) => [`10.${(i >> 8) & 255}.${i & 255}.7`, `fd00::${i.toString(16)}`, i % 997 === 0 ? '255.255.255.255' : '127.0.0.1']).flat();
		const probed = await native.probeSources([...destinations, ...many]);
		expect([...probed.keys()].slice(0, destinations.length)).toEqual(destinations);
		for (const d of destinations) expect([d, probed.get(d)]).toEqual([d, await probeSource(d)]);
		// A sample of the many, each against its own fresh socket.
		for (const d of many.filter((_, i) => i % 101 === 0)) expect([d, probed.get(d)]).toEqual([d, await probeSource(d)]);
		expect(probed.size).toBe(new Set([...destinations, ...many]).size);
	});

	withAddon('the route lookups answer every plain unicast destination as a fresh socket does; the rest fall to connect, which also agrees', () => {
		const routes = runComparison(built, oddOnes);
		expect(routes.probed).toEqual(routes.fresh);
		expect(expectedRouted(routes)).toContain('127.0.0.1');
		expect(routes.routed).toBe(expectedRouted(routes).length);
		const connected = runComparison(built, oddOnes, {HE6_DNS_PROBE: 'connect'});
		expect(connected.routed).toBe(0);
		expect(connected.probed).toEqual(routes.fresh);
	});

	withAddon('replies the route socket cannot hold (ENOBUFS) are probed by connect instead, with the same answers', () => {
		// Two batches of 32 loopback destinations: with the socket's receive buffer at its minimum, most replies are lost.
		const many = [...Array.from({length: 64}, (_, i) => `127.9.${i}.1`), ...oddOnes];
		const full = runComparison(built, many);
		const tiny = runComparison(built, many, {HE6_DNS_PROBE_RCVBUF: '1'});
		expect(full.routed).toBe(expectedRouted(full).length);
		expect(tiny.routed).toBeGreaterThan(0);
		expect(tiny.routed).toBeLessThan(full.routed);
		expect(tiny.probed).toEqual(full.fresh);
		expect(full.probed).toEqual(full.fresh);
	});

	withAddon('probeManyNow answers plain addresses at once as a fresh socket does, in order, both families mixed, and leaves a zoned or unparsable one to probeSources', async () => {
		vi.stubEnv('HE6_DNS_UDP_ADDON', built);
		vi.resetModules();
		const native = await import('../../src/host/source-probe.js');
		const list = [...destinations, ...oddOnes, ...oddOnes.slice(0, 5)];
		const now = native.probeManyNow(list);
		for (const [i, d] of list.entries()) {
			if (d.includes('%') || d === 'not-an-address' || d.includes('.') && d.includes(':')) expect([d, now[i]]).toEqual([d, undefined]);
			else expect([d, now[i]]).toEqual([d, await probeSource(d)]);
		}
		const {kernelSources} = await import('../../src/host/sources.js');
		expect(kernelSources().nowMany?.(['127.0.0.1', 'fe80::1%lo']).map((info) => info?.address)).toEqual(['127.0.0.1', undefined]);
	});

	withAddon('without a free descriptor: probeManyNow is no answer (not a throw), and a probe rejects with the errno (not "no source", not a hang)', () => {
		const run = spawnSync('bash', ['-c', 'ulimit -n 64 && exec node --import tsx "$0" "$1"', withoutFds, built], {encoding: 'utf8', timeout: 20_000});
		expect(run.stdout.trim().split('\n')).toEqual(['addon true', 'exhausted EMFILE', 'now undefined undefined', 'one rejected EMFILE', 'many rejected EMFILE']);
	});

	it('without a free descriptor and without the addon (HE6_DNS_UDP=dgram), the dgram probes reject with the errno too', () => {
		const run = spawnSync('bash', ['-c', 'ulimit -n 64 && exec node --import tsx "$0" "$1"', withoutFds, built], {encoding: 'utf8', timeout: 20_000, env: {...process.env, HE6_DNS_UDP: 'dgram'}});
		expect(run.stdout.trim().split('\n')).toEqual(['addon false', 'exhausted EMFILE', 'now undefined undefined', 'one rejected EMFILE', 'many rejected EMFILE']);
	});

	it('probeManyNow defers to probeSources without the addon (HE6_DNS_UDP=dgram)', async () => {
		vi.stubEnv('HE6_DNS_UDP', 'dgram');
		vi.resetModules();
		const native = await import('../../src/host/source-probe.js');
		expect(native.probeManyNow(['127.0.0.1', '::1'])).toEqual([undefined, undefined]);
		// And the kernel's provider then offers no `nowMany`, so its callers keep their batched probes.
		const {kernelSources} = await import('../../src/host/sources.js');
		expect(kernelSources().nowMany).toBeUndefined();
	});
});
