// One host from input to verdict: the lookup, address selection, DNS64, judgement. Shared by lookup and batch.
import {DeadlineQueue} from '../transport/deadlines.js';
import type {Endpoint, Transport} from '../transport/endpoint.js';
import {lookupHost, type ChannelSource, type HostOutcome, type PairMode} from '../resolve/lookup.js';
import type {NameCheck} from '../resolve/names.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import {discoverNat64} from '../resolve/nat64-discovery.js';
import {wellKnownPrefix, type Nat64Prefix} from '../resolve/dns64.js';
import {describeRule} from '../select/rfc6724.js';
import type {HostResult} from './host-result.js';
import {selectAddresses, selectAddressesNow, selectionDestinations, type Selection, type SelectionSettings} from './selection.js';
import {judge} from './verdict.js';

export interface HostCheckOptions {
	readonly config: ResolverConfig;
	readonly mode: PairMode;
	readonly edns: boolean;
	readonly tcp: boolean;
	readonly useSearch: boolean;
	/** RFC 6724 ordering with this host's (or a what-if) sources. */
	readonly selection: SelectionSettings;
	/** Ask ipv4only.arpa once (RFC 7050); off, only the Well-Known Prefix marks synthesized AAAA. */
	readonly discoverNat64: boolean;
	/** Shared sockets (batch); default a socket per pair. */
	readonly channels?: ChannelSource;
	/** Awaited before every packet (batch --qps). */
	readonly pace?: () => Promise<void>;
}

/** Per-host observers, for event streams and progress. */
export interface HostHooks {
	readonly onSend?: (family: Family, qname: string, server: Endpoint, transport: Transport) => void;
	readonly onFamily?: (outcome: FamilyOutcome) => void;
}

export interface HostChecker {
	/** `checked`: the input already through resolve/names.ts checkName (the batch engine does that first). */
	check(input: string, index: number, hooks?: HostHooks, checked?: NameCheck): Promise<HostResult>;
	/** Address selection, DNS64 and the verdict for a host already looked up (shared with the batch's lean lane). */
	conclude(host: HostOutcome, input: string, index: number): Promise<HostResult>;
	/** conclude's result at once when nothing must be waited for (DNS64 prefixes known, every Source(D) known), else null. */
	concludeNow(host: HostOutcome, input: string, index: number): HostResult | null;
	/**
	 * Calls `then` once the sources provider's next round of probes is in (SourceProvider.request), when
	 * concludeNow may answer what it could not before (it gives null where the round did not answer
	 * everything: then conclude). False, and `then` is never called, when the provider has no rounds or
	 * the DNS64 prefixes are not known yet.
	 */
	concludeSoon(host: HostOutcome, then: () => void): boolean;
	/** The rotation start for the next host (resolv.conf `rotate`), 0 otherwise. */
	nextFirstServer(): number;
	readonly deadlines: DeadlineQueue;
}

export function createHostChecker(options: HostCheckOptions, deadlines = new DeadlineQueue()): HostChecker {
	let rotation = 0;
	let nat64: Promise<Nat64Prefix[]> | null = null;
	/** The prefixes once known (at once without discovery), for concludeNow. */
	let nat64Now: readonly Nat64Prefix[] | null = options.discoverNat64 ? null : [wellKnownPrefix];
	// RFC 7050 discovery once per run (one resolver set), started only when an AAAA first needs it.
	const prefixes = (): Promise<Nat64Prefix[]> =>
		(nat64 ??= options.discoverNat64
			? discoverNat64(options.config, deadlines, options.edns).then((found) => (nat64Now = found))
			: Promise.resolve([wellKnownPrefix]));
	const nextFirstServer = (): number => (options.config.rotate ? rotation++ % options.config.nameservers.length : 0);
	const selects = (host: HostOutcome): boolean => host.a.status !== 'INVALID' && (host.a.addresses.length > 0 || host.aaaa.addresses.length > 0);
	const finish = (host: HostOutcome, input: string, index: number, selection: Selection | null): HostResult => {
		const verdict = judge(host.a, host.aaaa, {selection, noAaaa: options.config.noAaaa, describeRule});
		// Written out, not spread: the same keys in the same order (a HostOutcome and a verdict have no others), one shape per name.
		return {index, input, name: host.name, unicode: host.unicode, a: host.a, aaaa: host.aaaa, selection, verdict: verdict.verdict, reason: verdict.reason};
	};
	const conclude = async (host: HostOutcome, input: string, index: number): Promise<HostResult> => {
		let selection: Selection | null = null;
		if (selects(host)) selection = await selectAddresses(host.a, host.aaaa, host.aaaa.addresses.length > 0 ? await prefixes() : [], options.selection);
		return finish(host, input, index, selection);
	};
	/** The NAT64 prefixes a host's selection reads, or null while discovery has not given them yet. */
	const prefixesNow = (host: HostOutcome): readonly Nat64Prefix[] | null => (host.aaaa.addresses.length > 0 ? nat64Now : []);
	const concludeNow = (host: HostOutcome, input: string, index: number): HostResult | null => {
		if (!selects(host)) return finish(host, input, index, null);
		const nat64 = prefixesNow(host);
		if (nat64 === null) return null;
		const selection = selectAddressesNow(host.a, host.aaaa, nat64, options.selection);
		return selection === undefined ? null : finish(host, input, index, selection);
	};
	const concludeSoon = (host: HostOutcome, then: () => void): boolean => {
		const request = options.selection.sources.request;
		if (request === undefined || !selects(host) || prefixesNow(host) === null) return false;
		request(selectionDestinations(host.a, host.aaaa), then);
		return true;
	};
	return {
		deadlines,
		conclude,
		concludeNow,
		concludeSoon,
		nextFirstServer,
		async check(input, index, hooks = {}) {
			const firstServer = nextFirstServer();
			const host = await lookupHost(input, {
				config: options.config,
				deadlines,
				mode: options.mode,
				edns: options.edns,
				tcp: options.tcp,
				useSearch: options.useSearch,
				firstServer,
				...(hooks.onSend === undefined ? {} : {onSend: hooks.onSend}),
				...(hooks.onFamily === undefined ? {} : {onFamily: hooks.onFamily}),
				...(options.channels === undefined ? {} : {channels: options.channels}),
				...(options.pace === undefined ? {} : {pace: options.pace}),
			});
			return conclude(host, input, index);
		},
	};
}
