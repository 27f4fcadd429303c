// RFC 7050 discovery against the run's resolvers: one AAAA query for ipv4only.arpa, once per run.
import type {DeadlineQueue} from '../transport/deadlines.js';
import {UdpChannel} from '../transport/udp-channel.js';
import {discoverPrefixes, ipv4onlyName, wellKnownPrefix, type Nat64Prefix} from './dns64.js';
import {resolveFamily} from './family.js';
import type {ResolverConfig} from './resolv-conf.js';

/** The NAT64 prefixes in force: the discovered ones, plus the Well-Known Prefix (RFC 6052 §2.1). */
export async function discoverNat64(config: ResolverConfig, deadlines: DeadlineQueue, edns: boolean): Promise<Nat64Prefix[]> {
	const channel = new UdpChannel(deadlines);
	try {
		await Promise.all(config.nameservers.map((server) => channel.open(server)));
		const outcome = await resolveFamily(ipv4onlyName, 'AAAA', {
			servers: config.nameservers,
			firstServer: 0,
			timeoutMs: config.timeout * 1000,
			attempts: config.attempts,
			tcp: config.useVc,
			edns,
			ad: config.trustAd,
			channel,
			deadlines,
		});
		const found = discoverPrefixes(outcome.addresses.map((r) => r.address));
		const known = found.some((p) => p.prefix === wellKnownPrefix.prefix && p.length === wellKnownPrefix.length);
		return known ? found : [...found, wellKnownPrefix];
	} catch {
		return [wellKnownPrefix];
	} finally {
		channel.close();
	}
}
