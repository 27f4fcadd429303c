// The exchange and name line templates against jsonLine (JSON.stringify): the same text for every fixture's events and for random events.
import {readdirSync, readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {ExchangeEvent, NameEvent} from '../../src/capture/events.js';
import {readPcap} from '../../src/capture/pcap-file.js';
import {replay} from '../../src/core/capture-pipeline.js';
import {whatIfSources} from '../../src/host/sources.js';
import {parseWhatIf} from '../../src/host/what-if.js';
import {exchangeJsonLine, nameJsonLine} from '../../src/report/capture-json.js';
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

const chainLink = fc.record({name: text, target: text, ttl: number});
const family = fc.record({
	asked: number,
	answered: number,
	unanswered: number,
	status: fc.constantFrom(null, 'NOERROR', 'NODATA', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR', 'INVALID'),
	addresses: fc.array(text, {maxLength: 3}),
	chain: fc.array(chainLink, {maxLength: 3}),
});

/** Name events in the key order capture-inventory.ts builds them (the contract's). */
const nameEvent: fc.Arbitrary<NameEvent> = fc
	.record({
		name: text,
		count: number,
		lastSeen: number,
		chain: fc.array(chainLink, {maxLength: 3}),
		processes: fc.array(fc.record({pid: nullable(number), comm: nullable(text)}), {maxLength: 3}),
		a: family,
		aaaa: family,
		verdict: fc.constantFrom(null, 'migrated', 'v6-not-preferred', 'not-migrated', 'synthetic', 'bogus-aaaa', 'broken-aaaa', 'unresolved', 'error'),
		reason: text,
		chosen: nullable(text),
	})
	.map((fields) => ({kind: 'name', ...fields}) as NameEvent);

/** A what-if host with both families, so the fixtures' names are judged with a selection too. */
const selection = {stack: 'glibc' as const, label: 'what-if', sources: whatIfSources(parseWhatIf(JSON.stringify({sources: {'0.0.0.0/0': '192.0.2.10', '::/0': '2a0f:6:6::100'}})))};

describe('nameJsonLine', () => {
	it.each(fixtures)('writes every name of %s as jsonLine does, judged with and without a selection', async (name) => {
		const frames = readPcap(readFileSync(fixtureDir + name)).frames;
		for (const options of [{}, {selection}]) {
			const names = (await replay(frames, options)).filter((e): e is NameEvent => e.kind === 'name');
			for (const e of names) expect(nameJsonLine(e)).toBe(jsonLine(e));
		}
	});

	it('writes random name events as jsonLine does', () => {
		fc.assert(
			fc.property(nameEvent, (e) => {
				expect(nameJsonLine(e)).toBe(jsonLine(e));
			}),
			{numRuns: runs},
		);
	});
});
