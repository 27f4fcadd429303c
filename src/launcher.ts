// dist/cli.js, the `he6-dns` command: runs the CLI bundle (dist/he6-dns.js) compiled with its V8 code cache.
//
// HE6_DNS_CODE_CACHE: `off` compiles without the cache, `report` says on stderr whether it was used,
// `write` rewrites it when the process exits (the build does this after a demo lookup; see scripts/build.ts).
// The bundle's own dynamic imports (the Ink views in dist/ui/, the pcap addon) come here as
// `__he6Import`: code compiled by node:vm may not call import() without an experimental flag, this file may.
import path from 'node:path';
import {createRequire} from 'node:module';
import {compileBundle, writeCodeCache} from './launcher/code-cache.js';

const bundle = path.join(__dirname, 'he6-dns.js');
const cacheFile = `${bundle}.cache`;
const mode = process.env.HE6_DNS_CODE_CACHE;
const compiled = compileBundle(bundle, cacheFile, mode !== 'off');
if (mode === 'report') process.stderr.write(`he6-dns: code cache ${compiled.use}\n`);
if (mode === 'write') process.once('exit', () => writeCodeCache(compiled.script, cacheFile));
const module_ = {exports: {}};
compiled.run(module_.exports, createRequire(bundle), module_, bundle, __dirname, (specifier) => import(specifier));
