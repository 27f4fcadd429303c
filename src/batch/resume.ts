// --resume: which lines an earlier run's output already holds, what they came to, and a clean tail to append to.
import {createReadStream} from 'node:fs';
import {open, stat} from 'node:fs/promises';
import {csvColumns, csvHeader, parseCsvLine} from './csv.js';
import {readLines} from './line-reader.js';
import {briefOf, pack, type Brief} from './outcome-code.js';
import {lineKey, SeenTable} from './seen-table.js';
import type {BatchTally} from './tally.js';

/** The output file cannot be continued (it is not ours); the message says why. */
export class ResumeError extends Error {
	override readonly name = 'ResumeError';
}

export type ResumableFormat = 'ndjson' | 'csv';

/** The lines already done, with each one's packed brief and whether it was a duplicate. */
export class ResumedLines {
	readonly #table = new SeenTable(1024);

	get size(): number {
		return this.#table.size;
	}

	/** Adds a line; false if the output already had it (then the first record stands). */
	add(line: number, code: number, duplicate: boolean): boolean {
		const key = lineKey(line);
		if (this.#table.find(key) >= 0) return false;
		this.#table.insert(key, line, code | (duplicate ? duplicateBit : 0));
		return true;
	}

	get(line: number): {code: number; duplicate: boolean} | undefined {
		const slot = this.#table.find(lineKey(line));
		if (slot < 0) return undefined;
		const value = this.#table.code(slot);
		return {code: value & ~duplicateBit, duplicate: (value & duplicateBit) !== 0};
	}
}

const duplicateBit = 1 << 20;
/** Records are far below this; a longer line is not ours. */
const maxRecordBytes = 16 * 1024 * 1024;

interface ParsedRecord {
	readonly line: number;
	readonly brief: Brief;
	readonly duplicate: boolean;
}

function parseNdjson(text: string): ParsedRecord | null {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return null;
	}
	if (typeof data !== 'object' || data === null) return null;
	const record = data as Record<string, unknown>;
	const family = (k: string): unknown => (record[k] as Record<string, unknown> | null | undefined)?.['status'];
	const brief = briefOf(record['verdict'], family('a'), family('aaaa'));
	const line = record['line'];
	if (brief === null || typeof line !== 'number' || !Number.isInteger(line) || line < 1) return null;
	return {line, brief, duplicate: typeof record['duplicateOf'] === 'number'};
}

const column = (name: (typeof csvColumns)[number]): number => csvColumns.indexOf(name);

function parseCsv(text: string): ParsedRecord | null {
	const cells = parseCsvLine(text);
	const line = Number(cells[column('line')]);
	const brief = briefOf(cells[column('verdict')], cells[column('a_status')], cells[column('aaaa_status')]);
	if (brief === null || !Number.isInteger(line) || line < 1) return null;
	return {line, brief, duplicate: (cells[column('duplicate_of')] ?? '') !== ''};
}

/**
 * Reads the output of an earlier run. Every record is folded into `tally` (so the summary covers the
 * whole file) and its line marked done. A last line without its newline is a write cut short by a
 * kill: the file is truncated before it and that line is done again. Anything else that is not a
 * record is an error: appending to a file that is not ours would mix two things.
 */
export async function readResumed(path: string, format: ResumableFormat, tally: BatchTally): Promise<{lines: ResumedLines; empty: boolean}> {
	const lines = new ResumedLines();
	const size = await stat(path).then((s) => s.size, () => -1);
	if (size <= 0) return {lines, empty: true};
	const wholeTail = await lastByteIsNewline(path, size);
	let keepBytes = 0;
	let first = true;
	for await (const raw of readLines(createReadStream(path, {end: size - 1}), maxRecordBytes)) {
		// Only the last line can lack its newline.
		if (raw.offset === size && !wholeTail) break;
		keepBytes = raw.offset;
		if (format === 'csv' && first) {
			first = false;
			if (raw.text + '\n' !== csvHeader()) throw new ResumeError(`${path} does not start with he6-dns batch's CSV header; --resume appends only to its own output`);
			continue;
		}
		first = false;
		const parsed = raw.overlong ? null : format === 'csv' ? parseCsv(raw.text) : parseNdjson(raw.text);
		if (parsed === null) throw new ResumeError(`${path} line ${raw.number} is not a he6-dns batch ${format} record; --resume appends only to its own output`);
		if (lines.add(parsed.line, pack(parsed.brief), parsed.duplicate)) tally.add(parsed.brief, 'resumed');
	}
	if (keepBytes < size) {
		const handle = await open(path, 'r+');
		await handle.truncate(keepBytes);
		await handle.close();
	}
	return {lines, empty: keepBytes === 0};
}

/** Whether the file's last byte is a newline (its last record was written whole). */
async function lastByteIsNewline(path: string, size: number): Promise<boolean> {
	const handle = await open(path, 'r');
	try {
		const byte = Buffer.alloc(1);
		await handle.read(byte, 0, 1, size - 1);
		return byte[0] === 0x0a;
	} finally {
		await handle.close();
	}
}
