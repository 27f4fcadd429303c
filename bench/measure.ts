// One measured client run: pinned with taskset, timed by /usr/bin/time, with the UDP drop counter, server CPU and foreign CPU around it.
import {closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync} from 'node:fs';
import {stop, track, waitExit} from './procs.js';

/** Clock ticks per second for /proc/stat and /proc/PID/stat (USER_HZ, 100 on every Linux build that matters). */
const hz = 100;

/**
 * Busy CPU seconds of the whole machine and its softirq seconds. Decision: busy includes irq and softirq,
 * unlike performance.md §3.1 (user+nice+system+steal). With tick-based accounting a tick spent in softirq
 * is charged both to the interrupted task's stime and to the softirq column, so a loopback-heavy client's
 * own CPU holds its softirq time; without it, "foreign" CPU came out negative by about the softirq time.
 */
export function machineCpu(): {busy: number; softirq: number} {
	const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
	const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
	return {busy: (user + nice + system + irq + softirq + steal) / hz, softirq: softirq / hz};
}

/** user+system CPU seconds of one live process (0 once it is gone). */
export function processCpu(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the parenthesised command name (which may hold spaces): state is field 3, utime 14, stime 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / hz;
	} catch {
		return 0;
	}
}

/**
 * The kernel's UDP receive-buffer drop counter (Udp RcvbufErrors + Udp6RcvbufErrors), read straight
 * from /proc/net/snmp{,6}. Decision: not `nstat`, which keeps its own history file and reports deltas
 * since its last call by anyone; the raw counter read before and after a run gives that run's delta.
 * It is machine-wide: drops in the servers' sockets (or anyone else's) count too.
 */
export function rcvbufErrors(): number {
	const snmp = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
	const names = (snmp[0] ?? '').split(/\s+/);
	const values = (snmp[1] ?? '').split(/\s+/);
	let total = Number(values[names.indexOf('RcvbufErrors')] ?? 0);
	try {
		const v6 = /^Udp6RcvbufErrors\s+(\d+)/m.exec(readFileSync('/proc/net/snmp6', 'utf8'));
		total += Number(v6?.[1] ?? 0);
	} catch {
		// No IPv6 in this kernel.
	}
	return total;
}

/** Pids whose process group is `group` (a group this bench created for one timed run). */
function groupMembers(group: number): number[] {
	const members: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// After the parenthesised name: state, ppid, pgrp.
			if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === group) members.push(Number(entry));
		} catch {
			// Gone meanwhile.
		}
	}
	return members;
}

/** Socket inodes held open by `pid`. */
function socketInodes(pid: number, into: Set<string>): void {
	try {
		for (const fd of readdirSync(`/proc/${pid}/fd`)) {
			try {
				const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
				if (match?.[1] !== undefined) into.add(match[1]);
			} catch {
				// Closed meanwhile.
			}
		}
	} catch {
		// Process gone.
	}
}

/**
 * Receive-buffer drops of one run's own UDP sockets (the client's and the servers'), from the `drops`
 * column of /proc/net/udp{,6}, sampled every 200 ms while the run lasts; each socket counts with the
 * highest value seen. Decision: the kernel's RcvbufErrors counter is machine-wide, so on a shared box
 * another workload's drops land in this run's delta; the per-socket column is this run's only. Drops in
 * the last 200 ms before a client closes a socket can be missed; the machine-wide delta is reported too.
 */
class SocketDrops {
	private readonly seen = new Map<string, {base: number; max: number}>();
	private clientPids: number[] = [];
	private group: number | null = null;
	private seeded = false;
	constructor(private readonly serverPids: readonly number[]) {
		// The servers' sockets before the run: what they hold now is their base.
		this.sample();
		this.seeded = true;
	}

	/** From now on, the timed run's process group counts too. */
	watch(group: number): void {
		this.group = group;
	}

	sample(): void {
		// The timed program is the group's member other than GNU time; found once, it keeps its pid.
		if (this.group !== null && this.clientPids.length < 2) this.clientPids = groupMembers(this.group);
		const inodes = new Set<string>();
		for (const pid of [...this.clientPids, ...this.serverPids]) socketInodes(pid, inodes);
		for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
			let text = '';
			try {
				text = readFileSync(file, 'utf8');
			} catch {
				continue;
			}
			for (const line of text.split('\n').slice(1)) {
				const cols = line.trim().split(/\s+/);
				const inode = cols[9];
				if (inode === undefined || !inodes.has(inode)) continue;
				const drops = Number(cols[12] ?? 0);
				const known = this.seen.get(inode);
				// A server socket's count from before the run is its base; a socket opened during the run starts at 0.
				if (known === undefined) this.seen.set(inode, {base: this.seeded ? 0 : drops, max: drops});
				else known.max = Math.max(known.max, drops);
			}
		}
	}

	total(): number {
		let sum = 0;
		for (const {base, max} of this.seen.values()) sum += max - base;
		return sum;
	}
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Noise guard (performance.md §3.1): waits until the CPU used by anything but `serverPids` stays under
 * `limit` core-seconds per second for one second, for at most `maxWaitMs`. Returns the seconds waited,
 * or -1 when the machine never went quiet (the run is then made anyway and flagged).
 */
export async function waitQuiet(serverPids: readonly number[], limit = 0.05, maxWaitMs = 60_000): Promise<number> {
	const started = Date.now();
	while (Date.now() - started < maxWaitMs) {
		const m0 = machineCpu();
		const s0 = serverPids.reduce((sum, pid) => sum + processCpu(pid), 0);
		await sleep(1000);
		const m1 = machineCpu();
		const s1 = serverPids.reduce((sum, pid) => sum + processCpu(pid), 0);
		if (m1.busy - m0.busy - (s1 - s0) < limit) return (Date.now() - started) / 1000;
	}
	return -1;
}

export interface RunOptions {
	/** CPU list for taskset (the client core). */
	readonly cpu: string;
	/** File for the client's standard output (default /dev/null). */
	readonly stdout?: string;
	/** File for its standard error (kept for failure messages). */
	readonly stderr: string;
	/** Pids whose CPU counts as the servers'. */
	readonly serverPids: readonly number[];
	readonly env?: NodeJS.ProcessEnv;
	readonly cwd?: string;
	/** Skip the wait-for-quiet guard (runs that are not timed). */
	readonly noGuard?: boolean;
	/** Stop the run after this long (it then counts as failed, exit code 124). Default 15 minutes. */
	readonly timeoutMs?: number;
}

export interface Measured {
	readonly exitCode: number;
	readonly wallS: number;
	readonly userS: number;
	readonly sysS: number;
	readonly maxRssKb: number;
	/** Machine-wide Udp RcvbufErrors delta (anyone's drops). */
	readonly rcvbufErrors: number;
	/** Drops on this run's own sockets, client and servers (see SocketDrops). */
	readonly socketDrops: number;
	readonly serverCpuS: number;
	readonly softirqS: number;
	/** Busy CPU that was neither the client nor the servers; over 1 s marks a noisy run. */
	readonly foreignCpuS: number;
	/** Seconds the noise guard waited (-1: never quiet). */
	readonly quietWaitS: number;
	readonly stderrTail: string;
}

/** Runs `program args` as `taskset -c CPU /usr/bin/time -f ... program args` and measures it. */
export async function measure(program: string, args: readonly string[], options: RunOptions): Promise<Measured> {
	const quietWaitS = options.noGuard === true ? 0 : await waitQuiet(options.serverPids);
	const timeFile = `${options.stderr}.time`;
	const out = openSync(options.stdout ?? '/dev/null', 'w');
	const err = openSync(options.stderr, 'w');
	const m0 = machineCpu();
	const s0 = options.serverPids.reduce((sum, pid) => sum + processCpu(pid), 0);
	const drops = new SocketDrops(options.serverPids);
	const r0 = rcvbufErrors();
	const t0 = process.hrtime.bigint();
	// GNU time: %U/%S CPU seconds of the child and its waited-for children, %M peak RSS in KiB.
	const child = track('taskset', ['-c', options.cpu, '/usr/bin/time', '-o', timeFile, '-f', '%U %S %M', program, ...args], {
		stdio: ['ignore', out, err],
		env: options.env ?? process.env,
		cwd: options.cwd,
	}, true);
	if (child.pid !== undefined) drops.watch(child.pid);
	const sampler = setInterval(() => drops.sample(), 200);
	let stopped: Promise<void> | undefined;
	const timer = setTimeout(() => {
		stopped = stop(child);
	}, options.timeoutMs ?? 15 * 60_000);
	const code = await waitExit(child);
	clearInterval(sampler);
	drops.sample();
	clearTimeout(timer);
	if (stopped !== undefined) await stopped;
	const exitCode = stopped === undefined ? code : 124;
	const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
	const r1 = rcvbufErrors();
	const m1 = machineCpu();
	const s1 = options.serverPids.reduce((sum, pid) => sum + processCpu(pid), 0);
	closeSync(out);
	closeSync(err);
	const timeText = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
	rmSync(timeFile, {force: true});
	// With a non-zero exit, GNU time writes "Command exited with non-zero status N" first: the figures are on the last line.
	const [userS = NaN, sysS = NaN, maxRssKb = NaN] = (timeText.trim().split('\n').pop() ?? '').split(' ').map(Number);
	const stderrTail = readFileSync(options.stderr, 'utf8').slice(-2000);
	return {
		exitCode,
		wallS,
		userS,
		sysS,
		maxRssKb,
		rcvbufErrors: r1 - r0,
		socketDrops: drops.total(),
		serverCpuS: s1 - s0,
		softirqS: m1.softirq - m0.softirq,
		foreignCpuS: m1.busy - m0.busy - (userS + sysS) - (s1 - s0),
		quietWaitS,
		stderrTail,
	};
}

/** Median, min and max of a non-empty list. */
export interface Spread {
	readonly median: number;
	readonly min: number;
	readonly max: number;
	readonly n: number;
}

export function spread(values: readonly number[]): Spread | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((x, y) => x - y);
	const mid = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
	return {median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, n: sorted.length};
}
