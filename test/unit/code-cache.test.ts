// The launcher's code cache: used when fresh, never offered when older than the bundle, harmless when V8 rejects it.
import {mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {compileBundle, writeCodeCache, type CompiledBundle} from '../../src/launcher/code-cache.js';

let dir: string;
let bundle: string;
let cache: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'he6-code-cache-'));
	bundle = path.join(dir, 'bundle.js');
	cache = `${bundle}.cache`;
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

/** A bundle whose answer is `n`; every n of one digit gives a source of the same length. */
const source = (n: number): string => `"use strict";\nfunction answer() { return ${n}; }\nmodule.exports.answer = answer();\nmodule.exports.outside = __he6Import('x');\n`;

/** Runs a compiled bundle the way src/launcher.ts does and returns its exports. */
function run(compiled: CompiledBundle): {answer: number; outside: unknown} {
	const module = {exports: {}};
	compiled.run(module.exports, createRequire(bundle), module, bundle, dir, async (specifier) => `outside:${specifier}`);
	return module.exports as {answer: number; outside: unknown};
}

/** Sets a file's modification time `seconds` from now. */
const touch = (file: string, seconds: number): void => {
	const at = Date.now() / 1000 + seconds;
	utimesSync(file, at, at);
};

describe('compileBundle', () => {
	it('runs without a cache, writes one, then uses it', async () => {
		writeFileSync(bundle, source(1));
		const first = compileBundle(bundle, cache);
		expect(first.use).toBe('absent');
		expect(run(first).answer).toBe(1);
		writeCodeCache(first.script, cache);
		expect(readFileSync(cache).length).toBeGreaterThan(0);
		const second = compileBundle(bundle, cache);
		expect(second.use).toBe('used');
		const exports = run(second);
		expect(exports.answer).toBe(1);
		await expect(exports.outside).resolves.toBe('outside:x');
	});

	it('never offers a cache older than the bundle: an edit of the same length runs the new code', () => {
		writeFileSync(bundle, source(1));
		writeCodeCache(compileBundle(bundle, cache).script, cache);
		writeFileSync(bundle, source(2));
		touch(cache, -10);
		touch(bundle, 0);
		const edited = compileBundle(bundle, cache);
		expect(edited.use).toBe('stale');
		expect(run(edited).answer).toBe(2);
	});

	it('compiles as usual when V8 rejects the cache (corrupt bytes, other Node or flags)', () => {
		writeFileSync(bundle, source(3));
		writeFileSync(cache, Buffer.from('not a V8 code cache, just bytes of the wrong kind'));
		touch(bundle, -10);
		const compiled = compileBundle(bundle, cache);
		expect(compiled.use).toBe('rejected');
		expect(run(compiled).answer).toBe(3);
	});

	it('ignores the cache when told to', () => {
		writeFileSync(bundle, source(4));
		writeCodeCache(compileBundle(bundle, cache).script, cache);
		const compiled = compileBundle(bundle, cache, false);
		expect(compiled.use).toBe('off');
		expect(run(compiled).answer).toBe(4);
	});
});
