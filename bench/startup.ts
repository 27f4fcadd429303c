// Start-up (issue 6 §4): one lookup in plain and JSON mode against `dig +short` and `node -e 0`, and the peak RSS of a 1M-line batch.
import {spawnSync} from 'node:child_process';
import {createWriteStream, readFileSync} from 'node:fs';
import path from 'node:path';
import {clientRun, log, record, type Context} from './context.js';
import {spread, waitQuiet, type Measured, type Spread} from './measure.js';
import {he6BatchArgv} from './resolution.js';

export interface StartupRow {
	readonly key: 'plain' | 'json' | 'plain-uncached' | 'dig' | 'node';
	readonly label: string;
	/** Wall seconds. */
	readonly wall: Spread | null;
	readonly runs: number;
	/** The median wall seconds of each round (commands of one round ran within seconds of each other). */
	readonly rounds: number[];
}

export interface StartupResult {
	readonly tool: string;
	readonly rows: StartupRow[];
}

export const probeName = 'h000001.bench.test';

function commands(ctx: Context): Array<{key: StartupRow['key']; label: string; argv: string[]}> {
	const port = String(ctx.servers.unbound.port);
	return [
		{key: 'plain', label: 'he6-dns --plain (one lookup)', argv: [process.execPath, ctx.he6, '--plain', '--no-dns64', `@127.0.0.1:${port}`, probeName]},
		{key: 'json', label: 'he6-dns --json (one lookup)', argv: [process.execPath, ctx.he6, '--json', '--no-dns64', `@127.0.0.1:${port}`, probeName]},
		// What the code cache saves (src/launcher/code-cache.ts): the same lookup compiled from source.
		// `env` adds its own exec (~1 ms) to this row only.
		{key: 'plain-uncached', label: 'he6-dns --plain, no code cache (env HE6_DNS_CODE_CACHE=off)', argv: ['env', 'HE6_DNS_CODE_CACHE=off', process.execPath, ctx.he6, '--plain', '--no-dns64', `@127.0.0.1:${port}`, probeName]},
		{key: 'dig', label: 'dig +short', argv: ['dig', '+short', '@127.0.0.1', '-p', port, probeName, 'A']},
		{key: 'node', label: 'node -e 0', argv: [process.execPath, '-e', '0']},
	];
}

const hasHyperfine = (): boolean => spawnSync('hyperfine', ['--version']).status === 0;

export async function startup(ctx: Context): Promise<StartupResult> {
	const runs = ctx.quick ? 10 : 20;
	const list = commands(ctx);
	// Every command must work before it is timed (hyperfine would stop on a failure anyway).
	for (const c of list) {
		const check = spawnSync(c.argv[0] ?? '', c.argv.slice(1), {cwd: ctx.repo, encoding: 'utf8'});
		if (check.status !== 0) throw new Error(`start-up: ${c.label} failed (exit ${check.status}):\n${check.stdout}${check.stderr}`);
	}
	await waitQuiet([ctx.servers.knot.pid, ctx.servers.unbound.pid]);
	const median = (xs: readonly number[]): number => spread(xs)?.median ?? NaN;
	if (hasHyperfine()) {
		// Decision: hyperfine times each command in one block, so a slow spell of this VM (they last
		// minutes) could land on one command's block alone: one run gave node -e 0 139 ms instead of
		// ~101 and a meaningless ratio. The runs are taken in `rounds` short hyperfine calls instead
		// (every command's block within a few seconds of the others'), so each row's runs are spread
		// over the section and each round's ratios compare runs that met the same weather.
		const rounds = 5;
		const perRound = Math.max(2, Math.round(runs / rounds));
		const times = list.map(() => [] as number[]);
		const roundMedians = list.map(() => [] as number[]);
		for (let round = 1; round <= rounds; round++) {
			const json = path.join(ctx.dir, 'out', `startup.${round}.json`);
			// -N: no intermediate shell, so nothing but the command itself is timed.
			const argv = ['hyperfine', '-N', '--warmup', '2', '--runs', String(perRound), '--export-json', json, ...list.map((c) => c.argv.join(' '))];
			if (round === 1) record(ctx, `start-up (hyperfine, ${rounds} rounds)`, argv);
			const result = spawnSync('taskset', ['-c', ctx.clientCpu, ...argv], {cwd: ctx.repo, encoding: 'utf8'});
			if (result.status !== 0) throw new Error(`hyperfine failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
			const report = JSON.parse(readFileSync(json, 'utf8')) as {results: Array<{times: number[]}>};
			list.forEach((_, i) => {
				const these = report.results[i]?.times ?? [];
				times[i]?.push(...these);
				roundMedians[i]?.push(median(these));
			});
		}
		return {
			tool: `hyperfine -N, ${rounds} rounds of --warmup 2 and ${perRound} runs each command`,
			rows: list.map((c, i) => ({key: c.key, label: c.label, wall: spread(times[i] ?? []), runs: times[i]?.length ?? 0, rounds: roundMedians[i] ?? []})),
		};
	}
	// No hyperfine: the same protocol by hand, interleaved (a round is one run of each command).
	const walls = list.map(() => [] as number[]);
	const byRound = list.map(() => [] as number[]);
	for (let run = -2; run <= runs; run++) {
		for (const [i, c] of list.entries()) {
			const measured = await clientRun(ctx, c.label, c.argv, Math.max(run, 0), {noGuard: true});
			if (run <= 0) continue;
			if (measured.exitCode === 0) walls[i]?.push(measured.wallS);
			// NaN keeps the rounds aligned across commands; its ratios are left out.
			byRound[i]?.push(measured.exitCode === 0 ? measured.wallS : NaN);
		}
	}
	return {tool: `own loop (no hyperfine): 3 warm-up + ${runs} runs, wall incl. taskset and /usr/bin/time`, rows: list.map((c, i) => ({key: c.key, label: c.label, wall: spread(walls[i] ?? []), runs: walls[i]?.length ?? 0, rounds: byRound[i] ?? []}))};
}

export interface MillionResult {
	readonly lines: number;
	readonly measured: Measured;
}

/** A list of `total` lines cycling through the zone's names (so 9 in 10 lines are repeats, as in real lists with duplicates). */
async function cycledList(file: string, names: readonly string[], total: number): Promise<void> {
	const out = createWriteStream(file);
	for (let i = 0; i < total; i += 10_000) {
		const chunk: string[] = [];
		for (let j = i; j < Math.min(total, i + 10_000); j++) chunk.push(names[j % names.length] ?? '');
		if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
	}
	await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** One 1M-line batch at the default concurrency, records to /dev/null: only its peak RSS matters. */
export async function millionRss(ctx: Context): Promise<MillionResult> {
	const lines = 1_000_000;
	const file = path.join(ctx.dir, 'names-1m.txt');
	await cycledList(file, readFileSync(ctx.fixture.namesFile, 'utf8').split('\n').filter((line) => line !== ''), lines);
	const measured = await clientRun(ctx, 'he6-dns batch, 1M lines (peak RSS)', he6BatchArgv(ctx, file, ['--format', 'ndjson']), 1, {timeoutMs: 60 * 60_000});
	log(`1M batch: peak RSS ${(measured.maxRssKb / 1024).toFixed(0)} MB, ${measured.wallS.toFixed(1)} s, exit ${measured.exitCode}`);
	return {lines, measured};
}
