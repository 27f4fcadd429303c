// `he6-dns demo`: the seed's hosts, looked up against an embedded resolver on loopback (no network).
import {seedHosts, startDemoResolver} from '../demo/seed-data.js';
import {defaults, type ResolverConfig} from '../resolve/resolv-conf.js';
import {lookupCommand, type LookupFlags} from './lookup-command.js';

export async function demoCommand(flags: LookupFlags, hosts: readonly string[]): Promise<number> {
	const server = await startDemoResolver();
	try {
		const config: ResolverConfig = {
			nameservers: [server.endpoint],
			search: [],
			ndots: defaults.ndots,
			timeout: 2,
			attempts: defaults.attempts,
			rotate: false,
			singleRequest: false,
			singleRequestReopen: false,
			noAaaa: false,
			edns0: true,
			trustAd: false,
			useVc: flags.tcp === true,
			source: 'embedded demo resolver',
			ignored: [],
		};
		return await lookupCommand(hosts.length > 0 ? hosts : seedHosts, flags, config);
	} finally {
		await server.close();
	}
}
