// Zone servers for the live capture tests: one port on 127.0.0.1 and ::1, outside the ephemeral range.
import {startZoneServer, type QueryHook, type ZoneRecord, type ZoneServer} from '../../src/demo/zone-server.js';

export const captureSoa: ZoneRecord = {name: 'he6.test', type: 'SOA', ttl: 300, data: {mname: 'ns.he6.test', rname: 'hostmaster.he6.test', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 60}};

/**
 * Decision: the capture filter is `port P`, which also matches any other flow that happens to use P
 * as its ephemeral source port; on a shared loopback (other test runs, resolvers) a port from the
 * kernel's ephemeral range (32768–60999) can collide. Ports 20000–32767 are never handed out by it.
 */
export async function startLoopbackZones(records: readonly ZoneRecord[], hook?: QueryHook): Promise<{servers: ZoneServer[]; port: number}> {
	for (let tries = 0; tries < 50; tries++) {
		const port = 20000 + Math.floor(Math.random() * 12000);
		const v4 = await startZoneServer({records, port, ...(hook ? {hook} : {})}).catch(() => null);
		if (v4 === null) continue;
		const v6 = await startZoneServer({records, port, address: '::1', ...(hook ? {hook} : {})}).catch(() => null);
		if (v6 !== null) return {servers: [v4, v6], port};
		await v4.close();
	}
	throw new Error('no port in 20000–32000 free on both 127.0.0.1 and ::1');
}
