// The batched probe (reused sockets, connect without an event) gives each destination what a fresh socket's probe gives.
import {describe, expect, it} from 'vitest';
import {probeSource, probeSources} from '../../src/host/source-probe.js';

/** Routed, loopback, unspecified, broadcast (EACCES), multicast, link-local with and without a zone, mapped, not an address. */
const destinations = ['127.0.0.1', '::1', '10.1.2.3', '192.0.2.1', '2001:db8::1', 'fd00::5', '0.0.0.0', '::', '255.255.255.255', '224.0.0.1', 'ff02::1', 'fe80::1', 'fe80::1%lo', '::ffff:10.0.0.1', '169.254.1.1', 'not-an-address'];

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
