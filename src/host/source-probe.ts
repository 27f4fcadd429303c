// Source(D) as getaddrinfo gets it: connect a UDP socket to D (no packet is sent), read the local address.
import dgram from 'node:dgram';
import ipaddr from 'ipaddr.js';
import {isIP} from 'node:net';
import {plainIpBytes} from '../select/policy.js';
import {immediateLookup, literalLookup} from '../transport/literal-lookup.js';
import {udpBatchAddon, type UdpBatchAddon} from '../transport/udp-batch.js';
import {formatIpv6} from '../wire/address-text.js';

/** The discard port; any port works, nothing is sent (Go uses 9, glibc the port asked for). */
const probePort = 9;

/**
 * A socket's local address as Source(D): null when unspecified (the kernel found no source), and a
 * v4-mapped one without node:dgram's dotted tail, as the addon's answers and every view here write it.
 */
function sourceText(local: string): string | null {
	if (local === '::' || local === '0.0.0.0') return null;
	return local.includes(':') && local.includes('.') ? formatIpv6(Uint8Array.from(ipaddr.parse(local).toByteArray()), 0) : local;
}

/** Errors that say this process could not get a socket, not that D has no route: never read as "unusable". */
const noSocket = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);

/**
 * The kernel's source address for one destination, or null when connect() fails (no route: unusable);
 * rejects when no socket can be had (EMFILE and the like).
 */
export function probeSource(destination: string): Promise<string | null> {
	const bare = destination.split('%')[0] ?? destination;
	const family = isIP(bare);
	if (family === 0) return Promise.resolve(null);
	return new Promise((resolve, reject) => {
		const socket = dgram.createSocket({type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup});
		const done = (source: string | null): void => {
			socket.close();
			resolve(source);
		};
		socket.on('error', (error: NodeJS.ErrnoException) => {
			if (!noSocket.has(error.code ?? '')) return done(null);
			socket.close();
			reject(error);
		});
		socket.connect(probePort, destination, () => {
			try {
				const local = socket.address().address;
				// An unspecified local address means the kernel found no source (e.g. fe80:: without a zone).
				done(sourceText(local));
			} catch {
				done(null);
			}
		});
	});
}

/** Sockets per family when many destinations are probed at once (a capture's inventory: 100k names). */
const probeLanes = 4;

/** Probes between two turns of the event loop, so a live view stays responsive while 100k names are judged. */
const probesPerTurn = 4096;

/** Disconnects a connected socket; false (and nothing done) when it was not connected. */
function disconnected(socket: dgram.Socket): boolean {
	try {
		socket.disconnect();
		return true;
	} catch {
		return false;
	}
}

/** True when the socket is connected now (dgram has no public state but this). */
function isConnected(socket: dgram.Socket): boolean {
	try {
		socket.remoteAddress();
		return true;
	} catch {
		return false;
	}
}

/**
 * Probes destinations in order on one socket: connect, read the local address, disconnect, next.
 * Linux resets an autobound socket's local address on disconnect (AF_UNSPEC connect), so each
 * connect chooses Source(D) afresh, as a new socket would — without a socket per destination.
 *
 * Decision: with a lookup that returns the literal at once, dgram's connect() reaches the kernel
 * before it returns, so a probe is three system calls and no event; that path is taken only when
 * the socket then reports itself connected. Otherwise (a failed connect, whose error dgram emits on
 * the next tick, or a dgram that would connect later) the probe lets the event loop turn once and
 * asks again: still not connected is no source, as a failed connect was before.
 */
async function probeLane(family: 4 | 6, destinations: readonly string[], out: Map<string, string | null>): Promise<void> {
	const socket = dgram.createSocket({type: family === 6 ? 'udp6' : 'udp4', lookup: immediateLookup(family)});
	// A failed connect's error arrives as an event after the probe has moved on: never fatal.
	socket.on('error', () => {});
	// A failed bind is: no socket (EMFILE), which would otherwise leave the lane waiting for ever.
	try {
		await new Promise<void>((resolve, reject) => {
			socket.once('error', reject);
			socket.bind(0, () => {
				socket.off('error', reject);
				resolve();
			});
		});
	} catch (error) {
		socket.close();
		throw error;
	}
	const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
	try {
		for (let i = 0; i < destinations.length; i++) {
			if (i > 0 && i % probesPerTurn === 0) await turn();
			const destination = destinations[i] ?? '';
			let local: string | null = null;
			try {
				socket.connect(probePort, destination);
				local = socket.address().address;
				// disconnect() throws unless connected: then the address read was not Source(D).
				if (!disconnected(socket)) {
					local = null;
					await turn();
					if (isConnected(socket)) {
						local = socket.address().address;
						socket.disconnect();
					}
				}
			} catch {
				local = null;
			}
			// An unspecified local address means the kernel found no source (e.g. fe80:: without a zone).
			out.set(destination, local === null ? null : sourceText(local));
		}
	} finally {
		socket.close();
	}
}

/** The few sources a host has, as text, by their bytes (100k probes come back with a handful). */
class SourceTexts {
	readonly #seen: {readonly bytes: Uint8Array; readonly text: string}[] = [];

	text(family: 4 | 6, sources: Uint8Array, at: number): string {
		const size = family === 4 ? 4 : 16;
		for (const known of this.#seen) {
			if (known.bytes.length !== size) continue;
			let same = true;
			for (let i = 0; i < size && same; i++) same = known.bytes[i] === sources[at + i];
			if (same) return known.text;
		}
		const bytes = sources.slice(at, at + size);
		const text = family === 4 ? bytes.join('.') : formatIpv6(bytes, 0);
		if (this.#seen.length < 64) this.#seen.push({bytes, text});
		return text;
	}
}

/** The source texts the addon's answers are read into (a host has a handful of sources). */
const texts = new SourceTexts();

/** A source address the addon's probe gave (4 or 16 bytes) as probeBytes writes it. */
export function probedSourceText(family: 4 | 6, bytes: Uint8Array): string {
	return texts.text(family, bytes, 0);
}

/**
 * The addon's probe (native/source-probe.c over source-route.c: the kernel's route lookups, 32 a system call, connect()
 * where they cannot say) for plain addresses of one family, given as bytes: each source as text, or
 * null for none. Throws the addon's errno error when no socket can be had (EMFILE).
 */
function probeBytes(addon: UdpBatchAddon, family: 4 | 6, bytes: readonly (readonly number[])[]): (string | null)[] {
	const size = family === 4 ? 4 : 16;
	const count = bytes.length;
	const asked = new Uint8Array(count * size);
	for (let i = 0; i < count; i++) asked.set(bytes[i] as readonly number[], i * size);
	const sources = new Uint8Array(count * 16);
	const found = new Uint8Array(count);
	addon.probe(family, asked, count, sources, found);
	const out = new Array<string | null>(count);
	for (let i = 0; i < count; i++) out[i] = found[i] === 1 ? texts.text(family, sources, i * 16) : null;
	return out;
}

/** probeBytes for many addresses of one family, probesPerTurn between turns of the event loop. */
async function probeNative(addon: UdpBatchAddon, family: 4 | 6, destinations: readonly string[], bytesOf: readonly (readonly number[])[], out: Map<string, string | null>): Promise<void> {
	for (let start = 0; start < destinations.length; start += probesPerTurn) {
		if (start > 0) await new Promise((resolve) => setImmediate(resolve));
		const answers = probeBytes(addon, family, bytesOf.slice(start, start + probesPerTurn));
		answers.forEach((source, i) => out.set(destinations[start + i] as string, source));
	}
}

/** Whether probeManyNow can answer plain addresses (the addon is loaded, and not switched off). */
export function probeNowAvailable(): boolean {
	return udpBatchAddon() !== null;
}

/**
 * Source(D) at once for many destinations, in the order given: one call into the addon a family (its
 * route lookups take 32 destinations a system call, no event). An entry is the source, null for none,
 * or undefined where it cannot answer so (no addon, HE6_DNS_UDP=dgram, a zoned or unparsable address:
 * then probeSources); all are undefined when no socket can be had (EMFILE).
 */
export function probeManyNow(destinations: readonly string[]): (string | null | undefined)[] {
	const out = new Array<string | null | undefined>(destinations.length).fill(undefined);
	const addon = udpBatchAddon();
	if (addon === null) return out;
	const bytes = destinations.map((d) => plainIpBytes(d));
	for (const family of [4, 6] as const) {
		const size = family === 4 ? 4 : 16;
		const at: number[] = [];
		bytes.forEach((b, i) => {
			if (b !== null && b.length === size) at.push(i);
		});
		if (at.length === 0) continue;
		let answers: (string | null)[];
		try {
			answers = probeBytes(addon, family, at.map((i) => bytes[i] as readonly number[]));
		} catch {
			// No socket (EMFILE, ENFILE): not an answer. The caller asks probeSources, whose rejection
			// reaches its error path, rather than a throw from inside a batch's reply callback.
			return out.fill(undefined);
		}
		at.forEach((i, k) => {
			out[i] = answers[k];
		});
	}
	return out;
}

/**
 * Probes every destination once (duplicates share a probe); many at once share a few sockets: the
 * addon's probe for plain addresses where it is loaded, node:dgram lanes for the rest (zoned
 * link-local addresses; every address with HE6_DNS_UDP=dgram or without the addon).
 */
export async function probeSources(destinations: readonly string[]): Promise<Map<string, string | null>> {
	const unique = [...new Set(destinations)];
	if (unique.length <= probeLanes) {
		const sources = await Promise.all(unique.map((d) => probeSource(d)));
		return new Map(unique.map((d, i) => [d, sources[i] ?? null]));
	}
	const out = new Map<string, string | null>();
	const byFamily = {4: [] as string[], 6: [] as string[]};
	const addon = udpBatchAddon();
	const native = {4: {destinations: [] as string[], bytes: [] as (readonly number[])[]}, 6: {destinations: [] as string[], bytes: [] as (readonly number[])[]}};
	for (const d of unique) {
		const plain = addon === null ? null : plainIpBytes(d);
		if (plain !== null) {
			const lane = plain.length === 4 ? native[4] : native[6];
			lane.destinations.push(d);
			lane.bytes.push(plain);
			continue;
		}
		const family = isIP(d.split('%')[0] ?? d);
		if (family === 4 || family === 6) byFamily[family].push(d);
		else out.set(d, null);
	}
	const work: Promise<void>[] = [];
	for (const family of [4, 6] as const) {
		if (addon !== null && native[family].destinations.length > 0) work.push(probeNative(addon, family, native[family].destinations, native[family].bytes, out));
		const list = byFamily[family];
		const lanes = Math.min(probeLanes, list.length);
		for (let lane = 0; lane < lanes; lane++) work.push(probeLane(family, list.filter((_, k) => k % lanes === lane), out));
	}
	await Promise.all(work);
	// In the caller's order, as the single-probe path gives it (a loop: no pair array per destination).
	const ordered = new Map<string, string | null>();
	for (const d of unique) ordered.set(d, out.get(d) ?? null);
	return ordered;
}
