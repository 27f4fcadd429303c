// Run by the source-probe tests (also inside a test host): the addon's probe and a fresh node:dgram socket's, for each destination given.
// Usage: node --import tsx probe-compare.mts ADDON DESTINATION... → one JSON line {routed, probed, fresh}.
import ipaddr from 'ipaddr.js';
import {plainIpBytes} from '../../src/select/policy.js';

process.env.HE6_DNS_UDP_ADDON = process.argv[2];
const {udpBatchAddon} = await import('../../src/transport/udp-batch.js');
const {probeSource} = await import('../../src/host/source-probe.js');
const {formatIpv6} = await import('../../src/wire/address-text.js');
const addon = udpBatchAddon();
if (addon === null) throw new Error(`the addon did not load from ${process.argv[2]}`);

const destinations = process.argv.slice(3);
const probed: Record<string, string | null> = {};
const fresh: Record<string, string | null> = {};
let routed = 0;
for (const family of [4, 6] as const) {
	const size = family === 4 ? 4 : 16;
	const list = destinations.filter((d) => plainIpBytes(d)?.length === size);
	const asked = new Uint8Array(list.length * size);
	list.forEach((d, i) => asked.set(plainIpBytes(d) as readonly number[], i * size));
	const sources = new Uint8Array(list.length * 16);
	const found = new Uint8Array(list.length);
	routed += addon.probe(family, asked, list.length, sources, found);
	list.forEach((d, i) => {
		const bytes = sources.subarray(i * 16, i * 16 + size);
		probed[d] = found[i] === 1 ? (family === 4 ? [...bytes].join('.') : formatIpv6(bytes, 0)) : null;
	});
}
// node:dgram writes a mapped source with a dotted tail: compared as ipaddr.js text (the addon's, RFC 5952 without one).
const text = (address: string | null): string | null => (address === null ? null : ipaddr.parse(address).toString());
for (const d of destinations) {
	fresh[d] = text(await probeSource(d));
	probed[d] = text(probed[d] ?? null);
}
console.log(JSON.stringify({routed, probed, fresh}));
