// Builds dist/: the CLI as one CommonJS file (dist/cli.js) and the Ink views as ES modules loaded only when a terminal view is shown.
//
// Decisions (issue 6, start-up; measurements in ARCHITECTURE.md):
// - One bundled file: Node no longer resolves, reads and compiles ~60 files and the CommonJS packages
//   behind them (commander, dns-packet, ipaddr.js, each through the cjs-module-lexer).
// - CommonJS, not ESM, for that file: on Node 20 the first ES module brings up the ESM loader
//   (fs/promises, readline, the stream stack) and every `import … from 'node:x'` builds a facade that
//   runs all of x's lazy getters (node:process makes a diagnostic report, node:crypto loads webcrypto).
//   A CommonJS entry pays none of that. dist/package.json says so, so `bin` stays dist/cli.js.
// - The Ink views (src/ui/, with Ink, React and yoga, ~1.7 MB) stay ES modules (yoga uses top-level
//   await) in dist/ui/*.mjs, reached only through the `import('../ui/…')` calls in src/cli/. They get
//   their own copy of the few pure formatters they use from src/; nothing stateful is shared.
// - The native capture addon (`pcap`) cannot be bundled: it stays an optional, lazily imported package.
// Type checking is not esbuild's job: `npm run build` runs tsc --noEmit first.
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build, type Plugin} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist');
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

await build({
	...common,
	entryPoints: ['src/cli.ts'],
	outfile: path.join(outdir, 'cli.js'),
	format: 'cjs',
	// Whitespace and syntax only: V8 pre-parses the whole file at start-up, and ~35% fewer bytes
	// compiled measurably faster; names are kept, so stack traces still name their functions.
	minifyWhitespace: true,
	minifySyntax: true,
	external: ['pcap'],
	plugins: [uiStaysOutside],
});

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
