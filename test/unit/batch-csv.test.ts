// Batch CSV: formula-injection prefixes, quoting, control bytes, and reading our own lines back for --resume.
import {describe, expect, it} from 'vitest';
import {cellText, csvColumns, csvHeader, csvLine, csvRow, parseCsvLine} from '../../src/batch/csv.js';

describe('csvLine', () => {
	it('prefixes cells that a spreadsheet would run as a formula with a single quote', () => {
		const hostile = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'];
		const line = csvLine(hostile.map(cellText));
		const cells = parseCsvLine(line.trimEnd());
		expect(cells.slice(0, 4)).toEqual(["'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2+3", "'@SUM(A1)"]);
		// Tab and CR are escaped as \DDD first, so the cell is plain text without a line break.
		expect(cells.slice(4)).toEqual(['\\009x', '\\013x']);
	});

	it('quotes commas and quotes, and round-trips through parseCsvLine', () => {
		const cells = ['a,b', 'say "hi"', '', 'plain', 'bücher.example'];
		const line = csvLine(cells);
		expect(line).toBe('"a,b","say ""hi""",,plain,bücher.example\n');
		expect(parseCsvLine(line.trimEnd())).toEqual(cells);
	});

	it('never writes a line break inside a record', () => {
		expect(cellText('a\nb\u0000c\u007fd\u009be')).toBe('a\\010b\\000c\\127d\\155e');
		expect(csvLine([cellText('x\ny')]).split('\n')).toHaveLength(2);
	});

	it('has a header with the columns --resume reads, unquoted', () => {
		expect(csvHeader()).toBe(`${csvColumns.join(',')}\n`);
	});
});

describe('csvRow', () => {
	it('flattens a record: addresses space-separated, the chain as a path, problems as text', () => {
		const row = csvRow({
			line: 3,
			input: '=cmd|x',
			rank: null,
			duplicateOf: null,
			name: 'www.example',
			unicode: null,
			a: {status: 'NOERROR', addresses: [{address: '192.0.2.1'}, {address: '192.0.2.2'}], chain: [{target: 'c1.example'}, {target: 'c2.example'}], server: '127.0.0.1:53', problem: null},
			aaaa: {status: 'TIMEOUT', addresses: [], chain: [], server: null, problem: {kind: 'timeout', tries: 2}},
			selection: {chosen: '192.0.2.1'},
			verdict: 'broken-aaaa',
			reason: 'A answers but AAAA is TIMEOUT',
		});
		expect(Object.fromEntries(csvColumns.map((c, i) => [c, row[i]]))).toEqual({
			line: '3',
			input: '=cmd|x',
			rank: '',
			duplicate_of: '',
			name: 'www.example',
			unicode: '',
			verdict: 'broken-aaaa',
			a_status: 'NOERROR',
			aaaa_status: 'TIMEOUT',
			a_addresses: '192.0.2.1 192.0.2.2',
			aaaa_addresses: '',
			a_chain: 'c1.example > c2.example',
			aaaa_chain: '',
			chosen: '192.0.2.1',
			server: '127.0.0.1:53',
			a_problem: '',
			aaaa_problem: 'timeout: 2',
			a_other: '',
			aaaa_other: '',
			reason: 'A answers but AAAA is TIMEOUT',
		});
		expect(csvLine(row)).toContain(",'=cmd|x,");
	});
});
