// Compiles the CLI bundle through node:vm with V8's code cache beside it, and writes that cache (issue 6, start-up).
//
// Decision: Node 20's CommonJS loader compiles dist/he6-dns.js from scratch on every run (~11 ms here
// for the 370 KB bundle), then compiles each function it calls on first use. A V8 code cache made at
// build time after a real lookup holds the bytecode of the top level and of every function that
// lookup ran, so a run deserialises (~5 ms) instead of parsing and compiling (measured: ~13 ms less
// user CPU a lookup). Node 22's module.enableCompileCache() does the same; Node 20 lacks it.
// V8 checks its version, its flags and the source's *length* only, so a cache older than the bundle
// is never offered (an edited bundle of the same length would otherwise run the old bytecode).
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {Script} from 'node:vm';

/** What happened to the cache: used, rejected by V8 (other Node, other flags), older than the bundle, missing, or turned off. */
export type CacheUse = 'used' | 'rejected' | 'stale' | 'absent' | 'off';

/** The bundle's function: CommonJS's five parameters, then the loader's import() for what stays outside the bundle. */
export type BundleFunction = (
	exports: object,
	require: NodeJS.Require,
	module: {exports: object},
	filename: string,
	dirname: string,
	importOutside: (specifier: string) => Promise<unknown>,
) => void;

export interface CompiledBundle {
	readonly run: BundleFunction;
	readonly use: CacheUse;
	readonly script: Script;
}

// One line, so the bundle's line numbers stay its own (only line 1's columns move, as with Node's wrapper).
const head = '(function (exports, require, module, __filename, __dirname, __he6Import) { ';
const tail = '\n})';

function freshCache(bundleFile: string, cacheFile: string): Buffer | 'stale' | 'absent' {
	let cacheTime: number;
	try {
		cacheTime = statSync(cacheFile).mtimeMs;
	} catch {
		return 'absent';
	}
	if (cacheTime < statSync(bundleFile).mtimeMs) return 'stale';
	try {
		return readFileSync(cacheFile);
	} catch {
		return 'absent';
	}
}

/** Compiles `bundleFile` as a function, offering V8 `cacheFile` unless `useCache` is false or the cache is older. */
export function compileBundle(bundleFile: string, cacheFile: string, useCache = true): CompiledBundle {
	const source = readFileSync(bundleFile, 'utf8');
	const cache = useCache ? freshCache(bundleFile, cacheFile) : 'off';
	const cachedData = typeof cache === 'string' ? undefined : cache;
	const script = new Script(head + source + tail, {filename: bundleFile, cachedData});
	const use: CacheUse = typeof cache === 'string' ? cache : script.cachedDataRejected === true ? 'rejected' : 'used';
	return {run: script.runInThisContext() as BundleFunction, use, script};
}

/** Writes the code cache of `script` as it is now: the top level plus every function compiled so far. */
export function writeCodeCache(script: Script, cacheFile: string): void {
	writeFileSync(cacheFile, script.createCachedData());
}
