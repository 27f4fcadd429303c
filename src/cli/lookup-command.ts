// `he6-dns [options] [@server...] name...`: paired A+AAAA lookups through the system resolver.
import {runLookups} from '../core/lookup-run.js';
import type {PairMode} from '../resolve/lookup.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import {loadConfig} from './config.js';
import {UsageError} from './errors.js';
import {exitCodeFor} from './exit-codes.js';
import {chooseView, showLookup} from './view.js';
import {selectionSettings, type SelectionFlags} from './selection-options.js';
import type {SelectionSettings} from '../core/selection.js';

export interface LookupFlags extends SelectionFlags {
	readonly json?: boolean;
	readonly plain?: boolean;
	readonly resolvConf?: string;
	readonly timeout?: string;
	readonly attempts?: string;
	readonly tcp?: boolean;
	readonly singleRequest?: boolean;
	readonly singleRequestReopen?: boolean;
	readonly search?: boolean;
	readonly edns?: boolean;
	readonly concurrency?: string;
	readonly dns64?: boolean;
}

/** Splits `@server` arguments from names (dig's convention; order does not matter). */
export function splitArguments(args: readonly string[]): {servers: string[]; names: string[]} {
	const servers: string[] = [];
	const names: string[] = [];
	for (const arg of args) {
		if (arg.startsWith('@')) servers.push(arg.slice(1));
		else names.push(arg);
	}
	return {servers, names};
}

export function pairMode(config: ResolverConfig): PairMode {
	if (config.singleRequestReopen) return 'single-request-reopen';
	if (config.singleRequest) return 'single-request';
	return 'parallel';
}

function concurrency(text: string | undefined): number {
	if (text === undefined) return 16;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`--concurrency takes a whole number from 1 to 1024, not '${text}'`);
	return n;
}

/** Runs the lookup and returns the exit code. */
export async function lookupCommand(
	args: readonly string[],
	flags: LookupFlags,
	overrides: {config?: ResolverConfig; selection?: SelectionSettings} = {},
): Promise<number> {
	const {servers, names} = splitArguments(args);
	if (names.length === 0) throw new UsageError('no name to look up; try: he6-dns www.example.com (or he6-dns demo)');
	const config =
		overrides.config ??
		loadConfig({
			resolvConf: flags.resolvConf,
			servers,
			timeout: flags.timeout,
			attempts: flags.attempts,
			singleRequest: flags.singleRequest,
			singleRequestReopen: flags.singleRequestReopen,
			tcp: flags.tcp,
		});
	const events = runLookups(names, {
		config,
		mode: pairMode(config),
		edns: flags.edns !== false,
		tcp: config.useVc,
		useSearch: flags.search !== false,
		concurrency: concurrency(flags.concurrency),
		selection: overrides.selection ?? selectionSettings(flags),
		discoverNat64: flags.dns64 !== false,
	});
	const summary = await showLookup(events, chooseView(flags));
	return exitCodeFor(summary);
}
