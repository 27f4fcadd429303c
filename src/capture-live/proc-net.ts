// Pure parsers for process attribution: /proc/net/{udp,udp6,tcp,tcp6} socket tables and /proc/PID/fd links.
import {endianness} from 'node:os';
import ipaddr from 'ipaddr.js';

export interface SocketAddress {
	/** RFC 5952 text (`127.0.0.1`, `::1`, `::ffff:127.0.0.1` for a v4-mapped address). */
	readonly address: string;
	readonly port: number;
}

/** One row of a /proc/net socket table. */
export interface SocketEntry {
	readonly local: SocketAddress;
	readonly remote: SocketAddress;
	/** TCP state number (1 ESTABLISHED … 10 LISTEN); 7 (CLOSE) for unconnected UDP. */
	readonly state: number;
	readonly uid: number;
	/** 0 for sockets without a file (TIME_WAIT): nobody owns those any more. */
	readonly inode: number;
}

/**
 * The kernel prints each 32-bit word of an address with %08X of its in-memory value, so on a
 * little-endian host `0100007F` is 127.0.0.1; IPv6 is four such words. Ports are already host order.
 */
export function decodeProcAddress(hex: string, littleEndian = endianness() === 'LE'): SocketAddress | null {
	const [addressHex, portHex] = hex.split(':');
	if (addressHex === undefined || portHex === undefined || !/^[0-9A-Fa-f]+$/.test(addressHex + portHex)) return null;
	if (addressHex.length !== 8 && addressHex.length !== 32) return null;
	const bytes = Buffer.alloc(addressHex.length / 2);
	for (let word = 0; word < bytes.length / 4; word++) {
		const value = parseInt(addressHex.slice(word * 8, word * 8 + 8), 16);
		if (littleEndian) bytes.writeUInt32LE(value, word * 4);
		else bytes.writeUInt32BE(value, word * 4);
	}
	const parsed = ipaddr.fromByteArray([...bytes]);
	const port = parseInt(portHex, 16);
	if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
		return {address: `::ffff:${(parsed as ipaddr.IPv6).toIPv4Address().toString()}`, port};
	}
	return {address: parsed.toString(), port};
}

/** Rows of /proc/net/udp, udp6, tcp or tcp6 (header line skipped, malformed lines ignored). */
export function parseProcNet(text: string, littleEndian = endianness() === 'LE'): SocketEntry[] {
	const out: SocketEntry[] = [];
	for (const line of text.split('\n')) {
		const f = line.trim().split(/\s+/);
		// sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
		if (f.length < 10 || !/^\d+:$/.test(f[0] ?? '')) continue;
		const local = decodeProcAddress(f[1] ?? '', littleEndian);
		const remote = decodeProcAddress(f[2] ?? '', littleEndian);
		if (local === null || remote === null) continue;
		out.push({local, remote, state: parseInt(f[3] ?? '0', 16), uid: Number(f[7]), inode: Number(f[9])});
	}
	return out;
}

const unspecified = new Set(['0.0.0.0', '::']);

/** `::ffff:a.b.c.d` → `a.b.c.d`; other addresses in their canonical form. */
function canonical(address: string): string {
	if (!ipaddr.isValid(address)) return address;
	const parsed = ipaddr.parse(address);
	if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address().toString();
	return parsed.toString();
}

/**
 * The socket a client endpoint (address and port of the query's sender) belongs to, or null.
 * Ranked: bound to that very address and connected to the server, bound to it, then a wildcard
 * bind (0.0.0.0 / :: — dual-stack sockets receive IPv4 too); a row without an inode never counts.
 */
export function findSocket(entries: readonly SocketEntry[], client: SocketAddress, server: SocketAddress | null = null): SocketEntry | null {
	const want = canonical(client.address);
	const peer = server === null ? null : canonical(server.address);
	let best: SocketEntry | null = null;
	let bestScore = 0;
	for (const e of entries) {
		if (e.local.port !== client.port || e.inode === 0) continue;
		const local = canonical(e.local.address);
		let score = 0;
		if (local === want) score = 2 + (peer !== null && canonical(e.remote.address) === peer && e.remote.port === server?.port ? 1 : 0);
		else if (unspecified.has(local)) score = 1;
		if (score > bestScore) {
			best = e;
			bestScore = score;
		}
	}
	return best;
}

/** The inode of a `/proc/PID/fd/N` link target `socket:[12345]`, else null (files, pipes, anon inodes). */
export function socketInode(link: string): number | null {
	const m = /^socket:\[(\d+)\]$/.exec(link);
	return m === null ? null : Number(m[1]);
}
