// Crash safety (issue 7): a batch killed with SIGKILL at 20 random points and resumed each time gives every line once.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, expect, it} from 'vitest';
import type {ZoneRecord, ZoneServer} from '../../src/demo/zone-server.js';
import {cliPath, runCli} from '../support/cli.js';
import {startScripted} from '../support/scripted-server.js';

const names = 3000;
let server: ZoneServer | null = null;
afterAll(async () => {
	await server?.close();
});

/** A seeded generator, so a failing run can be replayed (mulberry32). */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('20 SIGKILLs at random points, each followed by --resume: every input line exactly once', async () => {
	const records: ZoneRecord[] = [];
	for (let i = 0; i < names; i++) {
		records.push({name: `k${i}.test`, type: 'A', ttl: 60, data: `192.0.2.${i % 250}`});
		if (i % 2 === 0) records.push({name: `k${i}.test`, type: 'AAAA', ttl: 60, data: `2a0f:6:6::${i.toString(16)}`});
	}
	server = await startScripted(records);
	const dir = mkdtempSync(join(tmpdir(), 'he6-kill-'));
	const list = join(dir, 'names.txt');
	writeFileSync(list, Array.from({length: names}, (_, i) => `k${i}.test`).join('\n') + '\n');
	const out = join(dir, 'out.ndjson');
	const sources = join(dir, 'sources.json');
	writeFileSync(sources, JSON.stringify({sources: {'::/0': '2001:470:1f1c:666::2', '0.0.0.0/0': '10.0.0.5'}}));
	// --qps keeps the run a few seconds long, so the kills land in the middle of it.
	const args = ['batch', list, '-o', out, '--qps', '3000', '--concurrency', '64', '--no-dns64', '--stack', 'glibc', '--gai-conf', '/dev/null', '--sources', sources, '--resolv-conf', '/dev/null', `@127.0.0.1:${server.endpoint.port}`];
	const next = random(20261128);
	let kills = 0;
	for (let round = 0; round < 20; round++) {
		const child = spawn(process.execPath, [cliPath, ...args, ...(existsSync(out) ? ['--resume'] : [])], {stdio: 'ignore', env: {...process.env, CI: '1'}});
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		await sleep(60 + Math.floor(next() * 240));
		if (child.exitCode === null) {
			child.kill('SIGKILL');
			kills++;
		}
		await exited;
	}
	const finish = await runCli([...args, '--resume'], {timeoutMs: 60_000});
	expect(finish.code, finish.stderr).toBe(0);
	const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
	const seen = new Map<number, number>();
	for (const line of lines) {
		const record = JSON.parse(line) as {line: number; input: string; a: {status: string}};
		expect(record.a.status).toBe('NOERROR');
		seen.set(record.line, (seen.get(record.line) ?? 0) + 1);
	}
	expect(seen.size).toBe(names);
	expect([...seen.values()].every((n) => n === 1)).toBe(true);
	expect(kills).toBeGreaterThanOrEqual(15);
}, 120_000);
