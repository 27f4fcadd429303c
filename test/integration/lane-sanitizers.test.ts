// The native capture lane's C under AddressSanitizer and UndefinedBehaviorSanitizer: native/fuzz/lane-fuzz.c mutates pcap files and scans them.
//
// Decision: the lane parses untrusted bytes in C, so the differential test (same output as the JS
// pipeline) is not enough: an out-of-bounds read can print the same bytes and still be a hole. Here
// the lane's files are compiled with both sanitizers (UBSan fatal, leaks checked at exit) and fed
// mutated fixtures and generated traffic: bit flips, random bytes, compression-pointer bytes, cut files.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {planCorpus, writeCorpusFile} from '../support/capture-traffic.js';
import {installed} from '../support/resolvers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const native = path.join(root, 'native');
const dir = mkdtempSync(path.join(tmpdir(), 'he6-lane-fuzz-'));
const binary = path.join(dir, 'lane-fuzz');
const hasCompiler = installed('gcc');
// CI has gcc (it builds the addon); a machine without one skips, saying so.
const withCompiler = hasCompiler ? it : it.skip;
if (!hasCompiler) console.warn('lane-sanitizers.test: gcc not installed; the native lane is not fuzzed under the sanitizers');

const fixtures = readdirSync(path.join(root, 'fixtures', 'pcap'))
	.filter((f) => f.endsWith('.pcap'))
	.map((f) => path.join(root, 'fixtures', 'pcap', f));

describe('the native lane under ASan and UBSan', () => {
	withCompiler(
		'survives mutated fixtures and generated traffic: no memory error, no undefined behaviour, no leak',
		() => {
			const sources = ['fuzz/lane-fuzz.c', 'lane-wire.c', 'lane-correlate.c', 'lane-text.c', 'lane-judge.c', 'source-route.c'].map((f) => path.join(native, f));
			const build = spawnSync('gcc', ['-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer', '-o', binary, ...sources, '-lm'], {encoding: 'utf8'});
			expect(build.stderr).toBe('');
			expect(build.status).toBe(0);
			// Every link type, both byte orders, µs and ns, TCP, junk and damage (capture-lanes.test.ts's corpus).
			const generated = planCorpus(17)
				.filter((_, i) => i % 6 === 0)
				.map((spec, i) => {
					const file = path.join(dir, `generated-${i}.pcap`);
					writeCorpusFile(spec, file);
					return file;
				});
			for (const [i, file] of [...fixtures, ...generated].entries()) {
				const run = spawnSync(binary, [file, '25', String(1000 + i)], {encoding: 'utf8', env: {...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1'}, timeout: 120_000});
				expect({file: path.basename(file), status: run.status, report: run.stderr.split('\n').slice(0, 12).join('\n')}).toEqual({file: path.basename(file), status: 0, report: ''});
				expect(run.stdout).toMatch(/^ok /);
			}
		},
		180_000,
	);
});
