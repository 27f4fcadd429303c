// Baseline client: Node's c-ares dns.promises.Resolver, C workers each awaiting allSettled([resolve4, resolve6]) per name.
// Plain .mjs run by plain node, so the baseline pays no loader (tsx) start-up.
// Usage: node bench/node-resolver.mjs NAMES_FILE HOST:PORT CONCURRENCY   → prints {"names","a","aaaa","nodata","errors"}
import {readFileSync} from 'node:fs';
import {Resolver} from 'node:dns/promises';

const [file, server, concurrencyText] = process.argv.slice(2);
if (file === undefined || server === undefined) {
	process.stderr.write('usage: node bench/node-resolver.mjs NAMES_FILE HOST:PORT CONCURRENCY\n');
	process.exit(1);
}
const concurrency = Number(concurrencyText ?? 100);
const names = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');

// performance.md's settings: 2 s per try, 3 tries. Node 20 offers no receive-buffer option.
const resolver = new Resolver({timeout: 2000, tries: 3});
resolver.setServers([server]);

const counts = {names: 0, a: 0, aaaa: 0, nodata: 0, errors: 0};
let next = 0;

async function worker() {
	while (next < names.length) {
		const name = names[next++];
		const [a, aaaa] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
		counts.names++;
		if (a.status === 'fulfilled' && a.value.length > 0) counts.a++;
		else counts.errors++;
		if (aaaa.status === 'fulfilled' && aaaa.value.length > 0) counts.aaaa++;
		else if (aaaa.status === 'rejected' && aaaa.reason?.code === 'ENODATA') counts.nodata++;
		else counts.errors++;
	}
}

await Promise.all(Array.from({length: concurrency}, worker));
process.stdout.write(`${JSON.stringify(counts)}\n`);
