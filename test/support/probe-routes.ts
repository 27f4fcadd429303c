// What the source-probe tests expect of the addon's route lookups, and how they run test/support/probe-compare.mts.
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export interface ProbeComparison {
	/** How many destinations the kernel's route lookups answered (the addon's probe's return). */
	readonly routed: number;
	/** The addon's Source(D) and a fresh node:dgram socket's, as ipaddr.js text (null: none). */
	readonly probed: Record<string, string | null>;
	readonly fresh: Record<string, string | null>;
}

const script = fileURLToPath(new URL('./probe-compare.mts', import.meta.url));

/** The command line that compares the two for `destinations` (run as is, or inside a test host). */
export function compareCommand(addon: string, destinations: readonly string[]): string[] {
	return [process.execPath, '--import', 'tsx', script, addon, ...destinations];
}

export function runComparison(addon: string, destinations: readonly string[], env: NodeJS.ProcessEnv = {}): ProbeComparison {
	const [program = '', ...args] = compareCommand(addon, destinations);
	const run = spawnSync(program, args, {encoding: 'utf8', timeout: 20_000, env: {...process.env, ...env}});
	if (run.status !== 0) throw new Error(`probe-compare exited ${run.status}: ${run.stderr}`);
	return JSON.parse(run.stdout) as ProbeComparison;
}

/**
 * The destinations the route lookups should answer: those a socket gets a source for, other than the
 * ones connect() treats apart from the route lookup (unspecified, broadcast, multicast, IPv6 link-local,
 * v4-mapped), which native/source-probe.c leaves to connect.
 */
export function expectedRouted(comparison: ProbeComparison): string[] {
	return Object.keys(comparison.fresh).filter((d) => comparison.fresh[d] !== null && !/^(0\.0\.0\.0$|255\.|22[4-9]\.|23\d\.|::$|ff|fe[89ab]|::ffff:)/.test(d));
}
