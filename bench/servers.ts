// Knot (authoritative for bench.test) and Unbound (recursive, tuned per performance.md §3.1) on free loopback ports, pinned to CPU0.
import type {ChildProcess} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {freePort, probe, unboundServerBase} from '../test/support/resolvers.js';
import {exited, stop, track} from './procs.js';
import {zoneName} from './gen-zone.js';

const host = '127.0.0.1';

export interface Server {
	readonly name: string;
	readonly port: number;
	readonly pid: number;
	readonly child: ChildProcess;
}

export interface Servers {
	readonly knot: Server;
	readonly unbound: Server;
	stop(): Promise<void>;
}

/** `taskset -c CPU program args`: taskset execs the program, so the pid is the server's own. */
function launch(name: string, cpu: string, program: string, args: string[]): {child: ChildProcess; log: () => string} {
	const child = track('taskset', ['-c', cpu, program, ...args]);
	let log = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4000);
	});
	child.on('error', (error) => {
		log += `\n${name}: ${error.message}`;
	});
	return {child, log: () => log};
}

/** Polls with SOA queries until the server answers NOERROR (a 100k-name zone takes Knot a few seconds to load). */
async function waitAnswering(name: string, child: ChildProcess, log: () => string, port: number, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last: number | null = null;
	while (Date.now() < deadline) {
		if (exited(child)) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
		last = await probe({address: host, port}, zoneName, 'SOA', 500);
		if (last === 0) return;
		if (last !== null) await new Promise((resolve) => setTimeout(resolve, 200));
	}
	await stop(child);
	throw new Error(`${name} did not answer ${zoneName} SOA on ${host}:${port} within ${timeoutMs / 1000} s (last rcode ${last}):\n${log()}`);
}

function knotConfig(dir: string, port: number, zoneFile: string): string {
	return [
		'server:',
		`    rundir: "${dir}"`,
		`    listen: ${host}@${port}`,
		'    udp-workers: 1',
		'    tcp-workers: 1',
		'    background-workers: 1',
		'database:',
		`    storage: "${dir}"`,
		'log:',
		'  - target: stderr',
		'    any: warning',
		'zone:',
		`  - domain: ${zoneName}`,
		`    file: "${zoneFile}"`,
		'    zonefile-sync: -1',
		'    zonefile-load: whole',
		'    journal-content: none',
		'    semantic-checks: on',
		'',
	].join('\n');
}

/**
 * performance.md §3.1's Unbound (one thread, 4 MiB socket buffers, big caches, cache-min-ttl) plus the
 * test suite's fences, so nothing ever leaves loopback: every name outside bench.test is REFUSED locally,
 * the root is stubbed to Knot too, and outgoing queries leave from 127.0.0.1.
 */
function unboundConfig(dir: string, port: number, knotPort: number): string {
	const stub = `${host}@${knotPort}`;
	return [
		...unboundServerBase(port, dir),
		'    num-queries-per-thread: 4096',
		'    outgoing-range: 8192',
		'    so-rcvbuf: 4m',
		'    so-sndbuf: 4m',
		'    msg-cache-size: 256m',
		'    rrset-cache-size: 512m',
		'    key-cache-size: 4m',
		'    neg-cache-size: 16m',
		'    cache-min-ttl: 3600',
		'    do-not-query-localhost: no',
		'    module-config: "iterator"',
		'    harden-referral-path: no',
		'    qname-minimisation: no',
		'    target-fetch-policy: "0 0 0 0 0"',
		'    minimal-responses: yes',
		'    prefetch: no',
		'    ratelimit: 0',
		'    ip-ratelimit: 0',
		'    statistics-cumulative: yes',
		'    extended-statistics: no',
		`    domain-insecure: "${zoneName}"`,
		'    local-zone: "." refuse',
		`    local-zone: "${zoneName}." transparent`,
		'remote-control:',
		'    control-enable: no',
		'stub-zone:',
		'    name: "."',
		`    stub-addr: ${stub}`,
		'stub-zone:',
		`    name: "${zoneName}"`,
		`    stub-addr: ${stub}`,
		'',
	].join('\n');
}

/** Knot then Unbound, both on `cpu`; on failure whatever started is stopped again. */
export async function startServers(dir: string, zoneFile: string, cpu = '0'): Promise<Servers> {
	const knotDir = path.join(dir, 'knot');
	const unboundDir = path.join(dir, 'unbound');
	mkdirSync(knotDir, {recursive: true});
	mkdirSync(unboundDir, {recursive: true});
	const knotPort = await freePort();
	const knotFile = path.join(knotDir, 'knot.conf');
	writeFileSync(knotFile, knotConfig(knotDir, knotPort, zoneFile));
	const knot = launch('knotd', cpu, 'knotd', ['-c', knotFile]);
	await waitAnswering('knotd', knot.child, knot.log, knotPort);
	let unbound: ReturnType<typeof launch> | undefined;
	let unboundPort = 0;
	try {
		unboundPort = await freePort();
		const unboundFile = path.join(unboundDir, 'unbound.conf');
		writeFileSync(unboundFile, unboundConfig(unboundDir, unboundPort, knotPort));
		unbound = launch('unbound', cpu, 'unbound', ['-d', '-c', unboundFile]);
		await waitAnswering('unbound', unbound.child, unbound.log, unboundPort);
	} catch (error) {
		if (unbound !== undefined) await stop(unbound.child);
		await stop(knot.child);
		throw error;
	}
	const server = (name: string, port: number, child: ChildProcess): Server => ({name, port, pid: child.pid ?? -1, child});
	const pair = {knot: server('knotd', knotPort, knot.child), unbound: server('unbound', unboundPort, unbound.child)};
	return {
		...pair,
		async stop() {
			await stop(pair.unbound.child);
			await stop(pair.knot.child);
		},
	};
}
