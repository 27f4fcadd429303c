// Every process the bench starts, tracked by pid and stopped by pid on the way out (normal end, error, SIGINT, SIGTERM).
import {spawn, type ChildProcess, type SpawnOptions} from 'node:child_process';

/** Live children by pid. */
const live = new Map<number, ChildProcess>();
/** Children started as process-group leaders (their pid is the group id); kept after they exit, see `stop`. */
const groups = new WeakSet<ChildProcess>();
let stopping = false;

/**
 * Spawns and tracks `program`; the pid is forgotten once it exits. `group` starts it as a process-group
 * leader (detached) so that stopping it reaches what it forked too: GNU time dies on SIGTERM at once and
 * would leave the timed program running.
 */
export function track(program: string, args: readonly string[], options: SpawnOptions = {}, group = false): ChildProcess {
	// After SIGINT nothing new starts, even if the main flow has not noticed yet.
	if (stopping) throw new Error('bench is stopping');
	const child = spawn(program, args, {stdio: ['ignore', 'ignore', 'pipe'], ...options, detached: group});
	if (child.pid !== undefined) {
		const pid = child.pid;
		live.set(pid, child);
		if (group) groups.add(child);
		child.once('exit', () => live.delete(pid));
	}
	return child;
}

export const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

const signalNumbers: Record<string, number> = {SIGINT: 2, SIGKILL: 9, SIGTERM: 15};

/** Resolves with the exit code (or 128 + signal number) once `child` has ended. */
export function waitExit(child: ChildProcess): Promise<number> {
	const code = (): number => child.exitCode ?? (child.signalCode === null ? 0 : 128 + (signalNumbers[child.signalCode] ?? 1));
	if (exited(child)) return Promise.resolve(code());
	return new Promise((resolve) => child.once('exit', () => resolve(code())));
}

/** Whether any process of the group led by `pid` (a group this bench created) is still there. */
function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
	const pid = child.pid;
	if (pid === undefined) return;
	try {
		if (groups.has(child)) process.kill(-pid, sig);
		else if (!exited(child)) child.kill(sig);
	} catch {
		// Already gone.
	}
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `sig` (SIGTERM by default), then SIGKILL after `graceMs`; resolves once it (and, for a group, every member) has exited. */
export async function stop(child: ChildProcess, graceMs = 3000, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	const pid = child.pid;
	const isGroup = groups.has(child) && pid !== undefined;
	if (exited(child) && !(isGroup && groupAlive(pid))) return;
	const deadline = Date.now() + graceMs;
	signal(child, sig);
	for (;;) {
		const gone = exited(child) && !(isGroup && groupAlive(pid));
		if (gone) return;
		if (Date.now() >= deadline) break;
		await sleep(50);
	}
	signal(child, 'SIGKILL');
	await waitExit(child);
	while (isGroup && groupAlive(pid)) await sleep(50);
}

/** Stops every tracked process, newest first (clients before the servers they talk to). */
export async function stopAll(): Promise<void> {
	for (const child of [...live.values()].reverse()) await stop(child);
}

let installed = false;
/** On SIGINT/SIGTERM: stop everything by pid, then exit 130/143. On any exit: SIGKILL whatever is left. */
export function installCleanup(): void {
	if (installed) return;
	installed = true;
	const bySignal = (sig: NodeJS.Signals, code: number) => (): void => {
		stopping = true;
		process.stderr.write(`\nbench: ${sig}, stopping ${live.size} process(es) by pid\n`);
		void stopAll().finally(() => process.exit(code));
	};
	process.once('SIGINT', bySignal('SIGINT', 130));
	process.once('SIGTERM', bySignal('SIGTERM', 143));
	process.once('exit', () => {
		for (const child of live.values()) signal(child, 'SIGKILL');
	});
}
