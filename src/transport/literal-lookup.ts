// node:dgram's `lookup`s for IP literals only, so that node:dns is never loaded for a UDP socket.
import {isIP} from 'node:net';

/**
 * Every address he6-dns hands a socket (resolv.conf nameservers, `@server`, Source(D) probes, the demo
 * server's bind) is an IP literal, optionally with an RFC 4007 zone. dgram's default lookup is
 * `dns.lookup`, and loading node:dns sets up a c-ares channel that reads resolv.conf and nsswitch.conf:
 * ~3 ms of a one-shot lookup's start (issue 6). A name here is a bug, never something to resolve
 * through the system resolver (a DNS tool must not depend on the resolver it examines): EINVAL.
 * The answer comes on the next tick, as dns.lookup's does for literals, so listeners attached right
 * after bind()/connect() still see their events.
 */
export function literalLookup(address: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
	const family = isIP(address);
	process.nextTick(() => {
		if (family === 0) callback(Object.assign(new Error(`not an IP address: ${address}`), {code: 'EINVAL'}), address, 0);
		else callback(null, address, family);
	});
}

/**
 * The literal handed back at once, for callers that already know it is one of `family` (the batched
 * Source(D) probes of host/source-probe.ts): dgram's connect() then reaches the kernel before it
 * returns. Only for sockets that attach no listener per connect (literalLookup's next tick is for those).
 */
export const immediateLookup =
	(family: 4 | 6) =>
	(address: string, _options: unknown, callback: (error: null, address: string, family: number) => void): void =>
		callback(null, address, family);
