// --resume: reading an earlier run's NDJSON or CSV, cutting a torn last record, refusing files that are not ours.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {csvHeader, csvLine, csvRow} from '../../src/batch/csv.js';
import {readResumed, ResumeError} from '../../src/batch/resume.js';
import {BatchTally} from '../../src/batch/tally.js';

const dir = mkdtempSync(join(tmpdir(), 'he6-resume-'));
const record = (line: number, verdict: string, a: string, aaaa: string, duplicateOf: number | null = null) => ({
	line,
	input: `h${line}.example`,
	rank: null,
	duplicateOf,
	name: `h${line}.example`,
	a: {status: a},
	aaaa: {status: aaaa},
	verdict,
	reason: 'r',
});

describe('readResumed', () => {
	it('reads NDJSON records, folds them into the tally, and cuts a record torn by a kill', async () => {
		const file = join(dir, 'torn.ndjson');
		const whole = [record(1, 'migrated', 'NOERROR', 'NOERROR'), record(3, 'unresolved', 'NXDOMAIN', 'NXDOMAIN'), record(2, 'migrated', 'NOERROR', 'NOERROR', 1)]
			.map((r) => JSON.stringify(r) + '\n')
			.join('');
		writeFileSync(file, whole + '{"line":4,"input":"h4.exa');
		const tally = new BatchTally();
		const {lines, empty} = await readResumed(file, 'ndjson', tally);
		expect(empty).toBe(false);
		expect(lines.size).toBe(3);
		expect(lines.get(2)?.duplicate).toBe(true);
		expect(lines.get(4)).toBeUndefined();
		expect(readFileSync(file, 'utf8')).toBe(whole);
		expect(tally.resumed).toBe(3);
		expect(tally.verdicts).toEqual({migrated: 2, unresolved: 1});
	});

	it('reads its own CSV back, header first', async () => {
		const file = join(dir, 'out.csv');
		writeFileSync(file, csvHeader() + csvLine(csvRow(record(1, 'not-migrated', 'NOERROR', 'NODATA'))) + csvLine(csvRow(record(5, 'not-migrated', 'NOERROR', 'NODATA', 1))));
		const {lines} = await readResumed(file, 'csv', new BatchTally());
		expect(lines.get(1)?.duplicate).toBe(false);
		expect(lines.get(5)?.duplicate).toBe(true);
	});

	it('treats a missing or empty file as nothing done', async () => {
		expect((await readResumed(join(dir, 'absent.ndjson'), 'ndjson', new BatchTally())).empty).toBe(true);
		const empty = join(dir, 'empty.csv');
		writeFileSync(empty, '');
		expect((await readResumed(empty, 'csv', new BatchTally())).empty).toBe(true);
	});

	it('refuses to append to a file that is not its output', async () => {
		const file = join(dir, 'foreign.ndjson');
		writeFileSync(file, '{"line":1,"verdict":"migrated","a":{"status":"NOERROR"},"aaaa":{"status":"NOERROR"}}\nhello world\n{"x":1}\n');
		await expect(readResumed(file, 'ndjson', new BatchTally())).rejects.toThrow(ResumeError);
		await expect(readResumed(file, 'ndjson', new BatchTally())).rejects.toThrow(/line 2 is not a he6-dns batch ndjson record/);
		const csv = join(dir, 'foreign.csv');
		writeFileSync(csv, 'a,b,c\n1,2,3\n');
		await expect(readResumed(csv, 'csv', new BatchTally())).rejects.toThrow(/CSV header/);
	});
});
