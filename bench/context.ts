// What every bench section shares: the fixture, the servers, the CPU placement, the run count and the command log.
import path from 'node:path';
import type {Fixture} from './gen-zone.js';
import {measure, type Measured, type RunOptions} from './measure.js';
import type {Servers} from './servers.js';

export interface Context {
	/** Scratch directory (fixture, outputs, captures), removed at the end unless BENCH_KEEP=1. */
	readonly dir: string;
	readonly repo: string;
	readonly quick: boolean;
	/** Timed runs per configuration. */
	readonly runs: number;
	readonly fixture: Fixture;
	readonly servers: Servers;
	readonly clientCpu: string;
	readonly serverCpu: string;
	/** dist/cli.js */
	readonly he6: string;
	/** What-if Source(D) map for batch runs (see run.ts). */
	readonly sourcesFile: string;
	/** Exact commands, once per label, for RESULTS.md. */
	readonly commands: Map<string, string>;
	readonly notes: string[];
}

export const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

/** The command as a shell line, with the scratch directory as $W and Unbound's port as $PORT (double-quoted where they sit inside a quoted argument). */
export function showCommand(ctx: Context, argv: readonly string[]): string {
	const port = String(ctx.servers.unbound.port);
	const generic = (arg: string): string =>
		arg
			.replaceAll(ctx.dir, '$W')
			.replaceAll(process.execPath, 'node')
			.replaceAll(`${ctx.repo}/`, '')
			.replace(new RegExp(`(^|[:@ ])${port}\\b`, 'g'), '$1$$PORT');
	const quote = (arg: string): string => (/^[\w@%+=:,./$-]+$/.test(arg) ? arg : /^[^"\\`]*$/.test(arg) ? `"${arg}"` : `'${arg.replace(/'/g, `'\\''`)}'`);
	return argv.map((arg, i) => (argv[i - 1] === '-p' && arg === port ? '$PORT' : quote(generic(arg)))).join(' ');
}

export function record(ctx: Context, label: string, argv: readonly string[], prefix = `taskset -c ${ctx.clientCpu} `): void {
	if (!ctx.commands.has(label)) ctx.commands.set(label, prefix + showCommand(ctx, argv));
}

/** A timed client run on the client core, its command recorded under `label`. */
export function clientRun(ctx: Context, label: string, argv: readonly string[], run: number, options: Partial<RunOptions> = {}): Promise<Measured> {
	record(ctx, label, argv);
	const [program = '', ...args] = argv;
	return measure(program, args, {
		cpu: ctx.clientCpu,
		stderr: path.join(ctx.dir, 'logs', `${label.replace(/[^\w.-]+/g, '_')}.${run}.stderr`),
		serverPids: [ctx.servers.knot.pid, ctx.servers.unbound.pid],
		cwd: ctx.repo,
		...options,
	});
}
