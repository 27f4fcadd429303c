// The exchange line template against jsonLine (JSON.stringify): the same text for every fixture's events and for random events.
import {readdirSync, readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {ExchangeEvent} from '../../src/capture/events.js';
import {readPcap} from '../../src/capture/pcap-file.js';
import {replay} from '../../src/core/capture-pipeline.js';
import {exchangeJsonLine} from '../../src/report/capture-json.js';
import {jsonLine} from '../../src/report/json.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const fixtureDir = new URL('../../fixtures/pcap/', import.meta.url).pathname;
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.pcap'));

/** Any text, C0/C1 controls, quotes, backslashes and lone surrogates included. */
const text = fc.oneof(fc.string(), fc.string({unit: 'binary'}), fc.constantFrom('', '"', '\\', '\u007f', '\u0085', '\u009f', '\ud800', 'a\nb', 'h\\032x.example'));
const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, {nil: null});
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1795908838045.435, 5.721, Number.MAX_SAFE_INTEGER, 1e21, 1e-7));
const answer = fc.record({name: text, type: text, ttl: number, data: text});
const soa = fc.record({name: text, ttl: number, mname: text, rname: text, serial: number, refresh: number, retry: number, expire: number, minimum: number});

/** Events in the key order correlate.ts builds them (the contract's). */
const exchange: fc.Arbitrary<ExchangeEvent> = fc
	.record({
		client: text,
		server: text,
		transport: fc.constantFrom('udp', 'tcp'),
		id: number,
		qname: nullable(text),
		qtype: nullable(text),
		rcode: nullable(text),
		answers: fc.array(answer, {maxLength: 4}),
		rttMs: nullable(number),
		status: fc.constantFrom('answered', 'unanswered', 'unsolicited'),
		time: number,
		retransmissions: number,
		endedBy: fc.constantFrom(null, 'timeout', 'end-of-capture'),
		flags: nullable(fc.record({aa: fc.boolean(), tc: fc.boolean(), ad: fc.boolean()})),
		soa: nullable(soa),
		pairedWith: nullable(fc.record({id: number, qtype: text})),
		pairFlag: fc.constantFrom(null, 'A lost', 'AAAA lost'),
		pid: nullable(number),
		comm: nullable(text),
	})
	.map((fields) => ({kind: 'exchange', ...fields}) as ExchangeEvent);

describe('exchangeJsonLine', () => {
	it.each(fixtures)('writes every exchange of %s as jsonLine does', async (name) => {
		const events = await replay(readPcap(readFileSync(fixtureDir + name)).frames);
		const exchanges = events.filter((e): e is ExchangeEvent => e.kind === 'exchange');
		for (const e of exchanges) expect(exchangeJsonLine(e)).toBe(jsonLine(e));
	});

	it('writes random events as jsonLine does (escaping, numbers, nulls)', () => {
		fc.assert(
			fc.property(exchange, (e) => {
				expect(exchangeJsonLine(e)).toBe(jsonLine(e));
			}),
			{numRuns: runs},
		);
	});
});
