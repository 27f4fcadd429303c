// The batch engine with a fake checker: one record per name line, duplicates, hostile lines, bounds, stop, resume, shards.
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import type {HostResult} from '../../src/core/host-result.js';
import {BatchEngine} from '../../src/batch/engine.js';
import {maxLineBytes} from '../../src/batch/input.js';
import {readLineBatches} from '../../src/batch/line-reader.js';
import {digest, inShard, nameKey} from '../../src/batch/name-key.js';
import {pack} from '../../src/batch/outcome-code.js';
import type {BatchRecord} from '../../src/batch/record.js';
import {invalidResult} from '../../src/batch/record.js';
import {ResumedLines} from '../../src/batch/resume.js';
import {BatchTally} from '../../src/batch/tally.js';
import type {FamilyOutcome, Status} from '../../src/resolve/types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A result whose statuses depend on the name: `nx…` NXDOMAIN, else A NOERROR and AAAA NODATA. */
function fakeResult(input: string, index: number): HostResult {
	const base = invalidResult(input, 'x', index);
	const family = (f: FamilyOutcome, status: Status, address: string | null): FamilyOutcome => ({
		...f,
		status,
		problem: null,
		queries: 1,
		addresses: address === null ? [] : [{address, ttl: 60}],
	});
	const nx = input.toLowerCase().startsWith('nx');
	return {
		...base,
		name: input.replace(/\.$/, ''),
		a: family(base.a, nx ? 'NXDOMAIN' : 'NOERROR', nx ? null : '192.0.2.1'),
		aaaa: family(base.aaaa, nx ? 'NXDOMAIN' : 'NODATA', null),
		verdict: nx ? 'unresolved' : 'not-migrated',
		reason: 'fake',
	};
}

interface Harness {
	records: BatchRecord[];
	tally: BatchTally;
	checked: string[];
	maxBusy: number;
	run: Promise<void>;
	stop: AbortController;
}

function start(text: string, options: {concurrency?: number; delayMs?: (input: string) => number; resumed?: ResumedLines; shard?: {index: number; count: number}; fail?: string; backlog?: () => Promise<void> | null} = {}): Harness {
	const h: Harness = {records: [], tally: new BatchTally(), checked: [], maxBusy: 0, run: Promise.resolve(), stop: new AbortController()};
	let busy = 0;
	const checker = {
		async check(input: string, index: number): Promise<HostResult> {
			busy++;
			h.maxBusy = Math.max(h.maxBusy, busy);
			h.checked.push(input);
			await sleep(options.delayMs?.(input) ?? 1);
			busy--;
			if (input === options.fail) throw new Error('bug');
			return fakeResult(input, index);
		},
	};
	const engine = new BatchEngine({
		lines: readLineBatches(Readable.from([Buffer.from(text)]), maxLineBytes),
		checker,
		concurrency: options.concurrency ?? 8,
		timeoutMs: 1000,
		search: false,
		shard: options.shard ?? null,
		resumed: options.resumed ?? null,
		tally: h.tally,
		emit: (record) => h.records.push(record),
		stop: h.stop.signal,
		...(options.backlog === undefined ? {} : {backlog: options.backlog}),
	});
	h.run = engine.run();
	return h;
}

const byLine = (records: readonly BatchRecord[]): Map<number, Readonly<Record<string, unknown>>> => new Map(records.map((r) => [r.json['line'] as number, r.json]));
const status = (json: Readonly<Record<string, unknown>> | undefined, family: 'a' | 'aaaa'): unknown => (json?.[family] as {status?: unknown} | undefined)?.status;

describe('BatchEngine', () => {
	it('starts no name while the output is behind (backlog), lets those in flight finish, and goes on when it clears', async () => {
		const lines = Array.from({length: 60}, (_, i) => `n${i}.example`);
		let behind = false;
		let clear: () => void = () => {};
		const h = start(lines.join('\n') + '\n', {
			concurrency: 4,
			delayMs: () => 2,
			backlog: () => (behind ? new Promise<void>((resolve) => (clear = resolve)) : null),
		});
		await new Promise((resolve) => setTimeout(resolve, 15));
		behind = true;
		await new Promise((resolve) => setTimeout(resolve, 40));
		const startedWhileBehind = h.checked.length;
		expect(startedWhileBehind).toBeLessThan(lines.length);
		await new Promise((resolve) => setTimeout(resolve, 40));
		// Nothing new began; what was in flight finished and was written.
		expect(h.checked.length).toBe(startedWhileBehind);
		expect(h.records.length).toBe(startedWhileBehind);
		behind = false;
		clear();
		await h.run;
		expect(h.records.map((r) => r.json['input']).sort()).toEqual([...lines].sort());
	});

	it('a stop while the output is behind ends the run with the names in flight written', async () => {
		let clear: () => void = () => {};
		let calls = 0;
		const h = start(Array.from({length: 30}, (_, i) => `n${i}.example`).join('\n') + '\n', {
			concurrency: 2,
			backlog: () => (++calls > 3 ? new Promise<void>((resolve) => (clear = resolve)) : null),
		});
		await new Promise((resolve) => setTimeout(resolve, 30));
		h.stop.abort();
		await h.run;
		expect(h.records.length).toBe(h.checked.length);
		expect(h.records.length).toBeLessThan(30);
		clear();
	});

	it('gives every name line exactly one record and none to comments or blanks, within the concurrency', async () => {
		const names = Array.from({length: 200}, (_, i) => `h${i}.example`);
		const h = start(`# list\n\n${names.join('\n')}\n`, {concurrency: 8, delayMs: () => 2});
		await h.run;
		expect(h.records).toHaveLength(200);
		expect([...byLine(h.records).keys()].sort((a, b) => a - b)).toEqual(names.map((_, i) => i + 3));
		expect(h.maxBusy).toBeLessThanOrEqual(8);
		expect(h.tally.skipped).toEqual({comment: 1, blank: 1, header: 0, otherShard: 0});
		expect(h.tally.summary({lines: 202, elapsedMs: 1, qps: null, interrupted: null, unfinished: 0}).verdicts).toEqual({'not-migrated': 200});
	});

	it('turns hostile lines into INVALID records and goes on', async () => {
		const hostile = ['ok1.example', 'bad\u0007bell.example', `${'a'.repeat(300)}.example`, 'empty..label.example', 'x'.repeat(1 << 20), 'tab\tinside', 'ok2.example'];
		const h = start(hostile.join('\n') + '\n');
		await h.run;
		const records = byLine(h.records);
		expect(records.size).toBe(7);
		for (const line of [2, 3, 4, 5, 6]) {
			expect(status(records.get(line), 'a'), `line ${line}`).toBe('INVALID');
			expect(records.get(line)?.['verdict']).toBe('error');
		}
		expect(String(records.get(5)?.['reason'])).toContain('longer than 4096');
		expect(String(records.get(5)?.['input']).length).toBeLessThan(100);
		expect(status(records.get(7), 'a')).toBe('NOERROR');
		expect(h.checked).toEqual(['ok1.example', 'ok2.example']);
		expect(h.tally.invalid).toBe(5);
	});

	it('checks a duplicate once, whether the first is still in flight or long done, and points at it', async () => {
		const text = ['slow.example', 'SLOW.example.', 'a.example', 'nx.example', 'A.EXAMPLE', 'other.example', 'nx.example'].join('\n');
		const h = start(text, {delayMs: (input) => (input === 'slow.example' ? 30 : 1)});
		await h.run;
		expect(h.checked.sort()).toEqual(['a.example', 'nx.example', 'other.example', 'slow.example']);
		const records = byLine(h.records);
		expect(records.get(2)).toMatchObject({duplicateOf: 1, name: 'SLOW.example', verdict: 'not-migrated', a: {status: 'NOERROR'}, aaaa: {status: 'NODATA'}});
		expect(records.get(5)).toMatchObject({duplicateOf: 3, verdict: 'not-migrated'});
		expect(records.get(7)).toMatchObject({duplicateOf: 4, verdict: 'unresolved', a: {status: 'NXDOMAIN'}});
		expect(records.get(1)?.['duplicateOf']).toBeNull();
		// The first's record is written before any duplicate's, so a kill never leaves a dangling pointer.
		const order = h.records.map((r) => r.json['line']);
		expect(order.indexOf(1)).toBeLessThan(order.indexOf(2));
		expect(h.tally.duplicates).toBe(3);
	});

	it('stops taking lines when asked and finishes the ones in flight', async () => {
		const names = Array.from({length: 1000}, (_, i) => `s${i}.example`);
		const h = start(names.join('\n'), {concurrency: 4, delayMs: () => 5});
		await sleep(40);
		h.stop.abort();
		await h.run;
		expect(h.records.length).toBeGreaterThan(0);
		expect(h.records.length).toBeLessThan(1000);
		expect(h.records.length).toBe(h.checked.length);
		// Records are a prefix of the list: nothing was skipped on the way.
		expect([...byLine(h.records).keys()].sort((a, b) => a - b)).toEqual(names.slice(0, h.records.length).map((_, i) => i + 1));
	});

	it('skips lines an earlier run recorded, and answers their duplicates from the brief', async () => {
		const resumed = new ResumedLines();
		resumed.add(1, pack({verdict: 'migrated', a: 'NOERROR', aaaa: 'NOERROR'}), false);
		resumed.add(2, pack({verdict: 'migrated', a: 'NOERROR', aaaa: 'NOERROR'}), true);
		const h = start('one.example\nONE.example\nthree.example\none.example\n', {resumed});
		await h.run;
		expect(h.checked).toEqual(['three.example']);
		expect(byLine(h.records).get(4)).toMatchObject({duplicateOf: 1, verdict: 'migrated'});
		expect(h.records).toHaveLength(2);
	});

	it('takes only the names of its shard', async () => {
		const names = Array.from({length: 300}, (_, i) => `n${i}.example`);
		const shard = {index: 2, count: 3};
		const h = start(names.join('\n'), {shard});
		await h.run;
		const mine = names.filter((n) => inShard(digest(nameKey(n, false, false)), shard));
		expect(h.checked.sort()).toEqual(mine.sort());
		expect(h.tally.skipped.otherShard).toBe(300 - mine.length);
	});

	it('rejects when a check throws (a bug), after the others finish', async () => {
		const h = start('a.example\nboom.example\nc.example\n', {fail: 'boom.example'});
		await expect(h.run).rejects.toThrow('bug');
	});
});
