// The Ink view's reducer, tested as a pure function: no React, no terminal.
import {describe, expect, test} from 'vitest';
import type {LookupEvent} from '../../src/core/events.js';
import type {HostResult} from '../../src/core/host-result.js';
import {doneCount, initialState, reduce, type LookupViewState} from '../../src/ui/state.js';
import {config, hostEvents, linkedin, results, runEvents, server, summary} from '../support/ui-events.js';

/** Freezes deeply, so any mutation inside the reducer throws (ES modules run in strict mode). */
function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
	}
	return value;
}

function fold(events: readonly LookupEvent[], from: LookupViewState = initialState): LookupViewState {
	return events.reduce((state, event) => reduce(deepFreeze(state), deepFreeze(event)), from);
}

const result = (i: number): HostResult => results[i] as HostResult;
const started = fold([{kind: 'run-start', stack: 'glibc', sources: 'this host (kernel)', config, hosts: results.map((r) => r.input)}]);

describe('reduce', () => {
	test('run-start brings the config and the number of hosts, and nothing is running yet', () => {
		expect(started.config).toBe(config);
		expect(started.total).toBe(4);
		expect(started.running).toEqual([]);
		expect(started.summary).toBeNull();
	});

	test('host-start adds an idle host, kept in input order even if starts arrive out of order', () => {
		const state = fold(
			[
				{kind: 'host-start', index: 1, input: 'github.com'},
				{kind: 'host-start', index: 0, input: 'www.linkedin.com'},
			],
			started,
		);
		expect(state.running.map((h) => h.index)).toEqual([0, 1]);
		expect(state.running[0]?.families.A).toEqual({phase: 'idle', queries: 0, last: null, outcome: null});
	});

	test('a repeated host-start does not add the host twice', () => {
		const once = fold([{kind: 'host-start', index: 0, input: 'www.linkedin.com'}], started);
		expect(reduce(once, {kind: 'host-start', index: 0, input: 'www.linkedin.com'})).toBe(once);
	});

	test('query-sent puts the family in flight, counts the queries and remembers what was asked of whom', () => {
		const sent: LookupEvent = {kind: 'query-sent', index: 0, family: 'AAAA', qname: 'www.linkedin.com', server, transport: 'udp'};
		const state = fold([{kind: 'host-start', index: 0, input: 'www.linkedin.com'}, sent, {...sent, transport: 'tcp'}], started);
		const aaaa = state.running[0]?.families.AAAA;
		expect(aaaa?.phase).toBe('in-flight');
		expect(aaaa?.queries).toBe(2);
		expect(aaaa?.last).toEqual({qname: 'www.linkedin.com', server, transport: 'tcp'});
		expect(state.running[0]?.families.A.phase).toBe('idle');
		expect(state.anySent).toBe(true);
	});

	test('family-done shows one family finished while the host is still running', () => {
		const state = fold([...hostEvents(0).slice(0, 3), {kind: 'family-done', index: 0, outcome: linkedin.aaaa}], started);
		const host = state.running[0];
		expect(host?.families.AAAA.phase).toBe('done');
		expect(host?.families.AAAA.outcome).toBe(linkedin.aaaa);
		expect(host?.families.A.phase).toBe('in-flight');
		expect(state.finished).toEqual([]);
	});

	test('events for a host that never started leave the state as it was', () => {
		expect(reduce(started, {kind: 'family-done', index: 7, outcome: linkedin.a})).toBe(started);
		expect(reduce(started, {kind: 'query-sent', index: 7, family: 'A', qname: 'x', server, transport: 'udp'}).running).toEqual([]);
	});

	test('a host finished before an earlier one waits, then both print in input order', () => {
		const early = fold([...hostEvents(0), ...hostEvents(1), {kind: 'host-done', result: result(1)}], started);
		expect(early.finished).toEqual([]);
		expect(early.waiting.map((r) => r.index)).toEqual([1]);
		expect(early.running.map((h) => h.index)).toEqual([0]);
		expect(doneCount(early)).toBe(1);

		const both = reduce(early, {kind: 'host-done', result: result(0)});
		expect(both.finished.map((r) => r.index)).toEqual([0, 1]);
		expect(both.waiting).toEqual([]);
		expect(both.running).toEqual([]);
	});

	test('a repeated host-done is ignored', () => {
		const once = fold([...hostEvents(0), {kind: 'host-done', result: result(0)}], started);
		expect(reduce(once, {kind: 'host-done', result: result(0)})).toBe(once);
	});

	test('a whole run ends with every host finished in input order and the summary', () => {
		const state = fold(runEvents());
		expect(state.finished.map((r) => r.input)).toEqual(results.map((r) => r.input));
		expect(state.running).toEqual([]);
		expect(state.waiting).toEqual([]);
		expect(state.summary).toBe(summary);
		expect(doneCount(state)).toBe(4);
	});

	test('a run of invalid names only sends nothing', () => {
		const state = fold([...hostEvents(2), {kind: 'host-done', result: result(2)}], started);
		expect(state.anySent).toBe(false);
	});

	test('two thousand hosts finishing in reverse order still come out in input order', () => {
		const n = 2000;
		const events: LookupEvent[] = [{kind: 'run-start', stack: 'glibc', sources: 'this host (kernel)', config, hosts: Array.from({length: n}, (_, i) => `h${i}.example`)}];
		for (let i = 0; i < n; i++) events.push({kind: 'host-start', index: i, input: `h${i}.example`});
		for (let i = n - 1; i >= 0; i--) events.push({kind: 'host-done', result: {...result(1), index: i, input: `h${i}.example`}});
		// No deep freezing here: this one is about order and speed, not purity.
		const state = events.reduce(reduce, initialState);
		expect(state.finished).toHaveLength(n);
		expect(state.finished.every((r, i) => r.index === i)).toBe(true);
	});
});
