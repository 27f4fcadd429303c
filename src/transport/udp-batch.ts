// A connected UDP socket with batched system calls (native/udp-batch.c: recvmmsg, sendmmsg), for the batch's lean lane; null where the addon is not built.
//
// Decision (issue 6): node:dgram pays a syscall, a libuv request and a JS callback per datagram. Here the
// queries one turn of the event loop produces leave in one sendmmsg (flushed from a microtask, or when
// 64 are waiting), and one readable event hands JS up to 64 replies at once. The addon is ours (no
// package on npm does this) and optional: without it, or with HE6_DNS_UDP=dgram, the lane uses node:dgram.
import {realpathSync} from 'node:fs';
import path from 'node:path';
import {getSystemErrorName} from 'node:util';
import {leanQuerySize, writeLeanQuery} from '../wire/lean-query.js';
import {monotonicMs} from './clock.js';

/** What native/udp-batch.c exports. */
export interface UdpBatchAddon {
	readonly BATCH: number;
	readonly RECV_SLOT: number;
	readonly SEND_SLOT: number;
	open(host: string, port: number, recvBufferSize: number, recvArena: Uint8Array, recvLens: Uint32Array, sendArena: Uint8Array, sendLens: Uint32Array, onBatch: (count: number) => void): object;
	send(handle: object, count: number): number;
	localPort(handle: object): number;
	recvBufferSize(handle: object): number;
	close(handle: object): void;
	/**
	 * Source(D) for `count` destinations (4 or 16 bytes each) into `sources` (16 bytes a slot) and `found`
	 * (1, or 0: none), by native/source-probe.c; returns how many the kernel's route lookups answered (the rest: connect).
	 */
	probe(family: 4 | 6, destinations: Uint8Array, count: number, sources: Uint8Array, found: Uint8Array): number;
}

/** Where the addon may be: HE6_DNS_UDP_ADDON, next to dist/cli.js (the build copies it there), or the checkout's native/build. */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env, main: string | undefined = process.argv[1]): string[] {
	const explicit = env['HE6_DNS_UDP_ADDON'];
	if (explicit !== undefined && explicit !== '') return [explicit];
	if (main === undefined || main === '') return [];
	let dir: string;
	try {
		dir = path.dirname(realpathSync(main));
	} catch {
		return [];
	}
	return [path.join(dir, 'udp-batch.node'), path.join(dir, '..', 'native', 'build', 'Release', 'udp_batch.node')];
}

let loaded: UdpBatchAddon | null | undefined;

/** The addon, loaded once; null when it is switched off (HE6_DNS_UDP=dgram) or not there. */
export function udpBatchAddon(): UdpBatchAddon | null {
	if (loaded !== undefined) return loaded;
	loaded = null;
	if (process.env['HE6_DNS_UDP'] === 'dgram') return loaded;
	for (const file of addonCandidates()) {
		loaded = loadAddon(file);
		if (loaded !== null) break;
	}
	return loaded;
}

/** One file's addon, or null: absent, or built for another Node (the next candidate, else node:dgram). */
export function loadAddon(file: string): UdpBatchAddon | null {
	try {
		// process.dlopen, not require: the same call from the CommonJS bundle and from ES modules (tsx, vitest).
		const module_ = {exports: {}};
		process.dlopen(module_, file);
		return module_.exports as UdpBatchAddon;
	} catch {
		return null;
	}
}

/**
 * One receive arena for every socket: the addon fills it only inside a readable event and JS reads it
 * before that event returns, so sockets never overlap in it. Its untouched pages (most of 4 MiB: a
 * reply writes only its own bytes) are never resident.
 */
let receiveArena: {readonly arena: Buffer; readonly lens: Uint32Array} | undefined;

/** Whether the addon can open a socket to `host`: a numeric address without a zone (node:dgram resolves fe80::1%eth0's). */
export function batchable(host: string): boolean {
	return !host.includes('%');
}

export const settledPromise = Promise.resolve();

/** The interface LeanUdp uses of a socket, node:dgram's or this one. */
export interface DatagramSocket {
	send(bytes: Uint8Array): void;
	close(): void;
}

/**
 * One connected socket. `onMessage` gets a view into the receive arena, valid only until it returns
 * (copy what must outlive the call), and the clock (transport/clock.ts) read when its batch came in;
 * `onError` gets the errno name of an error the socket reported.
 */
export class UdpBatchSocket implements DatagramSocket {
	readonly #addon: UdpBatchAddon;
	#handle: object | null;
	readonly #sendArena: Uint8Array;
	readonly #sendLens: Uint32Array;
	#pending = 0;
	#flushQueued = false;
	readonly #onError: (code: string) => void;
	/** Queries the kernel did not take (a full send buffer, a refused send); they time out, and onError hears of each short send. */
	unsent = 0;

	constructor(addon: UdpBatchAddon, host: string, port: number, recvBufferSize: number, onMessage: (bytes: Buffer, receivedAt: number) => void, onError: (code: string) => void) {
		this.#addon = addon;
		this.#onError = onError;
		const batch = addon.BATCH;
		const recvSlot = addon.RECV_SLOT;
		const {arena: recvArena, lens: recvLens} = (receiveArena ??= {arena: Buffer.allocUnsafeSlow(batch * recvSlot), lens: new Uint32Array(batch)});
		this.#sendArena = new Uint8Array(batch * addon.SEND_SLOT);
		this.#sendLens = new Uint32Array(batch);
		this.#handle = addon.open(host, port, recvBufferSize, recvArena, recvLens, this.#sendArena, this.#sendLens, (count) => {
			if (count < 0) {
				onError(getSystemErrorName(count));
				return;
			}
			// One clock reading for the batch: every reply in it was already here when recvmmsg returned.
			const receivedAt = monotonicMs();
			for (let i = 0; i < count && this.#handle !== null; i++) onMessage(recvArena.subarray(i * recvSlot, i * recvSlot + (recvLens[i] as number)), receivedAt);
		});
	}

	/** Queues one datagram; it leaves with the others of this turn (a microtask), or at once when the batch is full. */
	send(bytes: Uint8Array): void {
		if (this.#handle === null) return;
		const slot = this.#addon.SEND_SLOT;
		if (bytes.length > slot) throw new RangeError(`udp-batch: a ${bytes.length}-byte query is over the ${slot}-byte slot`);
		this.#sendArena.set(bytes, this.#pending * slot);
		this.#queued(bytes.length);
	}

	/** send(encodeLeanQuery(…)) without the Buffer: the query is written into its slot in place. */
	sendQuery(id: number, qname: Uint8Array, qtype: number, edns: boolean, ad: boolean): void {
		if (this.#handle === null) return;
		const slot = this.#addon.SEND_SLOT;
		if (leanQuerySize(qname, edns) > slot) throw new RangeError(`udp-batch: a ${leanQuerySize(qname, edns)}-byte query is over the ${slot}-byte slot`);
		this.#queued(writeLeanQuery(this.#sendArena, this.#pending * slot, id, qname, qtype, edns, ad));
	}

	#queued(length: number): void {
		this.#sendLens[this.#pending++] = length;
		if (this.#pending === this.#addon.BATCH) this.flush();
		else if (!this.#flushQueued) {
			this.#flushQueued = true;
			// A resolved promise's reaction, not queueMicrotask: that one wraps every callback in an AsyncResource.
			settledPromise.then(this.#flushTask);
		}
	}

	readonly #flushTask = (): void => this.flush();

	/** Sends what is queued now. */
	flush(): void {
		this.#flushQueued = false;
		const count = this.#pending;
		if (count === 0 || this.#handle === null) return;
		this.#pending = 0;
		const sent = this.#addon.send(this.#handle, count);
		if (sent === count) return;
		this.unsent += count - sent;
		this.#onError('EAGAIN');
	}

	localPort(): number {
		return this.#handle === null ? 0 : this.#addon.localPort(this.#handle);
	}

	recvBufferSize(): number {
		return this.#handle === null ? 0 : this.#addon.recvBufferSize(this.#handle);
	}

	/** Sends what is queued, then closes; no callback after this. */
	close(): void {
		if (this.#handle === null) return;
		this.flush();
		const handle = this.#handle;
		this.#handle = null;
		this.#addon.close(handle);
	}
}
