// Batch input: bounded line splitting (CRLF, chunk boundaries, a 1 MB line) and line classification (comments, Tranco).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {ListClassifier, maxLineBytes, type ListItem} from '../../src/batch/input.js';
import {countLines, readLines, type InputLine} from '../../src/batch/line-reader.js';

async function lines(chunks: (string | Buffer)[], max = 64): Promise<InputLine[]> {
	const out: InputLine[] = [];
	for await (const line of readLines(Readable.from(chunks), max)) out.push(line);
	return out;
}

describe('readLines', () => {
	it('splits on LF, drops a CR before it, keeps a last line without a newline', async () => {
		const got = await lines(['a.example\r\nb.exa', 'mple\n\nc.example']);
		expect(got.map((l) => [l.number, l.text, l.overlong])).toEqual([
			[1, 'a.example', false],
			[2, 'b.example', false],
			[3, '', false],
			[4, 'c.example', false],
		]);
		expect(got.map((l) => l.offset)).toEqual([11, 21, 22, 31]);
	});

	it('gives the same lines whatever the chunking, one byte at a time included', async () => {
		const text = 'one\r\ntwo\nthree\r\n\nfour';
		const whole = await lines([text]);
		const bytes = await lines([...Buffer.from(text)].map((b) => Buffer.from([b])));
		expect(bytes).toEqual(whole);
	});

	it('keeps at most maxBytes of a 1 MB line and says how long it was', async () => {
		const huge = 'x'.repeat(1024 * 1024);
		const got = await lines([`first\n${huge.slice(0, 300_000)}`, huge.slice(300_000), '\nlast\n'], maxLineBytes);
		expect(got).toHaveLength(3);
		expect(got[1]).toMatchObject({number: 2, bytes: 1024 * 1024, overlong: true});
		expect(got[1]?.text.length).toBe(maxLineBytes);
		expect(got[2]).toMatchObject({number: 3, text: 'last', overlong: false});
	});

	it('counts a line of exactly maxBytes (plus CR) as whole', async () => {
		const got = await lines([`${'y'.repeat(64)}\r\n`], 64);
		expect(got[0]).toMatchObject({bytes: 64, overlong: false});
	});
});

const classify = (texts: string[]): ListItem[] => {
	const classifier = new ListClassifier();
	return texts.map((text, i) => classifier.classify({number: i + 1, text, bytes: Buffer.byteLength(text), overlong: false, offset: 0}));
};

describe('ListClassifier', () => {
	it('skips comments and blanks, trims spaces and tabs, strips a trailing comment', () => {
		expect(classify(['\uFEFF# list', '', '  \t', ' www.example.com\t', 'a.example  # note'])).toEqual([
			{kind: 'skip', why: 'comment'},
			{kind: 'skip', why: 'blank'},
			{kind: 'skip', why: 'blank'},
			{kind: 'name', line: 4, input: 'www.example.com', rank: null, invalid: null},
			{kind: 'name', line: 5, input: 'a.example', rank: null, invalid: null},
		]);
	});

	it('detects Tranco rank,domain from the first name line, with or without a header', () => {
		expect(classify(['# top', '1,google.com', '2, "youtube.com" ', 'facebook.com'])).toEqual([
			{kind: 'skip', why: 'comment'},
			{kind: 'name', line: 2, input: 'google.com', rank: 1, invalid: null},
			{kind: 'name', line: 3, input: 'youtube.com', rank: 2, invalid: null},
			{kind: 'name', line: 4, input: 'facebook.com', rank: null, invalid: 'expected rank,domain (the list is in Tranco CSV form)'},
		]);
		expect(classify(['rank,domain', '7,example.org,extra'])).toEqual([
			{kind: 'skip', why: 'header'},
			{kind: 'name', line: 2, input: 'example.org', rank: 7, invalid: null},
		]);
	});

	it('keeps a name list a name list: a later "1,x" is a name (and an invalid one)', () => {
		const items = classify(['example.com', '1,x.example']);
		expect(items[1]).toEqual({kind: 'name', line: 2, input: '1,x.example', rank: null, invalid: null});
	});

	it('turns an overlong line into an invalid name showing its start', () => {
		const classifier = new ListClassifier();
		const item = classifier.classify({number: 9, text: 'z'.repeat(maxLineBytes), bytes: 1 << 20, overlong: true, offset: 0});
		expect(item).toEqual({kind: 'name', line: 9, input: `${'z'.repeat(64)}…`, rank: null, invalid: `line of 1048576 bytes is longer than ${maxLineBytes}`});
	});
});

describe('ListClassifier fast path', () => {
	// The classifier before its fast path for lines without a space, tab or `#`: both regexes on every line.
	const former = (text: string, number: number): {skip: string} | {input: string} => {
		let t = number === 1 ? text.replace(/^\uFEFF/, '') : text;
		t = t.replace(/^[ \t]+|[ \t]+$/g, '');
		if (t === '') return {skip: 'blank'};
		if (t.startsWith('#')) return {skip: 'comment'};
		return {input: t.replace(/[ \t]+#.*$/, '')};
	};

	it('classifies every line as the two regexes alone did (names lists, first line and later ones)', () => {
		fc.assert(
			fc.property(fc.array(fc.constantFrom('a', 'b', '.', '-', '1', ' ', '\t', '#', '\uFEFF', 'é', '\v', ','), {maxLength: 14}), fc.constantFrom(1, 2, 7), (chars, number) => {
				const text = chars.join('');
				const classifier = new ListClassifier();
				// A names list (so no Tranco rank parsing): decided by a first line that is a plain name.
				if (number !== 1) classifier.classify({number: 1, text: 'first.example', bytes: 13, overlong: false, offset: 14});
				const item = classifier.classify({number, text, bytes: Buffer.byteLength(text), overlong: false, offset: 0});
				const want = former(text, number);
				if ('skip' in want) expect(item).toEqual({kind: 'skip', why: want.skip});
				else if (number === 1 && item.kind === 'skip') expect(item.why).toBe('header');
				else if (item.kind === 'name' && classifier.format === 'names') expect(item.input).toBe(want.input);
			}),
			{numRuns: 2000},
		);
	});
});

describe('countLines', () => {
	it('counts what readLines yields: a last line without a newline counts, an empty file has none, a device is not counted', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'he6-count-'));
		try {
			// Over 1 MiB (the read size), with a newline on each side of a read boundary.
			const big = 'a.example\n'.repeat(120_000) + 'last.example';
			const cases: [string, number][] = [['', 0], ['\n', 1], ['one', 1], ['one\n', 1], ['one\ntwo', 2], ['one\r\ntwo\r\n', 2], [big, 120_001], [`${big}\n`, 120_001]];
			for (const [i, [text, lines]] of cases.entries()) {
				const file = join(dir, `list-${i}.txt`);
				writeFileSync(file, text);
				expect(await countLines(file)).toBe(lines);
			}
			expect(await countLines('/dev/null')).toBeNull();
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
