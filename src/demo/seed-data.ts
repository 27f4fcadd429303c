// The field report's DNS data (dig and tcpdump output of April 2016) as records for the demo resolver.
import {startZoneServer, type ZoneServer} from './zone-server.js';
import type {SoaData, ZoneRecord} from './zone.js';

/** The hosts the field report looked up, in its order. */
export const seedHosts = ['www.linkedin.com', 'www.facebook.com', 'github.com', 'www.google.com'] as const;

/** Only github.com's SOA is in the report; the other three zones get plausible ones so NODATA has an SOA. */
const soa = (name: string, mname: string, rname: string, serial: number, ttl: number, minimum: number): ZoneRecord => {
	const data: SoaData = {mname, rname, serial, refresh: 3600, retry: 600, expire: 604800, minimum};
	return {name, type: 'SOA', ttl, data};
};

const googleA = ['209.85.203.104', '209.85.203.105', '209.85.203.106', '209.85.203.147', '209.85.203.99', '209.85.203.103'];

/** The records, as the report's dig answers show them (TTLs included). */
export const seedRecords: readonly ZoneRecord[] = [
	// $ dig AAAA www.linkedin.com: two CNAMEs, then the AAAA (the A is the same name's IPv4).
	{name: 'www.linkedin.com.', type: 'CNAME', ttl: 88, data: 'glb-any-eu.www.linkedin.com.'},
	{name: 'glb-any-eu.www.linkedin.com.', type: 'CNAME', ttl: 88, data: 'any-eu.www.linkedin.com.'},
	{name: 'any-eu.www.linkedin.com.', type: 'AAAA', ttl: 1869, data: '2a04:f540:1::b93f:930a'},
	{name: 'any-eu.www.linkedin.com.', type: 'A', ttl: 1869, data: '185.63.147.10'},
	soa('linkedin.com.', 'dns1.p09.nsone.net.', 'hostmaster.nsone.net.', 1460000000, 3600, 3600),
	// $ dig AAAA www.facebook.com: one CNAME, then the AAAA.
	{name: 'www.facebook.com.', type: 'CNAME', ttl: 14, data: 'star-mini.c10r.facebook.com.'},
	{name: 'star-mini.c10r.facebook.com.', type: 'AAAA', ttl: 41, data: '2a03:2880:2130:7f20:face:b00c:0:25de'},
	{name: 'star-mini.c10r.facebook.com.', type: 'A', ttl: 41, data: '157.240.221.35'},
	soa('facebook.com.', 'a.ns.facebook.com.', 'dns.facebook.com.', 1461160000, 3600, 300),
	// $ dig AAAA github.com: no AAAA, the SOA in the authority section ("Not migrated yet").
	{name: 'github.com.', type: 'A', ttl: 60, data: '140.82.121.4'},
	{
		name: 'github.com.',
		type: 'SOA',
		ttl: 60,
		data: {mname: 'ns1.p16.dynect.net.', rname: 'hostmaster.github.com.', serial: 1461162636, refresh: 3600, retry: 600, expire: 604800, minimum: 60},
	},
	// tcpdump of getaddrinfo("www.google.com"): six A records and one AAAA.
	...googleA.map((data): ZoneRecord => ({name: 'www.google.com.', type: 'A', ttl: 300, data})),
	{name: 'www.google.com.', type: 'AAAA', ttl: 300, data: '2a00:1450:400b:802::2004'},
	soa('google.com.', 'ns1.google.com.', 'dns-admin.google.com.', 119000000, 60, 60),
];

/** A resolver on 127.0.0.1 (a free port) that answers the seed hosts as the report's resolver did. */
export function startDemoResolver(): Promise<ZoneServer> {
	return startZoneServer({records: seedRecords});
}
