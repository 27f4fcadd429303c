// `he6-dns demo`: the seed's hosts, looked up against an embedded resolver on loopback (no network).
import {seedHosts, startDemoResolver} from '../demo/seed-data.js';
import {defaults, type ResolverConfig} from '../resolve/resolv-conf.js';
import {lookupCommand, type LookupFlags} from './lookup-command.js';
import {seedHostWhatIf} from '../demo/seed-host.js';
import {selectionSettings} from './selection-options.js';

export async function demoCommand(flags: LookupFlags & {readonly thisHost?: boolean}, hosts: readonly string[]): Promise<number> {
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
		// By default the seed's box answers "what would it connect to" (its sit1 tunnel); --this-host asks this kernel.
		const selection = selectionSettings(flags, flags.thisHost ? undefined : {whatIf: seedHostWhatIf, label: "the seed's EC2 box (what-if: sit1 2001:470:1f1c:666::2, eth0 10.104.229.189)"});
		return await lookupCommand(hosts.length > 0 ? hosts : seedHosts, flags, {config, selection});
	} finally {
		await server.close();
	}
}
