// One host: its A and AAAA asked as getaddrinfo asks them (paired on one socket), over the search list.
import type {DeadlineQueue} from '../transport/deadlines.js';
import type {Endpoint, Transport} from '../transport/endpoint.js';
import {UdpChannel} from '../transport/udp-channel.js';
import {replylessOutcome, resolveFamily, type FamilyContext} from './family.js';
import {checkName} from './names.js';
import type {ResolverConfig} from './resolv-conf.js';
import {searchCandidates} from './search.js';
import type {Family, FamilyOutcome} from './types.js';

/** How the A and AAAA of a name go out, after resolv.conf's options of the same names. */
export type PairMode = 'parallel' | 'single-request' | 'single-request-reopen';

export interface LookupSettings {
	readonly config: ResolverConfig;
	readonly deadlines: DeadlineQueue;
	readonly mode: PairMode;
	/** Send EDNS(0) with a 1232-byte payload size. */
	readonly edns: boolean;
	readonly tcp: boolean;
	readonly useSearch: boolean;
	/** Rotation start for this host (resolv.conf `rotate`); 0 otherwise. */
	readonly firstServer: number;
	readonly onSend?: (family: Family, qname: string, server: Endpoint, transport: Transport) => void;
	readonly onFamily?: (outcome: FamilyOutcome) => void;
	/** Awaited before every packet (politeness); see QueryParams.pace. */
	readonly pace?: () => Promise<void>;
	/**
	 * Where a pair's socket comes from. Default: a fresh socket per pair, closed after the host, as
	 * getaddrinfo does. Batch passes a shared pool (few sockets, big receive buffers, many in flight).
	 */
	readonly channels?: ChannelSource;
}

/** Supplies UDP channels to lookups; `owned` channels are closed by the lookup when it is done. */
export interface ChannelSource {
	acquire(servers: readonly Endpoint[]): Promise<{channel: UdpChannel; owned: boolean}>;
}

export interface HostOutcome {
	readonly name: string;
	readonly unicode: string | null;
	readonly a: FamilyOutcome;
	readonly aaaa: FamilyOutcome;
}

/** The outcome of a family whose name was refused before anything was sent. */
export function invalidOutcome(family: Family, input: string, detail: string): FamilyOutcome {
	return replylessOutcome(family, 'INVALID', input, [], 0, {kind: 'invalid-name', detail});
}

/** Resolves one input name; never throws for DNS trouble (that is data in the outcomes). */
export async function lookupHost(input: string, settings: LookupSettings): Promise<HostOutcome> {
	const checked = checkName(input);
	if (!checked.ok) return {name: input, unicode: null, a: invalidOutcome('A', input, checked.detail), aaaa: invalidOutcome('AAAA', input, checked.detail)};
	const candidates = searchCandidates(checked.ascii, checked.absolute, settings.config, settings.useSearch);
	const channels: UdpChannel[] = [];
	try {
		let chosen: [FamilyOutcome, FamilyOutcome] | null = null;
		let asIs: [FamilyOutcome, FamilyOutcome] | null = null;
		for (const candidate of candidates) {
			const pair = await lookupPair(candidate, settings, channels);
			if (candidate === checked.ascii) asIs = pair;
			// glibc res_search: a name with addresses ends the search; so does a server that did not
			// answer (TIMEOUT/ERROR), where trying more suffixes would only wait again.
			if (pair.some((o) => o.addresses.length > 0) || pair.some((o) => o.status === 'TIMEOUT' || o.status === 'ERROR')) {
				chosen = pair;
				break;
			}
		}
		const [a, aaaa] = chosen ?? asIs ?? (await lookupPair(checked.ascii, settings, channels));
		return {name: checked.ascii, unicode: checked.unicode, a, aaaa};
	} finally {
		for (const channel of channels) channel.close();
	}
}

/** The A and AAAA of one name, sent the way the resolv.conf options say. */
async function lookupPair(qname: string, settings: LookupSettings, channels: UdpChannel[]): Promise<[FamilyOutcome, FamilyOutcome]> {
	const servers = settings.config.nameservers;
	const newChannel = async (): Promise<UdpChannel> => {
		if (settings.channels !== undefined) {
			const {channel, owned} = await settings.channels.acquire(servers);
			if (owned) channels.push(channel);
			return channel;
		}
		const channel = new UdpChannel(settings.deadlines);
		channels.push(channel);
		// Bind every family the server list needs before sending, so the pair leaves back to back.
		await Promise.all(servers.map((server) => channel.open(server)));
		return channel;
	};
	const context = (channel: UdpChannel, family: Family): FamilyContext => ({
		servers,
		firstServer: settings.firstServer,
		timeoutMs: settings.config.timeout * 1000,
		attempts: settings.config.attempts,
		tcp: settings.tcp,
		edns: settings.edns,
		ad: settings.config.trustAd,
		channel,
		deadlines: settings.deadlines,
		onSend: (server, transport) => settings.onSend?.(family, qname, server, transport),
		...(settings.pace === undefined ? {} : {pace: settings.pace}),
	});
	const run = (channel: UdpChannel, family: Family): Promise<FamilyOutcome> =>
		resolveFamily(qname, family, context(channel, family)).then((outcome) => {
			settings.onFamily?.(outcome);
			return outcome;
		});
	const first = await newChannel();
	if (settings.mode === 'parallel') return Promise.all([run(first, 'A'), run(first, 'AAAA')]);
	const a = await run(first, 'A');
	const second = settings.mode === 'single-request-reopen' ? await newChannel() : first;
	return [a, await run(second, 'AAAA')];
}
