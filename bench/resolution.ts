// Resolution (issue 6 §2): the dnsperf ceiling, he6-dns batch at several concurrencies and Node's c-ares Resolver, over the same warm list.
import {readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {clientRun, log, record, type Context} from './context.js';
import {countNdjson, judgeCounts, parseCounts, type Verdict} from './gate.js';
import {measure, type Measured} from './measure.js';

/** `dgram`: the anchor (bench/node-dgram.mjs), the least a node:dgram client spends; not a floor of the issue. */
/** `kernel`: he6-dns batch with this host's kernel sources (no --sources), an informational row. */
export type ClientKind = 'ceiling' | 'he6' | 'kernel' | 'node' | 'dgram';

export interface Config {
	readonly label: string;
	readonly kind: ClientKind;
	/** Names in flight (he6 `--concurrency`, Node workers); null for he6's default. */
	readonly concurrency: number | null;
}

export interface Run {
	readonly measured: Measured;
	readonly namesPerS: number;
	readonly cpuUsPerName: number;
	/** null for dnsperf, which has no per-name answers to check (its lost queries are in `detail`). */
	readonly gate: Verdict | null;
	readonly detail: string;
}

export interface Row {
	readonly config: Config;
	readonly runs: Run[];
}

/** he6 concurrencies measured: the issue's default, 100, 500, 2000, plus 50 so the zero-drop floor covers 50..2000. */
export const he6Concurrencies = [null, 50, 100, 500, 2000] as const;
export const nodeConcurrencies = [100, 500] as const;

export function configs(): Config[] {
	return [
		{label: 'dnsperf ceiling (-q 100 -c 4)', kind: 'ceiling', concurrency: 100},
		...he6Concurrencies.map((c): Config => ({label: `he6-dns batch ${c === null ? '(default)' : `--concurrency ${c}`}`, kind: 'he6', concurrency: c})),
		{label: "he6-dns batch, this host's kernel sources (no --sources; not judged)", kind: 'kernel', concurrency: null},
		...nodeConcurrencies.map((c): Config => ({label: `Node dns.promises.Resolver, C=${c}`, kind: 'node', concurrency: c})),
		{label: 'anchor: bare node:dgram, pre-built queries, C=500', kind: 'dgram', concurrency: 500},
	];
}

/** The he6-dns batch argv (NDJSON to `out`); shared with the pacing and 1M rows. */
export function he6BatchArgv(ctx: Context, names: string, extra: readonly string[], kernelSources = false): string[] {
	// Decision: a what-if source map (--sources) and glibc's built-in tables, so the figure is resolution,
	// not one kernel source probe per unique address (every address in this zone is unique), and does not
	// depend on this machine's interfaces; --resolv-conf /dev/null for glibc's default timeout and attempts;
	// --no-dns64 since the fenced Unbound refuses ipv4only.arpa anyway. `kernelSources`: without
	// --sources, as a user runs it (the kernel's route lookups, one per unique address), for the row
	// that shows what that costs.
	const sources = kernelSources ? [] : ['--sources', ctx.sourcesFile];
	return [process.execPath, ctx.he6, 'batch', names, `@127.0.0.1:${ctx.servers.unbound.port}`, '--resolv-conf', '/dev/null', '--no-dns64', '--stack', 'glibc', '--gai-conf', '/dev/null', ...sources, ...extra];
}

const field = (text: string, name: string): number => Number(new RegExp(`${name}:\\s+([\\d.]+)`).exec(text)?.[1] ?? NaN);

/** dnsperf's own summary: completed and lost queries, queries per second. */
export function parseDnsperf(text: string): {completed: number; lost: number; qps: number} {
	return {completed: field(text, 'Queries completed'), lost: field(text, 'Queries lost'), qps: field(text, 'Queries per second')};
}

export function dnsperfArgv(ctx: Context, extra: readonly string[]): string[] {
	return ['dnsperf', '-s', '127.0.0.1', '-p', String(ctx.servers.unbound.port), '-d', ctx.fixture.queriesFile, ...extra];
}

/** One cold pass through the list: fills Unbound's cache and is reported as its own figure. */
export async function warm(ctx: Context): Promise<{qps: number; lost: number}> {
	const stdout = path.join(ctx.dir, 'logs', 'warm.stdout');
	const argv = dnsperfArgv(ctx, ['-n', '1', '-q', '100', '-c', '4', '-T', '1']);
	record(ctx, 'warm-up (cold cache, one pass)', argv);
	const [program = '', ...args] = argv;
	const measured = await measure(program, args, {cpu: ctx.clientCpu, stdout, stderr: `${stdout}.stderr`, serverPids: [], noGuard: true});
	const parsed = parseDnsperf(readFileSync(stdout, 'utf8'));
	if (measured.exitCode !== 0 || !(parsed.completed > 0)) throw new Error(`warm-up dnsperf failed (exit ${measured.exitCode}):\n${readFileSync(stdout, 'utf8')}${measured.stderrTail}`);
	return {qps: parsed.qps, lost: parsed.lost};
}

async function runOnce(ctx: Context, config: Config, run: number): Promise<Run> {
	const names = ctx.fixture.expected.names;
	const tag = `${config.kind}-${config.concurrency ?? 'default'}`;
	const stdout = path.join(ctx.dir, 'out', `${tag}.${run}.out`);
	if (config.kind === 'ceiling') {
		const seconds = ctx.quick ? '5' : '10';
		const measured = await clientRun(ctx, config.label, dnsperfArgv(ctx, ['-l', seconds, '-q', String(config.concurrency), '-c', '4', '-T', '1']), run, {stdout});
		const parsed = parseDnsperf(readFileSync(stdout, 'utf8'));
		rmSync(stdout, {force: true});
		const ok = measured.exitCode === 0 && parsed.completed > 0;
		// names/s = q/s ÷ 2 (a name is an A and an AAAA query).
		const cpu = measured.userS + measured.sysS;
		return {
			measured,
			namesPerS: ok ? parsed.qps / 2 : NaN,
			cpuUsPerName: ok ? (cpu / (parsed.completed / 2)) * 1e6 : NaN,
			gate: ok ? null : {pass: false, counts: {names: 0, a: 0, aaaa: 0, nodata: 0, errors: 1}, detail: `dnsperf exit ${measured.exitCode}`},
			detail: `${Math.round(parsed.qps)} q/s, ${parsed.lost} lost`,
		};
	}
	if (config.kind === 'he6' || config.kind === 'kernel') {
		rmSync(stdout, {force: true});
		const extra = ['--format', 'ndjson', '-o', stdout, ...(config.concurrency === null ? [] : ['--concurrency', String(config.concurrency)])];
		const measured = await clientRun(ctx, config.label, he6BatchArgv(ctx, ctx.fixture.namesFile, extra, config.kind === 'kernel'), run);
		const counts = await countNdjson(stdout).catch(() => ({names: 0, a: 0, aaaa: 0, nodata: 0, errors: 1}));
		rmSync(stdout, {force: true});
		const verdict = judgeCounts(counts, ctx.fixture.expected);
		const gate = measured.exitCode === 0 ? verdict : {...verdict, pass: false, detail: `exit ${measured.exitCode}; ${verdict.detail}`};
		return {measured, namesPerS: names / measured.wallS, cpuUsPerName: ((measured.userS + measured.sysS) / names) * 1e6, gate, detail: gate.detail};
	}
	const script = config.kind === 'dgram' ? 'node-dgram.mjs' : 'node-resolver.mjs';
	const argv = [process.execPath, path.join(ctx.repo, 'bench', script), ctx.fixture.namesFile, `127.0.0.1:${ctx.servers.unbound.port}`, String(config.concurrency)];
	const measured = await clientRun(ctx, config.label, argv, run, {stdout});
	const counts = parseCounts(readFileSync(stdout, 'utf8')) ?? {names: 0, a: 0, aaaa: 0, nodata: 0, errors: 1};
	rmSync(stdout, {force: true});
	const verdict = judgeCounts(counts, ctx.fixture.expected);
	const gate = measured.exitCode === 0 ? verdict : {...verdict, pass: false, detail: `exit ${measured.exitCode}; ${verdict.detail}`};
	return {measured, namesPerS: names / measured.wallS, cpuUsPerName: ((measured.userS + measured.sysS) / names) * 1e6, gate, detail: gate.detail};
}

/** Every configuration `ctx.runs` times, interleaved (run 1 of each, then run 2 ...) so slow drifts in machine noise hit all rows alike. */
export async function resolution(ctx: Context): Promise<Row[]> {
	const rows = configs().map((config): Row => ({config, runs: []}));
	for (let run = 1; run <= ctx.runs; run++) {
		for (const row of rows) {
			const result = await runOnce(ctx, row.config, run);
			row.runs.push(result);
			const gate = result.gate === null ? '' : result.gate.pass ? ' · gate ok' : ` · GATE FAILED: ${result.gate.detail}`;
			log(`resolution ${run}/${ctx.runs} ${row.config.label}: ${Math.round(result.namesPerS)} names/s, ${result.cpuUsPerName.toFixed(1)} µs CPU/name, ${result.measured.socketDrops} rcvbuf drops (machine-wide ${result.measured.rcvbufErrors}), ${(result.measured.maxRssKb / 1024).toFixed(0)} MB, foreign CPU ${result.measured.foreignCpuS.toFixed(2)} s${gate}`);
			if (result.gate !== null && !result.gate.pass) log(`  stderr: ${result.measured.stderrTail.trim().split('\n').slice(-3).join(' | ')}`);
		}
	}
	return rows;
}
