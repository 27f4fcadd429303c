// `npm run bench`: installs the tools, generates the zone, starts Knot+Unbound on CPU0, runs every client on CPU1, prints the table, writes bench/RESULTS.md.
//
// Environment: BENCH_QUICK=1 (10k names, 3 runs, smaller capture, no 1M row; results go to a temp file, not RESULTS.md),
// BENCH_RUNS=N (timed runs per configuration, default 5), BENCH_ONLY=resolution,capture,startup,pacing,million (a subset,
// also not written to RESULTS.md), BENCH_1M=1 (the 1M row in a quick run too), BENCH_KEEP=1 (keep the scratch directory).
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {installed} from '../test/support/resolvers.js';
import {captureDecode} from './capture.js';
import {log, type Context} from './context.js';
import {generate} from './gen-zone.js';
import {pacing} from './pacing.js';
import {installCleanup, stopAll} from './procs.js';
import {render, resultsMarkdown, type Machine, type Results} from './report.js';
import {resolution, warm} from './resolution.js';
import {startServers} from './servers.js';
import {millionRss, startup} from './startup.js';

const repo = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const started = Date.now();

interface Tool {
	readonly command: string;
	readonly pkg: string;
	/** Without it the bench cannot run at all; the others only cost a row (tshark) or precision (hyperfine). */
	readonly required: boolean;
}

const tools: Tool[] = [
	{command: 'knotd', pkg: 'knot', required: true},
	{command: 'unbound', pkg: 'unbound', required: true},
	{command: 'dnsperf', pkg: 'dnsperf', required: true},
	{command: 'tcpdump', pkg: 'tcpdump', required: true},
	{command: 'dig', pkg: 'bind9-dnsutils', required: true},
	{command: 'taskset', pkg: 'util-linux', required: true},
	{command: 'time', pkg: 'time', required: true},
	{command: 'tshark', pkg: 'tshark', required: false},
	{command: 'hyperfine', pkg: 'hyperfine', required: false},
];

const present = (tool: Tool): boolean => (tool.command === 'time' ? existsSync('/usr/bin/time') : installed(tool.command));

/** apt-get install whatever is missing when root on Debian/Ubuntu (as scripts/setup.sh does for the tests). */
function ensureTools(): void {
	const missing = tools.filter((tool) => !present(tool));
	if (missing.length === 0) return;
	const packages = missing.map((tool) => tool.pkg);
	if (process.getuid?.() === 0 && installed('apt-get')) {
		log(`installing ${packages.join(' ')}`);
		const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'};
		execFileSync('apt-get', ['update', '-qq'], {stdio: 'inherit', env});
		execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {stdio: ['ignore', 'ignore', 'inherit'], env});
	}
	const still = tools.filter((tool) => !present(tool));
	const required = still.filter((tool) => tool.required);
	if (required.length > 0) throw new Error(`the bench needs ${required.map((t) => t.pkg).join(' ')}; run as root or: sudo apt-get install ${required.map((t) => t.pkg).join(' ')}`);
	for (const tool of still) log(`${tool.pkg} is not installed: ${tool.command === 'tshark' ? 'the tshark row is skipped' : 'start-up is timed with an own loop'}`);
}

/** dist/ must exist (the README's set-up builds it); a dist older than src/ is measured anyway, with a note. */
function ensureBuilt(notes: string[]): void {
	const cli = path.join(repo, 'dist', 'cli.js');
	if (!existsSync(cli)) execFileSync('bash', [path.join(repo, 'scripts', 'setup.sh')], {stdio: 'inherit', cwd: repo});
	const newest = (dir: string): number => readdirSync(dir, {recursive: true, withFileTypes: true}).filter((e) => e.isFile()).reduce((max, e) => Math.max(max, statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
	if (newest(path.join(repo, 'src')) > statSync(cli).mtimeMs) {
		const note = 'dist/ was older than src/ when this ran: the figures are for the last build (npm run build)';
		notes.push(note);
		log(`warning: ${note}`);
	}
	// Which sockets the batch rows measure (README, batch: `· recvmmsg` ends the heading when the addon carries the run).
	const addon = existsSync(path.join(repo, 'dist', 'udp-batch.node'));
	const io = addon ? 'sendmmsg/recvmmsg through dist/udp-batch.node (native/udp-batch.c)' : 'node:dgram — dist/udp-batch.node was not built (no C compiler?), so the batch rows are the slower fallback';
	notes.push(`he6-dns batch I/O: ${io}`);
	if (!addon) log(`warning: ${io}`);
}

function sh(program: string, args: string[]): string {
	const result = spawnSync(program, args, {encoding: 'utf8', cwd: repo});
	return (result.stdout ?? '').trim();
}

function machine(clientCpu: string, serverCpu: string): Machine {
	const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
	const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
	const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(cpuinfo)?.[1];
	const dirty = sh('git', ['status', '--porcelain']) !== '';
	const version = (pkg: string): string => sh('dpkg-query', ['-W', '-f', '${Version}', pkg]) || 'not installed';
	return {
		nproc: Number(sh('nproc', [])) || os.availableParallelism(),
		cpu: `${model}${mhz === undefined ? '' : ` @ ${Math.round(Number(mhz))} MHz`}`,
		kernel: `${os.type()} ${os.release()}`,
		node: process.version,
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		commit: `${sh('git', ['rev-parse', '--short', 'HEAD']) || 'unknown'}${dirty ? ' + uncommitted changes' : ''}`,
		memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
		rmemMax: sh('sysctl', ['-n', 'net.core.rmem_max']) || 'unknown',
		tools: ['knot', 'unbound', 'dnsperf', 'tcpdump', 'tshark', 'hyperfine', 'bind9-dnsutils'].map((pkg) => `${pkg} ${version(pkg)}`),
		placement: clientCpu === serverCpu ? `one CPU: servers and clients share CPU ${serverCpu} (unpinned comparison)` : `servers (knotd, unbound) on CPU ${serverCpu}, every client on CPU ${clientCpu} (taskset)`,
	};
}

async function main(): Promise<number> {
	const quick = process.env.BENCH_QUICK === '1';
	const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5));
	if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a whole number ≥ 1, not ${process.env.BENCH_RUNS}`);
	const sections = new Set((process.env.BENCH_ONLY ?? 'resolution,capture,startup,pacing,million').split(',').map((s) => s.trim()));
	const partial = process.env.BENCH_ONLY !== undefined;
	const withMillion = sections.has('million') && (!quick || process.env.BENCH_1M === '1');
	const names = quick ? 10_000 : 100_000;
	const notes: string[] = [];
	const errors: string[] = [];

	installCleanup();
	ensureTools();
	ensureBuilt(notes);
	const nproc = os.availableParallelism();
	// performance.md §3.1: the servers on CPU0 and every client on CPU1, so the comparison is "1 server core + 1 client core".
	const serverCpu = '0';
	const clientCpu = nproc >= 2 ? '1' : '0';
	const dir = mkdtempSync(path.join(os.tmpdir(), 'he6-bench-'));
	for (const sub of ['logs', 'out']) mkdirSync(path.join(dir, sub));
	// Also on SIGINT/SIGTERM, which end the process from procs.ts without passing through main's finally.
	if (process.env.BENCH_KEEP !== '1') process.once('exit', () => rmSync(dir, {recursive: true, force: true}));
	log(`scratch directory ${dir}; ${names} names, ${runs} runs per configuration`);
	const fixture = await generate(names, path.join(dir, 'zone'));
	const sourcesFile = path.join(dir, 'sources.json');
	// The what-if host for batch runs: a ULA source for IPv6 (the zone's AAAA are fd00::/8), a TEST-NET source for IPv4.
	writeFileSync(sourcesFile, JSON.stringify({sources: {'::/0': 'fd00::2', '0.0.0.0/0': '192.0.2.2'}, attrs: {'fd00::2': {prefixLen: 64}}}));

	const servers = await startServers(path.join(dir, 'servers'), fixture.zoneFile, serverCpu);
	log(`knotd pid ${servers.knot.pid} on 127.0.0.1:${servers.knot.port}, unbound pid ${servers.unbound.pid} on 127.0.0.1:${servers.unbound.port}`);
	const ctx: Context = {dir, repo, quick, runs, fixture, servers, clientCpu, serverCpu, he6: path.join(repo, 'dist', 'cli.js'), sourcesFile, commands: new Map(), notes};
	const results: Results = {
		machine: machine(clientCpu, serverCpu),
		quick,
		runs,
		names,
		warm: null,
		resolution: null,
		capture: null,
		startup: null,
		million: null,
		pacing: null,
		commands: ctx.commands,
		notes,
		errors,
		totalS: 0,
	};
	const mutable = results as {-readonly [K in keyof Results]: Results[K]};
	const section = async (name: string, body: () => Promise<void>): Promise<void> => {
		if (!sections.has(name)) return;
		log(`— ${name}`);
		try {
			await body();
		} catch (error) {
			const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
			errors.push(message.split('\n').slice(0, 6).join(' / '));
			log(`section failed: ${message}`);
		}
	};
	try {
		mutable.warm = await warm(ctx);
		log(`cold pass: ${Math.round(mutable.warm.qps)} q/s, ${mutable.warm.lost} lost`);
		await section('resolution', async () => void (mutable.resolution = await resolution(ctx)));
		await section('capture', async () => void (mutable.capture = await captureDecode(ctx)));
		await section('startup', async () => void (mutable.startup = await startup(ctx)));
		await section('pacing', async () => void (mutable.pacing = await pacing(ctx)));
		if (withMillion) await section('million', async () => void (mutable.million = await millionRss(ctx)));
	} finally {
		await servers.stop();
		await stopAll();
		if (process.env.BENCH_KEEP === '1') log(`kept ${dir}`);
	}
	mutable.totalS = (Date.now() - started) / 1000;
	if (!sections.has('million') || !withMillion) mutable.million = null;
	const {text, floors} = render(results);
	process.stdout.write(`\n${text}\n\n`);
	const markdown = resultsMarkdown(results, text);
	// Decision: only a full run replaces RESULTS.md; a smoke or partial run would overwrite comparable figures.
	const target = quick || partial ? path.join(os.tmpdir(), 'he6-bench-RESULTS.md') : path.join(repo, 'bench', 'RESULTS.md');
	writeFileSync(target, markdown);
	const failed = floors.filter((f) => f.outcome === 'FAIL').length;
	log(`${floors.length} floors: ${floors.filter((f) => f.outcome === 'PASS').length} PASS, ${failed} FAIL, ${floors.filter((f) => f.outcome === 'n/a').length} n/a; written to ${path.relative(repo, target).startsWith('..') ? target : path.relative(repo, target)} (${Math.round(mutable.totalS)} s)`);
	// A floor that fails is a finding, not a bench error: exit 1 only when a section could not run.
	return errors.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	async (error: unknown) => {
		log(`failed: ${error instanceof Error ? error.message : String(error)}`);
		await stopAll();
		process.exit(1);
	},
);
