// For measuring one change by hand (not part of the bench run): commands run in turn, N rounds, and their CPU and wall medians side by side.
//
// Decision: on this kind of VM the speed of the whole machine drifts by a third for minutes at a time
// (RESULTS.md's noise column), so two builds are never timed one after the other in blocks: each round
// runs every command once, and the medians compare runs that met the same weather. CPU is user+sys
// from /usr/bin/time (the client's own work, what the change moves); wall is what a user waits.
// Usage: npx tsx bench/ab.ts N -- CMD_A ARGS... -- CMD_B ARGS... [-- ...]
//   e.g. with a server from bench/serve-dev.ts and the old build in a worktree:
//   npx tsx bench/ab.ts 6 -- taskset -c 1 node ../old/dist/cli.js batch NAMES @127.0.0.1:PORT … -- taskset -c 1 node dist/cli.js batch NAMES @127.0.0.1:PORT …
import {spawnSync} from 'node:child_process';

const [roundsText, ...rest] = process.argv.slice(2);
const rounds = Number(roundsText);
const commands: string[][] = [];
for (const arg of rest) {
	if (arg === '--') commands.push([]);
	else commands.at(-1)?.push(arg);
}
if (!Number.isInteger(rounds) || rounds < 1 || commands.length === 0 || commands.some((c) => c.length === 0)) {
	process.stderr.write('usage: npx tsx bench/ab.ts N -- CMD_A ARGS... -- CMD_B ARGS... (N rounds, commands in turn)\n');
	process.exit(1);
}

const cpu: number[][] = commands.map(() => []);
const wall: number[][] = commands.map(() => []);
for (let round = 0; round < rounds; round++) {
	commands.forEach((command, i) => {
		const started = performance.now();
		// Output is dropped; /usr/bin/time writes its one line to stderr last, after the command's own.
		const run = spawnSync('/usr/bin/time', ['-f', 'AB %U %S', ...command], {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20});
		const ms = performance.now() - started;
		const line = run.stderr.split('\n').findLast((l) => l.startsWith('AB ')) ?? '';
		const [, user = NaN, sys = NaN] = line.split(' ').map(Number);
		if (run.status !== 0 || !Number.isFinite(user + sys)) {
			process.stderr.write(`ab: ${command.join(' ')} failed (exit ${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-2).join(' | ')}\n`);
			process.exit(1);
		}
		cpu[i]?.push((user + sys) * 1000);
		wall[i]?.push(ms);
	});
}

const median = (xs: readonly number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length / 2;
	return s.length % 2 === 1 ? (s[Math.floor(mid)] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const first = median(cpu[0] ?? []);
commands.forEach((command, i) => {
	const c = median(cpu[i] ?? []);
	process.stdout.write(`${command.join(' ').slice(0, 70).padEnd(72)} CPU median ${c.toFixed(0).padStart(6)} ms (min ${Math.min(...(cpu[i] ?? [])).toFixed(0)}), wall median ${median(wall[i] ?? []).toFixed(0).padStart(6)} ms, CPU ÷ first ${(c / first).toFixed(3)}\n`);
});
