// The lookup command's core: many hosts, bounded concurrency, one event stream for every view.
import {DeadlineQueue} from '../transport/deadlines.js';
import {lookupHost, type PairMode} from '../resolve/lookup.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import type {HostResult} from '../core/host-result.js';
import {EventQueue} from './event-queue.js';
import type {LookupEvent, RunSummary} from './events.js';
import {judge} from './verdict.js';
import {discoverNat64} from '../resolve/nat64-discovery.js';
import {wellKnownPrefix, type Nat64Prefix} from '../resolve/dns64.js';
import {describeRule} from '../select/rfc6724.js';
import {selectAddresses, type Selection, type SelectionSettings} from './selection.js';

export interface LookupRunOptions {
	readonly config: ResolverConfig;
	readonly mode: PairMode;
	readonly edns: boolean;
	readonly tcp: boolean;
	readonly useSearch: boolean;
	/** Hosts resolved at once; each holds one socket. */
	readonly concurrency: number;
	/** RFC 6724 ordering with this host's (or a what-if) sources. */
	readonly selection: SelectionSettings;
	/** Ask ipv4only.arpa once (RFC 7050); off, only the Well-Known Prefix marks synthesized AAAA. */
	readonly discoverNat64: boolean;
	readonly signal?: AbortSignal;
}

/** Resolves `inputs` and yields the events; ends with exactly one `run-end`. Never throws for DNS trouble. */
export function runLookups(inputs: readonly string[], options: LookupRunOptions): AsyncIterable<LookupEvent> {
	const queue = new EventQueue<LookupEvent>();
	const deadlines = new DeadlineQueue();
	const started = performance.now();
	const results: HostResult[] = [];
	let anyReply = false;
	let next = 0;
	let rotation = 0;
	let nat64: Promise<Nat64Prefix[]> | null = null;
	const prefixes = (): Promise<Nat64Prefix[]> =>
		(nat64 ??= options.discoverNat64 ? discoverNat64(options.config, deadlines, options.edns) : Promise.resolve([wellKnownPrefix]));

	const one = async (index: number): Promise<void> => {
		const input = inputs[index] as string;
		queue.push({kind: 'host-start', index, input});
		const firstServer = options.config.rotate ? rotation++ % options.config.nameservers.length : 0;
		const host = await lookupHost(input, {
			config: options.config,
			deadlines,
			mode: options.mode,
			edns: options.edns,
			tcp: options.tcp,
			useSearch: options.useSearch,
			firstServer,
			onSend: (family, qname, server, transport) => queue.push({kind: 'query-sent', index, family, qname, server, transport}),
			onFamily: (outcome) => {
				if (outcome.server !== null && outcome.rttMs !== null) anyReply = true;
				queue.push({kind: 'family-done', index, outcome});
			},
		});
		let selection: Selection | null = null;
		if (host.a.status !== 'INVALID' && (host.a.addresses.length > 0 || host.aaaa.addresses.length > 0)) {
			selection = await selectAddresses(host.a, host.aaaa, host.aaaa.addresses.length > 0 ? await prefixes() : [], options.selection);
		}
		const verdict = judge(host.a, host.aaaa, {selection, noAaaa: options.config.noAaaa, describeRule});
		const result: HostResult = {index, input, ...host, selection, ...verdict};
		results.push(result);
		queue.push({kind: 'host-done', result});
	};

	const worker = async (): Promise<void> => {
		while (next < inputs.length && !options.signal?.aborted) await one(next++);
	};

	queue.push({kind: 'run-start', config: options.config, hosts: inputs, stack: options.selection.stack, sources: options.selection.label});
	const workers = Array.from({length: Math.max(1, Math.min(options.concurrency, inputs.length))}, worker);
	Promise.all(workers).then(
		() => {
			queue.push({kind: 'run-end', summary: summarize(results, anyReply, performance.now() - started)});
			queue.end();
		},
		(error: unknown) => queue.end(error),
	);
	return queue;
}

const failedStatus = new Set(['TIMEOUT', 'ERROR', 'INVALID']);

function summarize(results: readonly HostResult[], anyReply: boolean, elapsedMs: number): RunSummary {
	const verdicts: Record<string, number> = {};
	let failed = 0;
	for (const r of results) {
		verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
		if (failedStatus.has(r.a.status) || failedStatus.has(r.aaaa.status)) failed++;
	}
	return {hosts: results.length, answered: results.length - failed, failed, anyReply, verdicts, elapsedMs: Math.round(elapsedMs)};
}
