// Batch bookkeeping: the compact duplicate table, name keys and shards, packed outcome briefs.
import {describe, expect, it} from 'vitest';
import {digest, inShard, nameKey, parseShard, seededDigest} from '../../src/batch/name-key.js';
import {pack, pending, unpack, briefOf} from '../../src/batch/outcome-code.js';
import {lineKey, SeenTable} from '../../src/batch/seen-table.js';

describe('SeenTable', () => {
	it('finds what it holds through many growths, and nothing else', () => {
		const table = new SeenTable(4);
		for (let i = 0; i < 50_000; i++) table.insert(digest(`n${i}.example`), i + 1, i % 7);
		expect(table.size).toBe(50_000);
		for (let i = 0; i < 50_000; i += 997) {
			const slot = table.find(digest(`n${i}.example`));
			expect(slot).toBeGreaterThanOrEqual(0);
			expect(table.line(slot)).toBe(i + 1);
			expect(table.code(slot)).toBe(i % 7);
		}
		expect(table.find(digest('absent.example'))).toBe(-1);
	});

	it('updates a code, and stores an all-zero key', () => {
		const table = new SeenTable();
		const zero = {hi: 0, lo: 0};
		table.insert(zero, 5, pending);
		table.setCode(zero, 9);
		expect(table.code(table.find(zero))).toBe(9);
		table.insert(lineKey(12), 12, 3);
		expect(table.line(table.find(lineKey(12)))).toBe(12);
	});
});

describe('name keys and shards', () => {
	it('folds case and, without the search list, the trailing dot', () => {
		expect(nameKey('WWW.Example.COM', true, false)).toBe('www.example.com');
		expect(nameKey('www.example.com', true, true)).toBe('www.example.com.');
		expect(nameKey('www.example.com', false, true)).toBe('www.example.com');
	});

	it('is the first 64 bits of SHA-1, so other tools can reproduce a split', () => {
		expect(digest('example.com')).toEqual({hi: 0x0caaf24a, lo: 0xb1a0c334});
		// python3: int(hashlib.sha1(b'example.com').hexdigest()[:8], 16) % 4 + 1 == 3
		expect(inShard(digest('example.com'), {index: 3, count: 4})).toBe(true);
		expect(inShard(digest('www.example.com'), {index: 2, count: 4})).toBe(true);
	});

	it('has a seeded digest for the duplicate table: equal keys equal, no collision among near names, the seed changes it', () => {
		const hash = seededDigest(12345);
		const seen = new Set<string>();
		const names: string[] = [];
		for (let i = 0; i < 100_000; i++) names.push(`n${i}.example`, `n${i}.example.`, `m${i}.example`, `${i}`, `n${i}`);
		names.push('', 'a', 'b', 'ab', 'ba', '\u00e9', 'e\u0301', '\ud83d\ude00');
		const unstable: string[] = [];
		const collided: string[] = [];
		for (const name of names) {
			const d = hash(name);
			const again = hash(name);
			if (again.hi !== d.hi || again.lo !== d.lo) unstable.push(name);
			const text = `${d.hi}:${d.lo}`;
			if (seen.has(text)) collided.push(name);
			seen.add(text);
		}
		expect(unstable).toEqual([]);
		expect(collided).toEqual([]);
		expect(seededDigest(1)('example.com')).not.toEqual(seededDigest(2)('example.com'));
	});

	it('puts every name in exactly one shard, about evenly', () => {
		const counts = [0, 0, 0, 0, 0];
		for (let i = 0; i < 5000; i++) {
			const d = digest(`h${i}.example`);
			const shards = [1, 2, 3, 4, 5].filter((k) => inShard(d, {index: k, count: 5}));
			expect(shards).toHaveLength(1);
			counts[(shards[0] ?? 1) - 1]!++;
		}
		for (const n of counts) expect(n).toBeGreaterThan(900);
	});

	it('parses K/N', () => {
		expect(parseShard('2/4')).toEqual({index: 2, count: 4});
		for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/4/2']) expect(parseShard(bad)).toBeNull();
	});
});

describe('outcome briefs', () => {
	it('pack and unpack every combination; 0 is pending', () => {
		const brief = {verdict: 'broken-aaaa', a: 'NOERROR', aaaa: 'SERVFAIL'} as const;
		expect(unpack(pack(brief))).toEqual(brief);
		expect(unpack(pending)).toBeNull();
		expect(pack({verdict: 'error', a: 'INVALID', aaaa: 'INVALID'})).toBeLessThan(1 << 20);
	});

	it('reads a brief from untrusted text or refuses it', () => {
		expect(briefOf('migrated', 'NOERROR', 'NOERROR')).toEqual({verdict: 'migrated', a: 'NOERROR', aaaa: 'NOERROR'});
		expect(briefOf('migrated', 'NOERROR', 'BOGUS')).toBeNull();
		expect(briefOf(1, 'NOERROR', 'NOERROR')).toBeNull();
	});
});
