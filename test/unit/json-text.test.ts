// Batch records written as bytes (report/json-text.ts, json-bytes.ts) against jsonLine of the record object: the same text.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {duplicateRecord, fullRecord, invalidResult} from '../../src/batch/record.js';
import type {HostResult} from '../../src/core/host-result.js';
import type {RankedAddress, Selection} from '../../src/core/selection.js';
import {familyJson, jsonLine, jsonText} from '../../src/report/json.js';
import {JsonBytes} from '../../src/report/json-bytes.js';
import {writeFamily} from '../../src/report/json-text.js';
import type {FamilyOutcome, LookupProblem, OtherRecord, Status, Verdict} from '../../src/resolve/types.js';
import type {RuleId} from '../../src/select/types.js';
import type {Endpoint} from '../../src/transport/endpoint.js';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);

/** Plain names mostly, and every kind of hostile text: quotes, backslashes, C0, DEL, C1, lone surrogates, astral. */
const text = fc.oneof(
	fc.stringMatching(/^[a-z0-9.-]{0,20}$/),
	fc.string({unit: 'binary', maxLength: 12}),
	fc.string({unit: fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '\u00a0', '\ud800', '\udfff', 'é', '😀', 'a', '.'), maxLength: 8}),
);
const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, {nil: null});
const number = fc.oneof(fc.integer({min: 0, max: 2 ** 32 - 1}), fc.double(), fc.constant(-0));
const statuses: Status[] = ['NOERROR', 'NODATA', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR', 'INVALID'];
const verdicts: Verdict[] = ['migrated', 'v6-not-preferred', 'not-migrated', 'synthetic', 'bogus-aaaa', 'broken-aaaa', 'unresolved', 'error'];

const problem: fc.Arbitrary<LookupProblem> = fc.oneof(
	fc.record({kind: fc.constant('cname-loop' as const), at: text}),
	fc.record({kind: fc.constant('chain-too-long' as const), hops: fc.nat()}),
	fc.record({kind: fc.constant('malformed-reply' as const), detail: text}),
	fc.record({kind: fc.constant('timeout' as const), tries: fc.nat()}),
	fc.record({kind: fc.constant('invalid-name' as const), detail: text}),
);
const other: fc.Arbitrary<OtherRecord> = fc.record({section: fc.constantFrom('answer' as const, 'authority' as const), name: text, ttl: fc.nat(), class: text, type: text, data: text});

const family: fc.Arbitrary<FamilyOutcome> = fc.record({
	family: fc.constantFrom('A' as const, 'AAAA' as const),
	status: fc.constantFrom(...statuses),
	qname: text,
	chain: fc.array(fc.record({name: text, target: text, ttl: number}), {maxLength: 3}),
	addresses: fc.array(fc.record({address: text, ttl: number}), {maxLength: 3}),
	soa: nullable(fc.record({name: text, ttl: number, mname: text, rname: text, serial: number, refresh: number, retry: number, expire: number, minimum: number})),
	otherRecords: fc.array(other, {maxLength: 2}),
	server: nullable(fc.constantFrom<Endpoint>({address: '127.0.0.1', port: 53, scope: null}, {address: '::1', port: 5353, scope: null}, {address: 'fe80::1', port: 53, scope: 'eth0'})),
	transport: nullable(fc.constantFrom('udp' as const, 'tcp' as const)),
	rttMs: nullable(number),
	queries: fc.nat(),
	mismatched: fc.nat(),
	flags: nullable(fc.record({ad: fc.boolean(), aa: fc.boolean()})),
	problem: nullable(problem),
});

const ranked: fc.Arbitrary<RankedAddress> = fc.record({address: text, family: fc.constantFrom('A' as const, 'AAAA' as const), source: nullable(text), interface: nullable(text), synthesized: nullable(text)});
const selection: fc.Arbitrary<Selection> = fc.record({
	stack: fc.constantFrom('glibc' as const, 'go' as const, 'musl' as const, 'rfc6724' as const),
	order: fc.array(ranked, {maxLength: 3}),
	chosen: nullable(text),
	rule: nullable(fc.integer({min: 1, max: 10}).map((n) => n as RuleId)),
	runnerUp: nullable(text),
});

const result: fc.Arbitrary<HostResult> = fc.record({
	index: fc.nat(),
	input: text,
	name: text,
	unicode: nullable(text),
	a: family,
	aaaa: family,
	selection: nullable(selection),
	verdict: fc.constantFrom(...verdicts),
	reason: text,
});
const place = fc.record({line: fc.integer({min: 1, max: 2 ** 40}), input: text, rank: nullable(fc.nat())});

/** What a writer puts into a fresh JsonBytes (small, so growing is exercised too). */
function bytesOf(write: (out: JsonBytes) => void): string {
	const out = new JsonBytes(16);
	write(out);
	return out.text();
}

describe('records as bytes', () => {
	it('quotes a string as JSON.stringify does, C1 controls escaped as jsonLine does', () => {
		fc.assert(
			fc.property(text, (s) => {
				expect(bytesOf((out) => out.string(s))).toBe(jsonText(s));
			}),
			{numRuns: runs},
		);
	});

	it('writes a family as jsonLine(familyJson(...))', () => {
		fc.assert(
			fc.property(family, (o) => {
				expect(bytesOf((out) => writeFamily(out, o))).toBe(jsonText(familyJson(o)));
			}),
			{numRuns: runs},
		);
	});

	it('writes a full record as jsonLine(record.json)', () => {
		fc.assert(
			fc.property(place, result, (p, r) => {
				const record = fullRecord(p, r);
				expect(record.line()).toBe(jsonLine(record.json));
				expect(bytesOf((out) => record.write(out))).toBe(jsonLine(record.json));
			}),
			{numRuns: runs},
		);
	});

	it('writes numbers as JSON.stringify does', () => {
		fc.assert(
			fc.property(fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 9, 10, 99, 100, 86399, 999999999, 1000000000, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1e21, 0.1, NaN, Infinity), fc.nat()), (n) => {
				expect(bytesOf((out) => out.number(n))).toBe(JSON.stringify(n));
			}),
			{numRuns: runs},
		);
	});

	it('writes hundredths (RTTs) as JSON.stringify does', () => {
		const hundredths = fc.integer({min: 1, max: 2 ** 31 - 1}).map((k) => k / 100);
		const rtt = fc.double({min: 0, max: 1e7, noNaN: true}).map((ms) => Math.round(ms * 100) / 100);
		fc.assert(
			fc.property(fc.oneof(hundredths, rtt, fc.constantFrom(0.01, 0.1, 0.05, 0.5, 1.01, 1.1, 9.99, 10.5, 21474836.47, 21474836.48, 21474836.5, 0.015, 1e-7, 0.001)), (n) => {
				expect(bytesOf((out) => out.number(n))).toBe(JSON.stringify(n));
			}),
			{numRuns: runs * 10},
		);
	});

	it('writes thousandths (capture times to the µs, RTTs) as JSON.stringify does, up to 2⁴² and past it', () => {
		const thousandths = fc.integer({min: 1, max: Number.MAX_SAFE_INTEGER}).map((k) => k / 1000);
		const near = fc.integer({min: 1, max: 2 ** 42 * 1000}).map((k) => k / 1000);
		const times = fc.integer({min: 1_600_000_000_000_000, max: 2_100_000_000_000_000}).map((us) => us / 1000);
		const edges = fc.constantFrom(1795908838045.435, 5.721, 0.001, 0.005, 0.123, 1.5, 4398046511103.999, 4398046511104.001, 2 ** 42 - 0.5, 2147483647.001, 2147483648.5, 999999999.999, 1000000000.001, 12345678901.2);
		fc.assert(
			fc.property(fc.oneof(thousandths, near, times, edges, fc.double({min: 0, max: 2 ** 43, noNaN: true})), (n) => {
				expect(bytesOf((out) => out.number(n))).toBe(JSON.stringify(n));
			}),
			{numRuns: runs * 10},
		);
	});

	it('writes invalid and duplicate records as their objects', () => {
		fc.assert(
			fc.property(place, text, (p, input) => {
				const invalid = fullRecord(p, invalidResult(input, 'empty label', p.line - 1));
				expect(invalid.line()).toBe(jsonLine(invalid.json));
				const duplicate = duplicateRecord(p, input, null, {verdict: 'migrated', a: 'NOERROR', aaaa: 'NOERROR'}, 1);
				expect(duplicate.line()).toBe(jsonLine(duplicate.json));
				expect(bytesOf((out) => duplicate.write(out))).toBe(jsonLine(duplicate.json));
			}),
			{numRuns: 200},
		);
	});

	it('writes duplicate records (written as bytes) as jsonLine of their objects', () => {
		const status = fc.constantFrom<Status>('NOERROR', 'NODATA', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR', 'INVALID');
		const verdict = fc.constantFrom<Verdict>('migrated', 'v6-not-preferred', 'not-migrated', 'synthetic', 'bogus-aaaa', 'broken-aaaa', 'unresolved', 'error');
		fc.assert(
			fc.property(place, text, fc.option(text), verdict, status, status, fc.nat(), (p, name, unicode, v, a, aaaa, first) => {
				const duplicate = duplicateRecord(p, name, unicode, {verdict: v, a, aaaa}, first);
				expect(bytesOf((out) => duplicate.write(out))).toBe(jsonLine(duplicate.json));
				expect(duplicate.line()).toBe(jsonLine(duplicate.json));
			}),
			{numRuns: runs},
		);
	});
});
