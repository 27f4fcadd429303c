// Builds dist/: the CLI as one CommonJS file (dist/he6-dns.js) run by a launcher with its V8 code cache (dist/cli.js), and the Ink views as ES modules loaded only when a terminal view is shown.
//
// Decisions (issue 6, start-up; measurements in ARCHITECTURE.md):
// - One bundled file: Node no longer resolves, reads and compiles ~60 files and the CommonJS packages
//   behind them (commander, dns-packet, ipaddr.js, each through the cjs-module-lexer).
// - CommonJS, not ESM, for that file: on Node 20 the first ES module brings up the ESM loader
//   (fs/promises, readline, the stream stack) and every `import … from 'node:x'` builds a facade that
//   runs all of x's lazy getters (node:process makes a diagnostic report, node:crypto loads webcrypto).
//   A CommonJS entry pays none of that. dist/package.json says so, so `bin` stays dist/cli.js.
// - dist/cli.js is the launcher (src/launcher.ts): it compiles the bundle with the code cache recorded
//   at the end of this build (src/launcher/code-cache.ts), ~10 ms less a lookup.
// - The Ink views (src/ui/, with Ink, React and yoga, ~1.7 MB) stay ES modules (yoga uses top-level
//   await) in dist/ui/*.mjs, reached only through the `import('../ui/…')` calls in src/cli/. They get
//   their own copy of the few pure formatters they use from src/; nothing stateful is shared.
// - The native capture addon (`pcap`) cannot be bundled: it stays an optional, lazily imported package.
// - Our own addon (native/udp-batch.c: recvmmsg/sendmmsg for the batch; source-probe.c; lane-*.c, capture's
//   native lane) is built with npm's node-gyp and copied to dist/udp-batch.node; without a compiler the
//   batch uses node:dgram and capture the JS pipeline, so a failure warns.
// Type checking is not esbuild's job: `npm run build` runs tsc --noEmit first.
import {chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build, type Plugin} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist');
const bundleFile = path.join(outdir, 'he6-dns.js');
const uiEntries = ['render', 'BatchApp', 'CaptureApp', 'capture-state'];

/** In the CLI bundle, `import('../ui/X.js')` becomes a real dynamic import of dist/ui/X.mjs. */
const uiStaysOutside: Plugin = {
	name: 'ui-stays-outside',
	setup(on) {
		on.onResolve({filter: /\/ui\/[^/]+\.js$/}, (args) => {
			if (args.importer.includes(`${path.sep}src${path.sep}ui${path.sep}`)) return undefined;
			const name = path.basename(args.path, '.js');
			if (args.kind !== 'dynamic-import' || !uiEntries.includes(name)) throw new Error(`${args.importer}: ${args.path} must be a dynamic import of a ui entry (${uiEntries.join(', ')})`);
			return {path: `./ui/${name}.mjs`, external: true};
		});
	},
};

/**
 * The bundle runs inside node:vm (for the code cache, src/launcher/code-cache.ts), where import() would
 * need an experimental flag: its imports of what stays outside (the ui entries, pcap) go through the
 * loader's `__he6Import` parameter. Anything else left as import() would fail at run time, so the build does.
 */
function importsOutside(text: string): string {
	const outside = /\bimport\(("\.\/ui\/[A-Za-z-]+\.mjs"|"pcap")\)/g;
	const rewritten = text.replace(/^#!.*\n/, '').replace(outside, '__he6Import($1)');
	const left = rewritten.match(/\bimport\([^)]{0,40}/g);
	if (left !== null) throw new Error(`dist/he6-dns.js: import() left in the bundle: ${left.join(', ')}`);
	return rewritten;
}

// A stale dist (the old per-file tsc emit) would otherwise sit next to the bundle.
rmSync(outdir, {recursive: true, force: true});
mkdirSync(outdir, {recursive: true});
writeFileSync(path.join(outdir, 'package.json'), '{"type": "commonjs"}\n');

const common = {
	absWorkingDir: root,
	bundle: true,
	platform: 'node',
	target: 'node20',
	legalComments: 'none',
	logLevel: 'warning',
} as const;

const cliBuild = await build({
	...common,
	entryPoints: ['src/cli.ts'],
	outfile: bundleFile,
	format: 'cjs',
	// Whitespace and syntax only: V8 pre-parses the whole file at start-up, and ~35% fewer bytes
	// compiled measurably faster; names are kept, so stack traces still name their functions.
	minifyWhitespace: true,
	minifySyntax: true,
	external: ['pcap'],
	plugins: [uiStaysOutside],
	write: false,
});
writeFileSync(bundleFile, importsOutside(cliBuild.outputFiles[0]!.text));

// dist/cli.js, the command: compiles the bundle with its code cache (src/launcher.ts).
await build({
	...common,
	entryPoints: ['src/launcher.ts'],
	outfile: path.join(outdir, 'cli.js'),
	format: 'cjs',
	minifyWhitespace: true,
	banner: {js: '#!/usr/bin/env node'},
});
chmodSync(path.join(outdir, 'cli.js'), 0o755);

await build({
	...common,
	entryPoints: uiEntries.map((name) => `src/ui/${name}.${name === 'capture-state' ? 'ts' : 'tsx'}`),
	outdir: path.join(outdir, 'ui'),
	outExtension: {'.js': '.mjs'},
	format: 'esm',
	splitting: true,
	chunkNames: 'chunk-[hash]',
	// react-devtools-core is Ink's optional peer, imported only when DEV=true; it is not installed.
	external: ['react-devtools-core'],
	// Bundled CommonJS packages (React, …) call require() for Node built-ins; an ES module has none.
	banner: {js: "import {createRequire as __he6CreateRequire} from 'node:module'; const require = __he6CreateRequire(import.meta.url);"},
});

// The batch's UDP addon. node-gyp is npm's own (npm run puts it in npm_config_node_gyp); setup.sh
// points it at the local Node headers, since there is no network to download them from.
const nodeGyp = process.env.npm_config_node_gyp ?? path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const nativeDir = path.join(root, 'native');
const gyp = existsSync(nodeGyp)
	? spawnSync(process.execPath, [nodeGyp, 'rebuild', '--silent', ...(existsSync('/usr/include/node/node_api.h') && process.env.npm_config_nodedir === undefined ? ['--nodedir=/usr'] : [])], {cwd: nativeDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000})
	: null;
const addon = path.join(nativeDir, 'build', 'Release', 'udp_batch.node');
if (gyp !== null && gyp.status === 0 && existsSync(addon)) copyFileSync(addon, path.join(outdir, 'udp-batch.node'));
else {
	const why = gyp === null ? `node-gyp not found at ${nodeGyp}` : (gyp.error?.message ?? (gyp.stderr.toString().split('\n').find((line) => /error/i.test(line)) || `exit ${gyp.status ?? gyp.signal}`));
	process.stderr.write(`build: warning: native/*.c not built (${why.trim()}); batch will use node:dgram, about 40% slower, and capture -r the JS pipeline. Needs python3, make and a C compiler (Debian: build-essential)\n`);
}

// The code cache (src/launcher/code-cache.ts): the bundle's top level plus every function that a plain
// and then a JSON lookup run, recorded from `demo --this-host` on the embedded loopback resolver (no
// network; this kernel's own source addresses). Each run starts from the cache the one before wrote.
// Without a cache he6-dns works the same and starts ~13 ms slower, so a failed recording only warns.
const cacheEnv: NodeJS.ProcessEnv = {...process.env, HE6_DNS_CODE_CACHE: 'write'};
delete cacheEnv.NODE_OPTIONS; // V8 flags from there would make a cache that plain `node` rejects
for (const format of ['--plain', '--json']) {
	const run = spawnSync(process.execPath, [path.join(outdir, 'cli.js'), 'demo', '--this-host', format], {env: cacheEnv, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000});
	if (run.status === 0) continue;
	const why = run.error?.message ?? (run.stderr.toString().split('\n').find((line) => line.trim() !== '') || `exit ${run.status ?? run.signal}`);
	process.stderr.write(`build: warning: no code cache for dist/he6-dns.js (the demo lookup failed: ${why}); he6-dns will start ~13 ms slower\n`);
	rmSync(`${bundleFile}.cache`, {force: true});
	break;
}
