// One output record per name line: the lookup's JSON shape plus where the line was and what it said.
import type {HostResult} from '../core/host-result.js';
import {judge} from '../core/verdict.js';
import {hostJson, jsonLine} from '../report/json.js';
import {invalidOutcome} from '../resolve/lookup.js';
import {describeRule} from '../select/rfc6724.js';
import type {Brief} from './outcome-code.js';

/** Where a record came from in the list. */
export interface LinePlace {
	readonly line: number;
	readonly input: string;
	readonly rank: number | null;
}

/** A record as written, with its brief (for the tally) and the queries it cost. */
export interface BatchRecord {
	readonly json: Readonly<Record<string, unknown>>;
	readonly brief: Brief;
	readonly queries: number;
}

const briefOfResult = (result: HostResult): Brief => ({verdict: result.verdict, a: result.a.status, aaaa: result.aaaa.status});

/** A checked (or invalid) name: `line`, `input`, `rank`, `duplicateOf: null`, then hostJson's fields. */
export function fullRecord(place: LinePlace, result: HostResult): BatchRecord {
	// hostJson's own `input` is the same text; spreading it keeps the key where it is placed here.
	const json = {line: place.line, input: place.input, rank: place.rank, duplicateOf: null, ...hostJson(result)};
	return {json, brief: briefOfResult(result), queries: result.a.queries + result.aaaa.queries};
}

/**
 * A later line with a name already checked. Decision: its families carry only their status and the
 * reason points at the first line, whose record has the evidence. Keeping every result for the
 * duplicates that may come would make memory grow with the list; the brief (verdict and statuses)
 * is a few bits per name and kept for all of them.
 */
export function duplicateRecord(place: LinePlace, name: string, unicode: string | null, brief: Brief, first: number): BatchRecord {
	const json = {
		line: place.line,
		input: place.input,
		rank: place.rank,
		duplicateOf: first,
		name,
		unicode,
		a: {status: brief.a},
		aaaa: {status: brief.aaaa},
		selection: null,
		verdict: brief.verdict,
		reason: `same name as line ${first}, checked once (the evidence is in that record)`,
	};
	return {json, brief, queries: 0};
}

/** The result of a line refused before sending: an invalid name, an overlong line, a bad Tranco row. */
export function invalidResult(input: string, detail: string, index: number): HostResult {
	const a = invalidOutcome('A', input, detail);
	const aaaa = invalidOutcome('AAAA', input, detail);
	return {index, input, name: input, unicode: null, a, aaaa, selection: null, ...judge(a, aaaa, {selection: null, noAaaa: false, describeRule})};
}

/** One NDJSON line, escaped as the lookup's (report/json.ts). */
export const recordLine = (json: Readonly<Record<string, unknown>>): string => jsonLine(json);
