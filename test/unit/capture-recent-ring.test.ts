// The correlator's ring of finished exchanges against a plain list model: lookups, forgetting, expiry and growth.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {RecentRing} from '../../src/capture/recent-ring.js';
import type {Endpoint, Transport} from '../../src/transport/endpoint.js';

const endpoints: readonly Endpoint[] = [
	{address: '192.0.2.10', port: 40000, scope: null},
	{address: '192.0.2.10', port: 40000, scope: ''},
	{address: 'fe80::1', port: 40000, scope: 'eth0'},
	{address: '192.0.2.11', port: 40001, scope: null},
];
const names = ['a.example', 'b.example'] as const;

interface Entry {
	readonly hash: number;
	readonly transport: Transport;
	readonly client: number;
	readonly server: number;
	readonly id: number;
	readonly name: number;
	readonly qtype: string;
	readonly until: number;
	readonly answered: boolean;
	live: boolean;
}

const entry = fc.record({
	hash: fc.nat(2),
	transport: fc.constantFrom<Transport>('udp', 'tcp'),
	client: fc.nat(endpoints.length - 1),
	server: fc.nat(endpoints.length - 1),
	id: fc.nat(1),
	name: fc.nat(names.length - 1),
	qtype: fc.constantFrom('A', 'AAAA'),
	until: fc.nat(50),
	answered: fc.boolean(),
});
const op = fc.oneof(
	{arbitrary: entry.map((e) => ({kind: 'add' as const, e})), weight: 5},
	{arbitrary: entry.map((e) => ({kind: 'find-forget' as const, e})), weight: 2},
	{arbitrary: fc.constant({kind: 'oldest' as const}), weight: 1},
	{arbitrary: fc.nat(50).map((time) => ({kind: 'expire' as const, time})), weight: 1},
	{arbitrary: fc.constant({kind: 'clear' as const}), weight: 1},
);

/** The identity as the correlator compares it: scopes null and '' alike. */
const sameIdentity = (a: Omit<Entry, 'live'>, b: Omit<Entry, 'live'>): boolean => {
	const ea = endpoints[a.client] as Endpoint;
	const eb = endpoints[b.client] as Endpoint;
	const sa = endpoints[a.server] as Endpoint;
	const sb = endpoints[b.server] as Endpoint;
	const same = (x: Endpoint, y: Endpoint): boolean => x.address === y.address && x.port === y.port && (x.scope ?? '') === (y.scope ?? '');
	return a.hash === b.hash && a.transport === b.transport && same(ea, eb) && same(sa, sb) && a.id === b.id && a.name === b.name && a.qtype === b.qtype;
};

describe('RecentRing', () => {
	it('behaves as a list in insertion order with lazily skipped dead entries', () => {
		fc.assert(
			fc.property(fc.array(op, {maxLength: 120}), fc.integer({min: 1, max: 4}), (ops, capacity) => {
				const ring = new RecentRing(capacity);
				let model: Entry[] = [];
				const find = (e: Omit<Entry, 'live'>): number =>
					ring.find(e.hash, e.transport, endpoints[e.client] as Endpoint, endpoints[e.server] as Endpoint, e.id, names[e.name] as string, e.qtype, 'IN');
				for (const o of ops) {
					if (o.kind === 'add') {
						// The correlator never keeps two live entries of one identity.
						const slot = find(o.e);
						const known = model.find((m) => m.live && sameIdentity(m, o.e));
						expect(slot >= 0).toBe(known !== undefined);
						if (known !== undefined) {
							ring.forget(slot);
							known.live = false;
						}
						ring.add(o.e.hash, o.e.transport, endpoints[o.e.client] as Endpoint, endpoints[o.e.server] as Endpoint, o.e.id, names[o.e.name] as string, o.e.qtype, 'IN', o.e.until, o.e.answered);
						model.push({...o.e, live: true});
					} else if (o.kind === 'find-forget') {
						const slot = find(o.e);
						const known = model.find((m) => m.live && sameIdentity(m, o.e));
						expect(slot >= 0).toBe(known !== undefined);
						if (known !== undefined) {
							expect(ring.answered(slot)).toBe(known.answered);
							ring.forget(slot);
							known.live = false;
						}
					} else if (o.kind === 'oldest') {
						ring.forgetOldest();
						const i = model.findIndex((m) => m.live);
						if (i >= 0) (model[i] as Entry).live = false;
						model = i >= 0 ? model.slice(i + 1) : [];
					} else if (o.kind === 'expire') {
						ring.expire(o.time);
						let i = 0;
						for (; i < model.length; i++) {
							const m = model[i] as Entry;
							if (!m.live) continue;
							if (m.until >= o.time) break;
							m.live = false;
						}
						model = model.slice(i);
					} else {
						ring.clear();
						model = [];
					}
					expect(ring.size).toBe(model.filter((m) => m.live).length);
				}
				// Every live entry is still found, with its outcome; a forgotten one is not.
				for (const m of model) {
					if (!m.live) continue;
					const slot = find(m);
					expect(slot).toBeGreaterThanOrEqual(0);
					expect(ring.answered(slot)).toBe(m.answered);
				}
			}),
			{numRuns: 500},
		);
	});
});
