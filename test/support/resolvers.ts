// Starts Knot (authoritative for fixtures/zones) and Unbound (recursive, stub-zones to Knot) on loopback, and stops them.
import {spawn, type ChildProcess} from 'node:child_process';
import dgram from 'node:dgram';
import {existsSync, readdirSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import dnsPacket from 'dns-packet';

export interface ServerAddress {
	address: string;
	port: number;
}

export interface RunningServer extends ServerAddress {
	readonly pid: number;
	stop(): Promise<void>;
}

export interface ResolverPair {
	readonly knot: RunningServer;
	readonly unbound: RunningServer;
	stop(): Promise<void>;
}

export interface UnboundOptions {
	/** Synthesize AAAA from A with 64:ff9b::/96 (module-config "dns64 iterator"). */
	dns64?: boolean;
}

const host = '127.0.0.1';
export const defaultZoneDir = fileURLToPath(new URL('../../fixtures/zones/', import.meta.url));

/** Zone names served from `dir`, one per `<zone>.zone` file. */
export function zonesIn(dir = defaultZoneDir): string[] {
	return readdirSync(dir)
		.filter((file) => file.endsWith('.zone'))
		.map((file) => file.slice(0, -'.zone'.length))
		.sort();
}

/** Whether a program is on PATH (or in the sbin directories, where Debian puts knotd and unbound). */
export function installed(program: string): boolean {
	const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
	return dirs.some((dir) => dir !== '' && existsSync(path.join(dir, program)));
}

export const resolversInstalled = (): boolean => installed('knotd') && installed('unbound');

const listen = <T extends net.Server | dgram.Socket>(socket: T, bind: (done: () => void) => void): Promise<T> =>
	new Promise((resolve, reject) => {
		socket.once('error', reject);
		bind(() => resolve(socket));
	});

/** A port on 127.0.0.1 that is free for both TCP and UDP right now. */
export async function freePort(): Promise<number> {
	for (let tries = 0; tries < 50; tries++) {
		const tcp = net.createServer();
		await listen(tcp, (done) => tcp.listen(0, host, done));
		const port = (tcp.address() as net.AddressInfo).port;
		const udp = dgram.createSocket('udp4');
		const ok = await listen(udp, (done) => udp.bind(port, host, done)).then(() => true, () => false);
		await new Promise<void>((resolve) => tcp.close(() => resolve()));
		if (ok) {
			await new Promise<void>((resolve) => udp.close(() => resolve()));
			return port;
		}
	}
	throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

/** One UDP query; resolves with the reply's RCODE number, or null after `waitMs` without a reply. */
export function probe(server: ServerAddress, name: string, type: dnsPacket.RecordType, waitMs = 300): Promise<number | null> {
	return new Promise((resolve) => {
		const socket = dgram.createSocket('udp4');
		const id = Math.floor(Math.random() * 0xffff);
		const finish = (rcode: number | null): void => {
			clearTimeout(timer);
			socket.close();
			resolve(rcode);
		};
		const timer = setTimeout(() => finish(null), waitMs);
		socket.on('error', () => finish(null));
		socket.on('message', (message) => {
			try {
				const reply = dnsPacket.decode(message);
				if (reply.id === id) finish((reply.flags ?? 0) & 0xf);
			} catch {
				// Not a DNS reply: keep waiting.
			}
		});
		const query = dnsPacket.encode({type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{name, type, class: 'IN'}]});
		socket.send(query, server.port, server.address);
	});
}

/** Spawns a server in the foreground, keeping the tail of its stderr for error messages. */
function launch(program: string, args: string[]): {child: ChildProcess; log: () => string} {
	const child = spawn(program, args, {stdio: ['ignore', 'ignore', 'pipe']});
	let log = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4000);
	});
	child.on('error', (error) => {
		log += `\n${error.message}`;
	});
	// A test run that dies abruptly must not leave servers behind.
	const orphanGuard = (): void => void child.kill('SIGKILL');
	process.once('exit', orphanGuard);
	child.once('exit', () => process.removeListener('exit', orphanGuard));
	return {child, log: () => log};
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

/** Polls until `server` answers an SOA query for each of `names` with `expectRcode`, or throws. */
async function waitUntilAnswering(what: string, child: ChildProcess, log: () => string, server: ServerAddress, names: string[], expectRcode: number): Promise<void> {
	const deadline = Date.now() + 15_000;
	const pending = [...names];
	let last: number | null = null;
	while (pending.length > 0 && Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
		last = await probe(server, pending[0] ?? '.', 'SOA');
		if (last === expectRcode) pending.shift();
		else if (last !== null) await new Promise((resolve) => setTimeout(resolve, 100));
	}
	if (pending.length === 0) return;
	await stopProcess(child);
	throw new Error(`${what} did not answer ${pending[0]} SOA on ${server.address}:${server.port} (last rcode ${last}):\n${log()}`);
}

function server(child: ChildProcess, port: number, dir?: string): RunningServer {
	return {
		address: host,
		port,
		pid: child.pid ?? -1,
		async stop() {
			await stopProcess(child);
			if (dir !== undefined) await rm(dir, {recursive: true, force: true});
		},
	};
}

/** Knot serving every `<zone>.zone` in `zoneDir`, with full semantic checks. */
export async function startKnot(zoneDir = defaultZoneDir): Promise<RunningServer> {
	const dir = await mkdtemp(path.join(tmpdir(), 'he6-knot-'));
	const port = await freePort();
	const zones = zonesIn(zoneDir);
	const config = [
		'server:',
		`    rundir: "${dir}"`,
		`    listen: ${host}@${port}`,
		'    udp-workers: 1',
		'    tcp-workers: 1',
		'    background-workers: 1',
		'database:',
		`    storage: "${dir}"`,
		'log:',
		'  - target: stderr',
		'    any: warning',
		'template:',
		'  - id: default',
		'    zonefile-sync: -1',
		'    zonefile-load: whole',
		'    journal-content: none',
		'    semantic-checks: on',
		'zone:',
		...zones.map((zone) => `  - domain: ${zone}\n    file: "${path.join(zoneDir, `${zone}.zone`)}"`),
		'',
	].join('\n');
	const file = path.join(dir, 'knot.conf');
	await writeFile(file, config);
	const {child, log} = launch('knotd', ['-c', file]);
	await waitUntilAnswering('knotd', child, log, {address: host, port}, zones, 0);
	return server(child, port, dir);
}

/**
 * The start of every unbound.conf here (tests and bench): loopback only on `port`, IPv4, no privileges
 * dropped, no chroot, pidfile and directory in `dir`, quiet, one thread.
 */
export function unboundServerBase(port: number, dir: string): string[] {
	return [
		'server:',
		`    interface: ${host}@${port}`,
		`    port: ${port}`,
		'    do-ip6: no',
		`    outgoing-interface: ${host}`,
		'    access-control: 127.0.0.0/8 allow',
		'    username: ""',
		'    chroot: ""',
		`    directory: "${dir}"`,
		`    pidfile: "${path.join(dir, 'unbound.pid')}"`,
		'    use-syslog: no',
		'    logfile: ""',
		'    verbosity: 0',
		'    num-threads: 1',
	];
}

/**
 * Unbound that can only ever talk to `knot`: every name outside the served zones is REFUSED locally,
 * the root itself is stubbed to Knot, and outgoing queries leave from 127.0.0.1.
 * `serve-original-ttl` makes answer TTLs the zone's TTLs, whatever the cache age, so tests can assert them exactly.
 */
export async function startUnbound(knot: ServerAddress, options: UnboundOptions = {}, zoneDir = defaultZoneDir): Promise<RunningServer> {
	const dir = await mkdtemp(path.join(tmpdir(), 'he6-unbound-'));
	const port = await freePort();
	const zones = zonesIn(zoneDir);
	const stubAddr = `${knot.address}@${knot.port}`;
	const config = [
		...unboundServerBase(port, dir),
		'    do-not-query-localhost: no',
		`    module-config: "${options.dns64 === true ? 'dns64 iterator' : 'iterator'}"`,
		...(options.dns64 === true ? ['    dns64-prefix: 64:ff9b::/96'] : []),
		'    qname-minimisation: no',
		'    harden-referral-path: no',
		'    target-fetch-policy: "0 0 0 0 0"',
		'    prefetch: no',
		'    serve-original-ttl: yes',
		'    local-zone: "." refuse',
		'    local-zone: "refused.he6.test." refuse',
		...zones.flatMap((zone) => [`    local-zone: "${zone}." transparent`, `    domain-insecure: "${zone}"`]),
		'remote-control:',
		'    control-enable: no',
		'stub-zone:',
		'    name: "."',
		`    stub-addr: ${stubAddr}`,
		...zones.flatMap((zone) => ['stub-zone:', `    name: "${zone}"`, `    stub-addr: ${stubAddr}`]),
		'',
	].join('\n');
	const file = path.join(dir, 'unbound.conf');
	await writeFile(file, config);
	const {child, log} = launch('unbound', ['-d', '-c', file]);
	await waitUntilAnswering('unbound', child, log, {address: host, port}, zones.slice(0, 1), 0);
	return server(child, port, dir);
}

/** Knot and Unbound in front of it; `stop` ends both (Unbound first). */
export async function startResolvers(options: UnboundOptions = {}, zoneDir = defaultZoneDir): Promise<ResolverPair> {
	const knot = await startKnot(zoneDir);
	let unbound: RunningServer;
	try {
		unbound = await startUnbound(knot, options, zoneDir);
	} catch (error) {
		await knot.stop();
		throw error;
	}
	return {
		knot,
		unbound,
		async stop() {
			await unbound.stop();
			await knot.stop();
		},
	};
}
