// Which process asked: client port → socket inode (/proc/net/*) → pid (/proc/PID/fd) → comm, cached per port.
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {networkInterfaces} from 'node:os';
import ipaddr from 'ipaddr.js';
import type {Attribution} from '../capture/events.js';
import type {Endpoint, Transport} from '../transport/endpoint.js';
import {findSocket, parseProcNet, socketInode, type SocketEntry} from './proc-net.js';

export interface ProcAttributionOptions {
	/** Root of the proc tree (tests use a fake one). */
	readonly procRoot?: string;
	/** How long an answer for one client port is reused (the A and AAAA of one socket ask twice). */
	readonly ttlMs?: number;
	readonly now?: () => number;
	/** Whether an address is this host's; other clients (forwarded traffic) are not looked up. */
	readonly isLocal?: (address: string) => boolean;
}

/** A local client whose socket is gone (the process exited) or never showed up. */
export const unknownProcess: Attribution = {pid: null, comm: 'unknown'};

export type Attribute = (client: Endpoint, transport: Transport, server?: Endpoint) => Attribution | null;

/** This host's addresses now, plus all of 127.0.0.0/8 (every one of them is local on Linux). */
export function localAddressTest(): (address: string) => boolean {
	const mine = new Set<string>(['::1']);
	for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) mine.add(ipaddr.parse(a.address).toString());
	const test = (address: string): boolean => {
		if (!ipaddr.isValid(address)) return false;
		let parsed = ipaddr.parse(address);
		if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
		return (parsed.kind() === 'ipv4' && parsed.range() === 'loopback') || mine.has(parsed.toString());
	};
	// Asked for every new query (100k/s in a flood) about a handful of addresses: memoised, bounded.
	const known = new Map<string, boolean>();
	return (address) => {
		let local = known.get(address);
		if (local === undefined) {
			if (known.size >= 4096) known.clear();
			known.set(address, (local = test(address)));
		}
		return local;
	};
}

const read = (path: string): string | null => {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return null;
	}
};

/**
 * The attribution hook for the capture pipeline. Synchronous (the pipeline asks when a query is
 * first seen, while the asking socket is most likely still open), so the cost matters:
 * - the socket tables are read per lookup (one or two small files);
 * - finding the inode's owner means reading every /proc/PID/fd link (≈20 ms for ~100 processes here), so
 *   processes that owned a socket before are tried first, then the others newest pid first (a
 *   short-lived `dig` is usually the newest), stopping at the owner; every socket link seen on
 *   the way is remembered, so a long-lived process's next socket is often known already.
 */
export function createProcAttribution(options: ProcAttributionOptions = {}): Attribute {
	const proc = options.procRoot ?? '/proc';
	const ttl = options.ttlMs ?? 1000;
	const now = options.now ?? Date.now;
	const isLocal = options.isLocal ?? localAddressTest();
	const byPort = new Map<string, {readonly at: number; readonly value: Attribution}>();
	const owners = new Map<number, number>(); // socket inode → pid, from every fd scan
	const recentOwners: number[] = [];

	const tables = (transport: Transport): SocketEntry[] =>
		[`${proc}/net/${transport}`, `${proc}/net/${transport}6`].flatMap((path) => parseProcNet(read(path) ?? ''));

	/** Reads one process's fd links into `owners`; true if `inode` was among them. */
	const scan = (pid: number, inode: number): boolean => {
		let fds: string[];
		try {
			fds = readdirSync(`${proc}/${pid}/fd`);
		} catch {
			return false;
		}
		let found = false;
		for (const fd of fds) {
			let link: string;
			try {
				link = readlinkSync(`${proc}/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			const socket = socketInode(link);
			if (socket === null) continue;
			owners.set(socket, pid);
			if (socket === inode) found = true;
		}
		return found;
	};

	const ownerOf = (inode: number): number | null => {
		const known = owners.get(inode);
		if (known !== undefined && scan(known, inode)) return known;
		if (owners.size > 200_000) owners.clear();
		const tried = new Set<number>();
		for (const pid of recentOwners) {
			tried.add(pid);
			if (scan(pid, inode)) return pid;
		}
		let pids: number[];
		try {
			pids = readdirSync(proc).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => b - a);
		} catch {
			return null;
		}
		for (const pid of pids) if (!tried.has(pid) && scan(pid, inode)) return pid;
		return null;
	};

	const remember = (pid: number): void => {
		const at = recentOwners.indexOf(pid);
		if (at >= 0) recentOwners.splice(at, 1);
		recentOwners.unshift(pid);
		if (recentOwners.length > 16) recentOwners.pop();
	};

	const lookUp = (client: Endpoint, transport: Transport, server: Endpoint | undefined): Attribution => {
		const entry = findSocket(tables(transport), client, server ?? null);
		if (entry === null) return unknownProcess;
		const pid = ownerOf(entry.inode);
		if (pid === null) return unknownProcess;
		const comm = read(`${proc}/${pid}/comm`);
		if (comm === null) return unknownProcess;
		remember(pid);
		return {pid, comm: comm.replace(/\n$/, '')};
	};

	return (client, transport, server) => {
		if (!isLocal(client.address)) return null;
		const key = `${transport}|${client.address}|${client.port}`;
		const t = now();
		const cached = byPort.get(key);
		if (cached !== undefined && t - cached.at < ttl) return cached.value;
		const value = lookUp(client, transport, server);
		byPort.set(key, {at: t, value});
		if (byPort.size > 4096) for (const [k, v] of byPort) if (t - v.at >= ttl) byPort.delete(k);
		return value;
	};
}
