// Pairing rules: the 5-tuple+id+question key, timeouts by packet time, retransmissions, unsolicited, getaddrinfo pairs.
import {describe, expect, it} from 'vitest';
import {correlate, Correlator, defaultMaxPending, type ObservedMessage} from '../../src/capture/correlate.js';
import type {ExchangeEvent} from '../../src/capture/events.js';
import type {Endpoint, Transport} from '../../src/transport/endpoint.js';
import {decodeMessage} from '../../src/wire/codec.js';
import {query, reply} from '../support/capture-frames.js';

const stub: Endpoint = {address: '192.0.2.10', port: 40000, scope: null};
const otherSocket: Endpoint = {address: '192.0.2.10', port: 40001, scope: null};
const resolver: Endpoint = {address: '192.0.2.53', port: 53, scope: null};
const v6stub: Endpoint = {address: '2001:db8::10', port: 5555, scope: null};
const v6resolver: Endpoint = {address: '2001:db8::53', port: 53, scope: null};

function observed(time: number, bytes: Uint8Array, source: Endpoint, destination: Endpoint, transport: Transport = 'udp'): ObservedMessage {
	const decoded = decodeMessage(bytes);
	if (!decoded.ok) throw new Error('test message does not decode');
	return {time, source, destination, transport, message: decoded.value};
}
const ask = (time: number, id: number, name: string, type: 'A' | 'AAAA', from = stub, to = resolver, transport: Transport = 'udp'): ObservedMessage =>
	observed(time, query(id, name, type), from, to, transport);
const answer = (time: number, id: number, name: string, type: 'A' | 'AAAA', data: string[] = [], to = stub, from = resolver, transport: Transport = 'udp'): ObservedMessage =>
	observed(time, reply(id, name, type, data.map((d) => ({name, type, ttl: 60, data: d}))), from, to, transport);

const T0 = 1_700_000_000_000;

describe('Correlator', () => {
	it('pairs a query with its reply: endpoints as text, RTT from the capture times, answers in presentation form', () => {
		const events = correlate([ask(T0, 0x1234, 'www.example', 'AAAA', v6stub, v6resolver), answer(T0 + 12.345, 0x1234, 'www.example', 'AAAA', ['2001:db8:0:0::1'], v6stub, v6resolver)]);
		expect(events).toEqual([
			{
				kind: 'exchange',
				client: '[2001:db8::10]:5555',
				server: '[2001:db8::53]:53',
				transport: 'udp',
				id: 0x1234,
				qname: 'www.example',
				qtype: 'AAAA',
				rcode: 'NOERROR',
				answers: [{name: 'www.example', type: 'AAAA', ttl: 60, data: '2001:db8::1'}],
				rttMs: 12.345,
				status: 'answered',
				time: T0,
				retransmissions: 0,
				endedBy: null,
				flags: {aa: false, tc: false, ad: false},
				soa: null,
				pairedWith: null,
				pairFlag: null,
				pid: null,
				comm: null,
			},
		]);
	});

	it('matches the question case-insensitively (DNS 0x20)', () => {
		const [event] = correlate([ask(T0, 7, 'WwW.ExAmple', 'A'), answer(T0 + 1, 7, 'www.example', 'A', ['192.0.2.1'])]);
		expect(event?.status).toBe('answered');
		expect(event?.qname).toBe('WwW.ExAmple');
	});

	const mismatches: [string, ObservedMessage][] = [
		['another id', answer(T0 + 1, 8, 'a.example', 'A')],
		['another client port', answer(T0 + 1, 7, 'a.example', 'A', [], otherSocket)],
		['another server', answer(T0 + 1, 7, 'a.example', 'A', [], stub, {...resolver, address: '192.0.2.54'})],
		['another question name', answer(T0 + 1, 7, 'b.example', 'A')],
		['another question type', answer(T0 + 1, 7, 'a.example', 'AAAA')],
		['another transport', answer(T0 + 1, 7, 'a.example', 'A', [], stub, resolver, 'tcp')],
	];
	for (const [name, response] of mismatches) {
		it(`reports a reply with ${name} as unsolicited, and the query as unanswered at the end`, () => {
			const events = correlate([ask(T0, 7, 'a.example', 'A'), response]);
			expect(events.map((e) => e.status)).toEqual(['unsolicited', 'unanswered']);
			expect(events[0]?.rttMs).toBeNull();
			expect(events[1]?.endedBy).toBe('end-of-capture');
		});
	}

	it('times out by packet time only: pending at 5000 ms, unanswered at 5000.001 ms', () => {
		const c = new Correlator();
		c.push(ask(T0, 1, 'slow.example', 'A'));
		expect(c.push(ask(T0 + 5000, 2, 'other.example', 'A'))).toEqual([]);
		const [event] = c.push(ask(T0 + 5000.001, 3, 'other.example', 'A'));
		expect(event).toMatchObject({status: 'unanswered', qname: 'slow.example', endedBy: 'timeout', rcode: null, rttMs: null, time: T0});
	});

	it('honours a shorter timeout and lets a quiet live capture move time on with advance()', () => {
		const c = new Correlator({timeoutMs: 1000});
		c.push(ask(T0, 1, 'a.example', 'A'));
		expect(c.advance(T0 + 999)).toEqual([]);
		expect(c.advance(T0 + 1001).map((e) => e.status)).toEqual(['unanswered']);
		expect(c.advance(T0 + 500)).toEqual([]); // time never goes back
	});

	it('counts retransmissions, measures RTT from the first copy and the timeout from the last', () => {
		const c = new Correlator();
		c.push(ask(T0, 9, 'r.example', 'A'));
		c.push(ask(T0 + 4000, 9, 'r.example', 'A'));
		expect(c.push(ask(T0 + 8000, 100, 'x.example', 'A'))).toEqual([]); // 8 s after the first, 4 s after the last
		const [event] = c.push(answer(T0 + 8500, 9, 'r.example', 'A', ['192.0.2.9']));
		expect(event).toMatchObject({status: 'answered', retransmissions: 1, rttMs: 8500});
		expect(c.stats.retransmissions).toBe(1);
	});

	it('counts the extra reply to a retransmitted query as a duplicate, not unsolicited', () => {
		const events = correlate([ask(T0, 9, 'r.example', 'A'), ask(T0 + 1000, 9, 'r.example', 'A'), answer(T0 + 1001, 9, 'r.example', 'A'), answer(T0 + 1002, 9, 'r.example', 'A')]);
		expect(events.map((e) => e.status)).toEqual(['answered']);
		const c = new Correlator();
		for (const m of [ask(T0, 9, 'r.example', 'A'), answer(T0 + 1, 9, 'r.example', 'A'), answer(T0 + 2, 9, 'r.example', 'A')]) c.push(m);
		expect(c.stats).toMatchObject({duplicateResponses: 1, unsolicited: 0});
	});

	it('counts a reply after the timeout as late', () => {
		const c = new Correlator();
		c.push(ask(T0, 9, 'r.example', 'A'));
		const events = c.push(answer(T0 + 6000, 9, 'r.example', 'A'));
		expect(events.map((e) => e.status)).toEqual(['unanswered']);
		expect(c.stats).toMatchObject({lateResponses: 1, unsolicited: 0});
	});

	it('matches a reply without a question by id when exactly one query waits', () => {
		const formerr = observed(T0 + 1, reply(5, 'q.example', 'A', [], {rcode: 1, noQuestion: true}), resolver, stub);
		const [event] = correlate([ask(T0, 5, 'q.example', 'A'), formerr]);
		expect(event).toMatchObject({status: 'answered', rcode: 'FORMERR', qname: 'q.example'});
	});

	it('evicts the oldest pending query beyond the cap, counted and never reported', () => {
		const c = new Correlator({maxPending: 2});
		c.push(ask(T0, 1, 'a.example', 'A'));
		c.push(ask(T0 + 1, 2, 'b.example', 'A'));
		c.push(ask(T0 + 2, 3, 'c.example', 'A'));
		expect(c.pending).toBe(2);
		expect(c.stats.evicted).toBe(1);
		expect(c.stats.pendingPeak).toBe(2);
		expect(c.maxPending).toBe(2);
		expect(c.flush().map((e) => e.qname)).toEqual(['b.example', 'c.example']);
		expect(new Correlator().maxPending).toBe(defaultMaxPending);
	});

	it('asks for the process once, when the query is first seen', () => {
		const calls: string[] = [];
		const c = new Correlator({attribute: (client, transport) => (calls.push(`${client.port}/${transport}`), {pid: 4242, comm: 'curl'})});
		c.push(ask(T0, 1, 'a.example', 'A'));
		c.push(ask(T0 + 100, 1, 'a.example', 'A'));
		const [event] = c.push(answer(T0 + 200, 1, 'a.example', 'A'));
		expect(calls).toEqual(['40000/udp']);
		expect(event).toMatchObject({pid: 4242, comm: 'curl'});
	});
});

describe('getaddrinfo pairs', () => {
	const pairOf = (events: ExchangeEvent[], qtype: string): ExchangeEvent | undefined => events.find((e) => e.qtype === qtype);

	it('recognises A and AAAA from one socket within the window, both answered: no flag', () => {
		const events = correlate([
			ask(T0, 0xa, 'dual.example', 'A'),
			ask(T0 + 0.05, 0xb, 'dual.example', 'AAAA'),
			answer(T0 + 1, 0xa, 'dual.example', 'A', ['192.0.2.2']),
			answer(T0 + 1.2, 0xb, 'dual.example', 'AAAA', ['2001:db8::2']),
		]);
		expect(pairOf(events, 'A')?.pairedWith).toEqual({id: 0xb, qtype: 'AAAA'});
		expect(pairOf(events, 'AAAA')?.pairedWith).toEqual({id: 0xa, qtype: 'A'});
		expect(events.every((e) => e.pairFlag === null)).toBe(true);
	});

	it('flags `AAAA lost` on the AAAA when only A was answered (the parallel-query race)', () => {
		const c = new Correlator();
		const events = [
			...c.push(ask(T0, 0xa, 'race.example', 'A')),
			...c.push(ask(T0 + 0.04, 0xb, 'race.example', 'AAAA')),
			...c.push(answer(T0 + 2, 0xa, 'race.example', 'A', ['192.0.2.2'])),
			...c.push(ask(T0 + 6000, 0xc, 'later.example', 'A')),
		];
		expect(events.map((e) => [e.qtype, e.status, e.pairFlag])).toEqual([
			['A', 'answered', null],
			['AAAA', 'unanswered', 'AAAA lost'],
		]);
		expect(c.stats).toMatchObject({pairs: 1, lostHalves: 1});
	});

	it('flags `A lost` when the AAAA was answered and the A was not, even if AAAA went first', () => {
		const events = correlate([ask(T0, 0xb, 'x.example', 'AAAA'), ask(T0 + 0.01, 0xa, 'x.example', 'A'), answer(T0 + 1, 0xb, 'x.example', 'AAAA', ['2001:db8::3'])]);
		expect(events.find((e) => e.status === 'unanswered')?.pairFlag).toBe('A lost');
	});

	it('pairs when the first half was answered before the second was sent (single-request on a fast cache)', () => {
		const events = correlate([ask(T0, 1, 's.example', 'A'), answer(T0 + 0.3, 1, 's.example', 'A', ['192.0.2.5']), ask(T0 + 0.5, 2, 's.example', 'AAAA')]);
		expect(events.find((e) => e.qtype === 'AAAA')).toMatchObject({status: 'unanswered', pairFlag: 'AAAA lost', pairedWith: {id: 1, qtype: 'A'}});
	});

	it('does not flag a pair with both halves unanswered (the server is simply gone)', () => {
		const events = correlate([ask(T0, 1, 'gone.example', 'A'), ask(T0 + 0.1, 2, 'gone.example', 'AAAA')]);
		expect(events.map((e) => e.pairFlag)).toEqual([null, null]);
		expect(events.every((e) => e.pairedWith !== null)).toBe(true);
	});

	const notPairs: [string, ObservedMessage[]][] = [
		['from two sockets (single-request-reopen)', [ask(T0, 1, 'p.example', 'A'), ask(T0 + 0.1, 2, 'p.example', 'AAAA', otherSocket)]],
		['more than the window apart', [ask(T0, 1, 'p.example', 'A'), ask(T0 + 11, 2, 'p.example', 'AAAA')]],
		['for different names', [ask(T0, 1, 'p.example', 'A'), ask(T0 + 0.1, 2, 'q.example', 'AAAA')]],
		['of the same type', [ask(T0, 1, 'p.example', 'A'), ask(T0 + 0.1, 2, 'p.example', 'A')]],
	];
	for (const [name, messages] of notPairs) {
		it(`does not pair A and AAAA ${name}`, () => {
			expect(correlate(messages).every((e) => e.pairedWith === null)).toBe(true);
		});
	}

	it('pairs each query at most once: A, AAAA, A, AAAA on one socket are two pairs', () => {
		const events = correlate([ask(T0, 1, 'p.example', 'A'), ask(T0 + 0.1, 2, 'p.example', 'AAAA'), ask(T0 + 0.2, 3, 'p.example', 'A'), ask(T0 + 0.3, 4, 'p.example', 'AAAA')]);
		expect(events.map((e) => e.pairedWith?.id)).toEqual([2, 1, 4, 3]);
	});
});
