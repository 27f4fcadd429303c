// Run by source-probe.test.ts under `ulimit -n 64`: the addon loaded (or HE6_DNS_UDP=dgram), then every descriptor taken, then Source(D) asked for.
import {openSync} from 'node:fs';

process.env.HE6_DNS_UDP_ADDON = process.argv[2];
const {udpBatchAddon} = await import('../../src/transport/udp-batch.js');
const {probeManyNow, probeSource, probeSources} = await import('../../src/host/source-probe.js');
console.log(`addon ${udpBatchAddon() !== null}`);
const taken: number[] = [];
try {
	for (;;) taken.push(openSync('/dev/null', 'r'));
} catch (error) {
	console.log(`exhausted ${(error as NodeJS.ErrnoException).code}`);
}
// Each must answer or fail within the test's time, never wait for ever.
const outcome = async (ask: () => Promise<unknown>): Promise<string> => {
	try {
		await ask();
		return 'answered';
	} catch (error) {
		return `rejected ${(error as NodeJS.ErrnoException).code}`;
	}
};
console.log(`now ${probeManyNow(['127.0.0.1', '::1']).map(String).join(' ')}`);
console.log(`one ${await outcome(() => probeSource('127.0.0.1'))}`);
console.log(`many ${await outcome(() => probeSources(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']))}`);
