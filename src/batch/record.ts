// One output record per name line: the lookup's JSON shape plus where the line was and what it said.
import type {HostResult} from '../core/host-result.js';
import {judge} from '../core/verdict.js';
import {hostJson} from '../report/json.js';
import {JsonBytes} from '../report/json-bytes.js';
import {writeHostTail} from '../report/json-text.js';
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
	/** The record as an object (CSV reads it; built on first use). */
	readonly json: Readonly<Record<string, unknown>>;
	readonly brief: Brief;
	readonly queries: number;
	/** Appends the NDJSON line, jsonLine(json) byte for byte, to `out`. */
	write(out: JsonBytes): void;
	/** The same line as a string. */
	line(): string;
}

const briefOfResult = (result: HostResult): Brief => ({verdict: result.verdict, a: result.a.status, aaaa: result.aaaa.status});

/** A record's first keys, as its object has them: `{"line":…,"input":…,"rank":…,"duplicateOf":…,"name":…`. */
function writeHead(out: JsonBytes, line: number, input: string, rank: number | null, duplicateOf: number | null, name: string): void {
	out.ascii('{"line":');
	out.number(line);
	out.ascii(',"input":');
	out.string(input);
	out.ascii(',"rank":');
	out.nullableNumber(rank);
	out.ascii(',"duplicateOf":');
	out.nullableNumber(duplicateOf);
	out.ascii(',"name":');
	out.string(name);
}

/** A record's NDJSON line as text (`size`: the buffer to start with). */
function lineOf(record: {write(out: JsonBytes): void}, size: number): string {
	const out = new JsonBytes(size);
	record.write(out);
	return out.text();
}

/**
 * A checked (or invalid) name: `line`, `input`, `rank`, `duplicateOf: null`, then hostJson's fields.
 * Decision: the NDJSON line is written from the result by report/json-text.ts; the object is only
 * made when something reads it (CSV), since most runs write NDJSON and the object was most of a record's cost.
 */
class FullRecord implements BatchRecord {
	readonly #place: LinePlace;
	readonly #result: HostResult;
	#json: Readonly<Record<string, unknown>> | null = null;
	readonly brief: Brief;
	readonly queries: number;

	constructor(place: LinePlace, result: HostResult) {
		this.#place = place;
		this.#result = result;
		this.brief = briefOfResult(result);
		this.queries = result.a.queries + result.aaaa.queries;
	}

	get json(): Readonly<Record<string, unknown>> {
		// hostJson's own `input` is the same text; spreading it keeps the key where it is placed here.
		return (this.#json ??= {line: this.#place.line, input: this.#place.input, rank: this.#place.rank, duplicateOf: null, ...hostJson(this.#result)});
	}

	write(out: JsonBytes): void {
		const place = this.#place;
		const result = this.#result;
		// The spread above: `input` keeps its place after `line` and takes hostJson's value.
		writeHead(out, place.line, result.input, place.rank, null, result.name);
		out.ascii(',');
		writeHostTail(out, result);
		out.ascii('}\n');
	}

	line(): string {
		return lineOf(this, 2048);
	}
}

export function fullRecord(place: LinePlace, result: HostResult): BatchRecord {
	return new FullRecord(place, result);
}

/**
 * A later line with a name already checked. Decision: its families carry only their status and the
 * reason points at the first line, whose record has the evidence. Keeping every result for the
 * duplicates that may come would make memory grow with the list; the brief (verdict and statuses)
 * is a few bits per name and kept for all of them. Its NDJSON line is written as bytes, like a full
 * record's (a list cycled ten times is nine tenths duplicates, and the object, its reason text and
 * jsonLine's string were most of what such a run allocated); the object is made when read (CSV, JSON).
 */
class DuplicateRecord implements BatchRecord {
	readonly #place: LinePlace;
	readonly #name: string;
	readonly #unicode: string | null;
	readonly #first: number;
	#json: Readonly<Record<string, unknown>> | null = null;
	readonly brief: Brief;
	readonly queries = 0;

	constructor(place: LinePlace, name: string, unicode: string | null, brief: Brief, first: number) {
		this.#place = place;
		this.#name = name;
		this.#unicode = unicode;
		this.brief = brief;
		this.#first = first;
	}

	get json(): Readonly<Record<string, unknown>> {
		const place = this.#place;
		const brief = this.brief;
		return (this.#json ??= {
			line: place.line,
			input: place.input,
			rank: place.rank,
			duplicateOf: this.#first,
			name: this.#name,
			unicode: this.#unicode,
			a: {status: brief.a},
			aaaa: {status: brief.aaaa},
			selection: null,
			verdict: brief.verdict,
			reason: `same name as line ${this.#first}, checked once (the evidence is in that record)`,
		});
	}

	/** jsonLine(json), field by field in the object's order (json-text.test.ts holds the two equal). */
	write(out: JsonBytes): void {
		const place = this.#place;
		const brief = this.brief;
		writeHead(out, place.line, place.input, place.rank, this.#first, this.#name);
		out.ascii(',"unicode":');
		out.nullableString(this.#unicode);
		out.ascii(',"a":{"status":"');
		out.ascii(brief.a);
		out.ascii('"},"aaaa":{"status":"');
		out.ascii(brief.aaaa);
		out.ascii('"},"selection":null,"verdict":"');
		out.ascii(brief.verdict);
		out.ascii('","reason":"same name as line ');
		out.number(this.#first);
		out.ascii(', checked once (the evidence is in that record)"}\n');
	}

	line(): string {
		return lineOf(this, 1024);
	}
}

export function duplicateRecord(place: LinePlace, name: string, unicode: string | null, brief: Brief, first: number): BatchRecord {
	return new DuplicateRecord(place, name, unicode, brief, first);
}

/** The result of a line refused before sending: an invalid name, an overlong line, a bad Tranco row. */
export function invalidResult(input: string, detail: string, index: number): HostResult {
	const a = invalidOutcome('A', input, detail);
	const aaaa = invalidOutcome('AAAA', input, detail);
	return {index, input, name: input, unicode: null, a, aaaa, selection: null, ...judge(a, aaaa, {selection: null, noAaaa: false, describeRule})};
}
