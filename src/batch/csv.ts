// Records as CSV rows through csv-stringify, safe to open in a spreadsheet, and read back for --resume.
import {stringify} from 'csv-stringify/sync';

/**
 * The columns, fixed. `line`, `verdict`, `a_status`, `aaaa_status` and `duplicate_of` are what
 * --resume reads back; they are digits or enum words, never quoted or prefixed.
 */
export const csvColumns = [
	'line',
	'input',
	'rank',
	'duplicate_of',
	'name',
	'unicode',
	'verdict',
	'a_status',
	'aaaa_status',
	'a_addresses',
	'aaaa_addresses',
	'a_chain',
	'aaaa_chain',
	'chosen',
	'server',
	'a_problem',
	'aaaa_problem',
	'a_other',
	'aaaa_other',
	'reason',
] as const;

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const field = (o: unknown, key: string): unknown => (isObject(o) ? o[key] : undefined);

/**
 * Control characters become `\DDD` (as dig escapes them): a cell then never holds a line break, so
 * every record is one physical line (and --resume can read the file line by line), and no control
 * byte reaches whoever views the file.
 */
export function cellText(value: unknown): string {
	if (value === null || value === undefined) return '';
	const text = typeof value === 'string' ? value : String(value);
	// eslint-disable-next-line no-control-regex
	return /[\u0000-\u001f\u007f-\u009f]/.test(text) ? text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`) : text;
}

function familyCells(family: unknown): {status: string; addresses: string; chain: string; problem: string; other: string} {
	const problem = field(family, 'problem');
	return {
		// `owner TYPE data` per record (RFC 3597 `TYPEn \# len hex` for undecoded types), ` | ` between records.
		other: list(field(family, 'otherRecords'))
			.map((r) => cellText(['name', 'type', 'data'].map((k) => String(field(r, k))).join(' ')))
			.join(' | '),
		status: cellText(field(family, 'status')),
		addresses: list(field(family, 'addresses')).map((r) => cellText(field(r, 'address'))).join(' '),
		chain: list(field(family, 'chain')).map((l) => cellText(field(l, 'target'))).join(' > '),
		problem: isObject(problem) ? cellText(Object.values(problem).join(': ')) : '',
	};
}

/** The row of one record, in `csvColumns` order. */
export function csvRow(json: Json): string[] {
	const a = familyCells(json['a']);
	const aaaa = familyCells(json['aaaa']);
	const server = field(json['aaaa'], 'server') ?? field(json['a'], 'server');
	return [
		cellText(json['line']),
		cellText(json['input']),
		cellText(json['rank']),
		cellText(json['duplicateOf']),
		cellText(json['name']),
		cellText(json['unicode']),
		cellText(json['verdict']),
		a.status,
		aaaa.status,
		a.addresses,
		aaaa.addresses,
		a.chain,
		aaaa.chain,
		cellText(field(json['selection'], 'chosen')),
		cellText(server),
		a.problem,
		aaaa.problem,
		a.other,
		aaaa.other,
		cellText(json['reason']),
	];
}

/**
 * Decision: csv-stringify's `escape_formulas` prefixes a cell starting with `=`, `+`, `-`, `@`, tab
 * or CR with a single quote (OWASP's CSV-injection advice), so a hostile name such as
 * `=HYPERLINK(…)` is shown as text, not run, by Excel, LibreOffice and Sheets.
 */
export function csvLine(cells: readonly string[]): string {
	return stringify([cells], {escape_formulas: true, record_delimiter: 'unix'});
}

export const csvHeader = (): string => csvLine([...csvColumns]);

/** Splits one physical CSV line into cells (RFC 4180 quoting); enough for the files written above. */
export function parseCsvLine(text: string): string[] {
	const cells: string[] = [];
	let at = 0;
	for (;;) {
		if (text[at] === '"') {
			let cell = '';
			at++;
			for (;;) {
				const quote = text.indexOf('"', at);
				if (quote < 0) return [...cells, cell + text.slice(at)];
				cell += text.slice(at, quote);
				if (text[quote + 1] === '"') {
					cell += '"';
					at = quote + 2;
				} else {
					at = quote + 1;
					break;
				}
			}
			cells.push(cell);
		} else {
			const comma = text.indexOf(',', at);
			cells.push(text.slice(at, comma < 0 ? text.length : comma));
			at = comma < 0 ? text.length : comma;
		}
		if (at >= text.length || text[at] !== ',') return cells;
		at++;
	}
}
