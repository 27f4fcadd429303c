// The integer-keyed correlator against the string-keyed one it replaced: same events, stats and pending count on random traffic.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Correlator, type ObservedMessage} from '../../src/capture/correlate.js';
import {bucketHash} from '../../src/capture/exchange-table.js';
import type {ExchangeEvent} from '../../src/capture/events.js';
import type {Endpoint, Transport} from '../../src/transport/endpoint.js';
import {decodeMessage} from '../../src/wire/codec.js';
import {ReferenceCorrelator} from '../support/correlate-reference.js';

/*
 * A small universe, so identities collide often: a few addresses (an IPv6 one with scopes null, ''
 * and eth0, which the string keys treated as null = ''), ports and ids whose buckets meet, names
 * differing only in case, two classes, and replies without a question. Time moves in steps around the timeout, the cap is tiny.
 */
const clients: readonly Endpoint[] = [
	{address: '192.0.2.10', port: 40000, scope: null},
	{address: '192.0.2.10', port: 40001, scope: null},
	{address: '192.0.2.11', port: 40000, scope: null},
	{address: 'fe80::10', port: 40000, scope: null},
	{address: 'fe80::10', port: 40000, scope: ''},
	{address: 'fe80::10', port: 40000, scope: 'eth0'},
	{address: '192.0.2.10', port: 48192, scope: null},
];
const servers: readonly Endpoint[] = [
	{address: '192.0.2.53', port: 53, scope: null},
	{address: '192.0.2.54', port: 53, scope: null},
	{address: 'fe80::53', port: 53, scope: 'eth0'},
	{address: '192.0.2.53', port: 21, scope: null},
];
// With client port 48192 (40000 ^ 8192) and server port 21 (53 ^ 32), ids 0 and 1 meet in one bucket.
const ids = [0, 1, 0x8000, 0x4001] as const;
const names = ['www.example', 'WWW.Example', 'mail.example'] as const;
const types = ['A', 'AAAA', 'MX'] as const;
const classes = ['IN', 'CH'] as const;

interface Step {
	readonly dt: number;
	readonly kind: 'query' | 'reply' | 'bare-reply' | 'advance';
	readonly client: number;
	readonly server: number;
	readonly tcp: boolean;
	readonly id: number;
	readonly name: number;
	readonly type: number;
	readonly klass: number;
	readonly rcode: number;
}

/** An index into a list of `n`, mostly the first (so identities meet often), sometimes any. */
const pick = (n: number): fc.Arbitrary<number> => fc.oneof({arbitrary: fc.constant(0), weight: 3}, {arbitrary: fc.nat(n - 1), weight: 1});

const step = fc.record({
	dt: fc.oneof(fc.constant(0), fc.integer({min: 0, max: 30}), fc.integer({min: 40, max: 120})),
	kind: fc.constantFrom('query', 'query', 'reply', 'reply', 'bare-reply', 'advance'),
	client: pick(clients.length),
	server: pick(servers.length),
	tcp: fc.boolean(),
	id: pick(ids.length),
	name: pick(names.length),
	type: pick(types.length),
	klass: pick(classes.length),
	rcode: fc.constantFrom(0, 0, 2, 3),
}) as fc.Arbitrary<Step>;

function message(s: Step): ObservedMessage {
	const client = clients[s.client] as Endpoint;
	const server = servers[s.server] as Endpoint;
	const question = {name: names[s.name] as string, type: types[s.type] as 'A', class: classes[s.klass] as 'IN'};
	const reply = s.kind !== 'query';
	const bytes = dnsPacket.encode({
		type: reply ? 'response' : 'query',
		id: ids[s.id],
		flags: reply ? 0x8180 | s.rcode : 0x0100,
		questions: s.kind === 'bare-reply' ? [] : [question],
		answers: reply && s.rcode === 0 && question.type === 'A' ? [{name: question.name, type: 'A', ttl: 60, data: '192.0.2.1'}] : [],
	});
	const decoded = decodeMessage(bytes);
	if (!decoded.ok) throw new Error('test message does not decode');
	const transport: Transport = s.tcp ? 'tcp' : 'udp';
	return reply ? {time: 0, source: server, destination: client, transport, message: decoded.value} : {time: 0, source: client, destination: server, transport, message: decoded.value};
}

describe('Correlator tables', () => {
	it('gives the string-keyed correlator’s events, stats and pending count on random traffic', () => {
		fc.assert(
			fc.property(fc.array(step, {maxLength: 120}), fc.integer({min: 1, max: 8}), (steps, maxPending) => {
				const options = {timeoutMs: 50, pairWindowMs: 10, maxPending};
				const fast = new Correlator(options);
				const reference = new ReferenceCorrelator(options);
				const got: ExchangeEvent[] = [];
				const want: ExchangeEvent[] = [];
				let time = 1_700_000_000_000;
				for (const s of steps) {
					time += s.dt;
					if (s.kind === 'advance') {
						got.push(...fast.advance(time));
						want.push(...reference.advance(time));
					} else {
						const observed = {...message(s), time};
						got.push(...fast.push(observed));
						want.push(...reference.push(observed));
					}
					expect(fast.pending).toBe(reference.pending);
				}
				got.push(...fast.flush());
				want.push(...reference.flush());
				expect(got).toEqual(want);
				expect(fast.stats).toEqual(reference.stats);
			}),
			{numRuns: 600},
		);
	});

	it('tells apart identities that share a bucket', () => {
		// id 1 from port 40000 and id 0 from port 48192 (40000 ^ 8192) hash alike; so do server ports 53 and 21 (53 ^ 32) with ids 0 and 1.
		expect(bucketHash(1, 40000, 53, false)).toBe(bucketHash(0, 48192, 53, false));
		expect(bucketHash(0, 40000, 53, false)).toBe(bucketHash(1, 40000, 21, false));
		const steps: Step[] = [
			{dt: 0, kind: 'query', client: 0, server: 0, tcp: false, id: 1, name: 0, type: 0, klass: 0, rcode: 0},
			{dt: 1, kind: 'query', client: 6, server: 0, tcp: false, id: 0, name: 0, type: 0, klass: 0, rcode: 0},
			{dt: 1, kind: 'bare-reply', client: 6, server: 0, tcp: false, id: 0, name: 0, type: 0, klass: 0, rcode: 2},
			{dt: 1, kind: 'reply', client: 0, server: 0, tcp: false, id: 1, name: 0, type: 0, klass: 0, rcode: 0},
			{dt: 1, kind: 'reply', client: 6, server: 0, tcp: false, id: 0, name: 0, type: 0, klass: 0, rcode: 0},
		];
		const correlator = new Correlator({timeoutMs: 50});
		const events = steps.flatMap((s, i) => correlator.push({...message(s), time: 1000 + i}));
		expect(events.map((e) => [e.client, e.id, e.status, e.rcode])).toEqual([
			['192.0.2.10:48192', 0, 'answered', 'SERVFAIL'],
			['192.0.2.10:40000', 1, 'answered', 'NOERROR'],
		]);
		expect(correlator.stats.duplicateResponses).toBe(1);
	});
	it('keeps the latest query of a socket for pairing when an earlier one there leaves the window', () => {
		// A (id 0), then A (id 1) 8 ms later; the first ages out; AAAA 7 ms after the second pairs with it.
		const q = (id: number, type: number): Step => ({dt: 0, kind: 'query', client: 0, server: 0, tcp: false, id, name: 0, type, klass: 0, rcode: 0});
		const correlator = new Correlator({timeoutMs: 50, pairWindowMs: 10});
		const reference = new ReferenceCorrelator({timeoutMs: 50, pairWindowMs: 10});
		for (const c of [correlator, reference]) {
			c.push({...message(q(0, 0)), time: 1000});
			c.push({...message(q(1, 0)), time: 1008});
			c.advance(1012);
			c.push({...message(q(3, 1)), time: 1015});
		}
		const events = correlator.flush();
		expect(events).toEqual(reference.flush());
		expect(events.find((e) => e.qtype === 'AAAA')?.pairedWith).toEqual({id: 1, qtype: 'A'});
		expect(correlator.stats.pairs).toBe(1);
	});
	it('pairs A and AAAA from one socket whose scope is null once and empty once (the text key read both as empty)', () => {
		// Clients 3 and 4: fe80::10 port 40000 with scope null and ''; the name differs only in case.
		const q = (client: number, id: number, name: number, type: number): Step => ({dt: 0, kind: 'query', client, server: 0, tcp: false, id, name, type, klass: 0, rcode: 0});
		const correlator = new Correlator({timeoutMs: 50, pairWindowMs: 10});
		const reference = new ReferenceCorrelator({timeoutMs: 50, pairWindowMs: 10});
		for (const c of [correlator, reference]) {
			c.push({...message(q(3, 0, 0, 0)), time: 1000});
			c.push({...message(q(4, 1, 1, 1)), time: 1001});
			// Another name from the same socket: no pair.
			c.push({...message(q(4, 2, 2, 0)), time: 1002});
		}
		const events = correlator.flush();
		expect(events).toEqual(reference.flush());
		expect(events.find((e) => e.id === 1)?.pairedWith).toEqual({id: 0, qtype: 'A'});
		expect(events.find((e) => e.qname === 'mail.example')?.pairedWith).toBeNull();
		expect(correlator.stats.pairs).toBe(1);
	});
});
