// Records fixtures/pcap/*.pcap with tcpdump from real traffic on loopback: dig and he6-dns against Unbound+Knot and the zone server on ::1.
//
// Run as root from the repository root, after `npm run build`:  npx tsx scripts/record-fixtures.ts
// Needs tcpdump, dig, knotd and unbound. Only loopback is ever contacted. Ports and ids change on every
// run; the tests assert names, types, answers and pairings, never ports.
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import dgram from 'node:dgram';
import {mkdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startZoneServer, type ZoneRecord, type ZoneServer} from '../src/demo/zone-server.js';
import {startResolvers} from '../test/support/resolvers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'fixtures/pcap');
const cli = path.join(root, 'dist/cli.js');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The he6.test names the fixtures ask, served on ::1 as Knot serves them (fixtures/zones/he6.test.zone). */
const v6Records: ZoneRecord[] = [
	{name: 'he6.test', type: 'SOA', ttl: 300, data: {mname: 'ns1.he6.test', rname: 'hostmaster.he6.test', serial: 1, refresh: 3600, retry: 600, expire: 604800, minimum: 60}},
	{name: 'dual.he6.test', type: 'A', ttl: 300, data: '192.0.2.2'},
	{name: 'dual.he6.test', type: 'AAAA', ttl: 300, data: '2a0f:6:6::2'},
	{name: 'chain1.he6.test', type: 'CNAME', ttl: 300, data: 'c1-end.he6.test'},
	{name: 'c1-end.he6.test', type: 'A', ttl: 300, data: '192.0.2.3'},
	{name: 'c1-end.he6.test', type: 'AAAA', ttl: 300, data: '2a0f:6:6::3'},
	{name: 'nodata.he6.test', type: 'TXT', ttl: 300, data: 'exists, no addresses'},
	// Its AAAA query is dropped by the hook below: the getaddrinfo pair with `AAAA lost`.
	{name: 'lost.he6.test', type: 'A', ttl: 300, data: '192.0.2.7'},
	{name: 'lost.he6.test', type: 'AAAA', ttl: 300, data: '2a0f:6:6::7'},
];

/** Starts tcpdump writing `file`; resolves once it is listening. */
async function startTcpdump(file: string, iface: string, filter: string): Promise<ChildProcess> {
	// --immediate-mode: without it TPACKET_V3 hands packets over in blocks up to a second late, and the
	// last ones are lost at SIGINT. -Z root keeps the file owned by the caller, not the tcpdump user.
	const child = spawn('tcpdump', ['-i', iface, '-nn', '-U', '--immediate-mode', '-Z', 'root', '-s', '0', '-w', file, filter], {stdio: ['ignore', 'ignore', 'pipe']});
	await new Promise<void>((resolve, reject) => {
		let err = '';
		child.stderr?.on('data', (chunk: Buffer) => {
			err += chunk.toString();
			if (err.includes('listening on')) resolve();
		});
		child.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
	});
	return child;
}

async function stopTcpdump(child: ChildProcess): Promise<void> {
	await sleep(500); // let the last packets reach the file (-U writes per packet)
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGINT');
	await exited;
}

/** Runs a client to its end. Asynchronously: the zone server on ::1 lives in this process's event loop. */
function run(command: string, args: string[]): Promise<void> {
	console.log(`  $ ${command} ${args.join(' ')}`);
	return new Promise((resolve) => execFile(command, args, {timeout: 20_000}, () => resolve()));
}

const dig = (server: string, port: number, ...args: string[]): Promise<void> => run('dig', [`@${server}`, '-p', String(port), '+tries=1', '+timeout=2', ...args]);
const he6 = (...args: string[]): Promise<void> => run('node', [cli, 'lookup', '--json', '--no-dns64', '--no-search', ...args]);

async function record(name: string, iface: string, ports: number[], traffic: () => Promise<void>): Promise<void> {
	const file = path.join(outDir, name);
	console.log(`${name} (tcpdump -i ${iface})`);
	const filter = ports.map((p) => `port ${p}`).join(' or ');
	const tcpdump = await startTcpdump(file, iface, filter);
	try {
		await traffic();
	} finally {
		await stopTcpdump(tcpdump);
	}
	console.log(`  -> ${statSync(file).size} bytes`);
}

async function main(): Promise<void> {
	mkdirSync(outDir, {recursive: true});
	const pair = await startResolvers();
	const u = pair.unbound.port;
	let v6: ZoneServer | null = null;
	const sink = dgram.createSocket('udp4'); // a port that takes queries and never answers
	try {
		v6 = await startZoneServer({address: '::1', records: v6Records, hook: (q) => (q.name.toLowerCase() === 'lost.he6.test' && q.type === 'AAAA' ? {kind: 'drop'} : undefined)});
		const z = v6.endpoint.port;
		await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
		const silent = sink.address().port;
		// Warm Unbound's cache so the fixtures hold client traffic only, not the first-query latency.
		for (const n of ['dual', 'chain1', 'chain3', 'nodata', 'missing', 'big']) for (const t of ['A', 'AAAA']) await dig('127.0.0.1', u, `${n}.he6.test`, t);

		await record('lo-udp.pcap', 'lo', [u, z], async () => {
			await dig('127.0.0.1', u, 'dual.he6.test', 'A');
			await dig('127.0.0.1', u, 'dual.he6.test', 'AAAA');
			await dig('127.0.0.1', u, 'chain3.he6.test', 'AAAA');
			await dig('127.0.0.1', u, 'nodata.he6.test', 'AAAA');
			await dig('127.0.0.1', u, 'missing.he6.test', 'A');
			await dig('::1', z, 'dual.he6.test', 'AAAA');
			await dig('::1', z, 'chain1.he6.test', 'A');
		});
		await record('lo-tcp.pcap', 'lo', [u, z], async () => {
			await dig('127.0.0.1', u, '+tcp', 'dual.he6.test', 'AAAA');
			await dig('127.0.0.1', u, '+tcp', 'chain1.he6.test', 'A');
			// Three queries over one connection: several messages per stream.
			await dig('127.0.0.1', u, '+tcp', '+keepopen', 'dual.he6.test', 'A', 'chain3.he6.test', 'AAAA', 'nodata.he6.test', 'AAAA');
			await dig('::1', z, '+tcp', 'dual.he6.test', 'A');
		});
		await record('any-sll2.pcap', 'any', [u, z], async () => {
			await dig('127.0.0.1', u, 'dual.he6.test', 'AAAA');
			await dig('::1', z, 'chain1.he6.test', 'AAAA');
			await dig('127.0.0.1', u, '+tcp', 'chain3.he6.test', 'A');
			await dig('::1', z, '+tcp', 'dual.he6.test', 'AAAA');
		});
		await record('tc-tcp.pcap', 'lo', [u], async () => {
			// 80 AAAA are over 1232 bytes: Unbound answers UDP with TC, dig asks again over TCP.
			await dig('127.0.0.1', u, 'big.he6.test', 'AAAA');
		});
		await record('unanswered.pcap', 'lo', [u, silent], async () => {
			// dig's second try leaves from a new socket (a new exchange, not a retransmission).
			await run('dig', ['@127.0.0.1', '-p', String(silent), '+tries=2', '+timeout=1', 'dual.he6.test', 'A']);
			// he6-dns (as glibc's send_dg) sends its second attempt from the same socket: retransmissions.
			await he6(`@127.0.0.1:${silent}`, '--timeout', '1', '--attempts', '2', 'nodata.he6.test');
			await sleep(5500); // past the 5 s timeout, by packet time...
			await dig('127.0.0.1', u, 'dual.he6.test', 'A'); // ...which this later exchange proves
		});
		await record('getaddrinfo-pairs.pcap', 'lo', [u, z], async () => {
			// he6-dns sends A and AAAA back to back from one socket, as glibc does.
			await he6(`@127.0.0.1:${u}`, 'dual.he6.test');
			await he6(`@[::1]:${z}`, '--timeout', '1', '--attempts', '1', 'lost.he6.test');
			await sleep(5500);
			await dig('127.0.0.1', u, 'chain1.he6.test', 'A');
		});
	} finally {
		sink.close();
		await v6?.close();
		await pair.stop();
	}
}

await main();
