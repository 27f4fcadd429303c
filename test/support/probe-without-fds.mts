// Run by source-probe.test.ts under `ulimit -n 64`: the addon loaded, then every descriptor taken, then Source(D) asked for.
import {openSync} from 'node:fs';

process.env.HE6_DNS_UDP_ADDON = process.argv[2];
const {udpBatchAddon} = await import('../../src/transport/udp-batch.js');
const {probeManyNow, probeSources} = await import('../../src/host/source-probe.js');
console.log(`addon ${udpBatchAddon() !== null}`);
const taken: number[] = [];
try {
	for (;;) taken.push(openSync('/dev/null', 'r'));
} catch (error) {
	console.log(`exhausted ${(error as NodeJS.ErrnoException).code}`);
}
console.log(`now ${probeManyNow(['127.0.0.1', '::1']).map(String).join(' ')}`);
try {
	await probeSources(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
	console.log('many answered');
} catch (error) {
	console.log(`many rejected ${(error as Error).message}`);
}
