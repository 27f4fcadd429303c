// A UDP channel: one socket per IP family, many queries in flight, replies matched per RFC 5452.
import dgram from 'node:dgram';
import {decodeMessage, peekId} from '../wire/codec.js';
import type {DeadlineQueue, Deadline} from './deadlines.js';
import {ipFamily, normalizeIp, socketAddress, type Endpoint} from './endpoint.js';
import {randomId} from './random-ids.js';
import {answersQuestion, type AskedQuestion, type TryOutcome, type TrySettlement} from './reply.js';
import {monotonicMs} from './clock.js';
import {literalLookup} from './literal-lookup.js';

interface Pending {
	readonly id: number;
	readonly server: Endpoint;
	readonly serverAddress: string;
	readonly question: AskedQuestion;
	readonly sentAt: number;
	readonly deadline: Deadline;
	readonly settle: (outcome: TrySettlement) => void;
	mismatched: number;
}

export interface ChannelOptions {
	/** SO_RCVBUF for the sockets; the kernel caps it at net.core.rmem_max. */
	readonly recvBufferSize?: number;
}


export class UdpChannel {
	readonly #sockets = new Map<4 | 6, dgram.Socket>();
	readonly #opening = new Map<4 | 6, Promise<dgram.Socket>>();
	readonly #pending = new Map<number, Pending>();
	readonly #deadlines: DeadlineQueue;
	readonly #options: ChannelOptions;
	/** Replies dropped because nothing pending matched them (wrong id, source or question). */
	unmatched = 0;

	constructor(deadlines: DeadlineQueue, options: ChannelOptions = {}) {
		this.#deadlines = deadlines;
		this.#options = options;
	}

	/** Binds the socket for the server's family (kernel-chosen random port); idempotent. */
	open(server: Endpoint): Promise<dgram.Socket> {
		const family = ipFamily(server);
		const ready = this.#sockets.get(family);
		if (ready !== undefined) return Promise.resolve(ready);
		let opening = this.#opening.get(family);
		if (opening === undefined) {
			opening = this.#bind(family);
			this.#opening.set(family, opening);
		}
		return opening;
	}

	/** The local port of the socket for this server's family, once open (for tests and capture). */
	localPort(server: Endpoint): number | null {
		const socket = this.#sockets.get(ipFamily(server));
		return socket === undefined ? null : socket.address().port;
	}

	#bind(family: 4 | 6): Promise<dgram.Socket> {
		return new Promise((resolve, reject) => {
			const socket = dgram.createSocket({type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup, ...(this.#options.recvBufferSize ? {recvBufferSize: this.#options.recvBufferSize} : {})});
			socket.once('error', reject);
			socket.on('message', (bytes, rinfo) => this.#receive(bytes, rinfo));
			socket.bind(0, () => {
				socket.off('error', reject);
				socket.on('error', () => undefined); // per-send errors arrive in send callbacks
				this.#sockets.set(family, socket);
				resolve(socket);
			});
		});
	}

	/**
	 * Sends one query; the returned promise settles with the matching reply, a malformed reply from the
	 * right source with the right id, a network error, or a timeout. `build(id)` encodes the query.
	 */
	send(server: Endpoint, question: AskedQuestion, build: (id: number) => Buffer, timeoutMs: number): Promise<TryOutcome> {
		const socket = this.#sockets.get(ipFamily(server));
		if (socket === undefined) return Promise.reject(new Error('UdpChannel.send before open'));
		let id = randomId();
		while (this.#pending.has(id)) id = randomId();
		return new Promise<TryOutcome>((resolve) => {
			let settled = false;
			const settle = (outcome: TrySettlement): void => {
				if (settled) return;
				settled = true;
				pending.deadline.cancel();
				this.#pending.delete(id);
				resolve({...outcome, mismatched: pending.mismatched});
			};
			const pending: Pending = {
				id,
				server,
				serverAddress: normalizeIp(server.address),
				question,
				sentAt: monotonicMs(),
				deadline: this.#deadlines.schedule(timeoutMs, () => settle({kind: 'timeout', server, transport: 'udp'})),
				settle,
				mismatched: 0,
			};
			this.#pending.set(id, pending);
			socket.send(build(id), server.port, socketAddress(server), (error) => {
				if (error) settle({kind: 'network', detail: `${error.message}`, server, transport: 'udp'});
			});
		});
	}

	#receive(bytes: Buffer, rinfo: dgram.RemoteInfo): void {
		const id = peekId(bytes);
		const pending = id === null ? undefined : this.#pending.get(id);
		// Fast path: the kernel reports the address as we sent to it, so normalise only when it differs.
		const fromAddress = pending !== undefined && rinfo.address === pending.server.address ? pending.serverAddress : normalizeIp(rinfo.address);
		if (pending === undefined) {
			this.#reject(undefined, fromAddress, rinfo.port, bytes);
			return;
		}
		if (pending.serverAddress !== fromAddress || pending.server.port !== rinfo.port) {
			this.#reject(pending, fromAddress, rinfo.port);
			return;
		}
		const decoded = decodeMessage(bytes);
		if (!decoded.ok) {
			pending.settle({kind: 'malformed', error: decoded.error, server: pending.server, transport: 'udp'});
			return;
		}
		if (!answersQuestion(decoded.value, pending.question)) {
			this.#reject(pending, fromAddress, rinfo.port);
			return;
		}
		pending.settle({kind: 'reply', message: decoded.value, server: pending.server, transport: 'udp', rttMs: monotonicMs() - pending.sentAt});
	}

	/**
	 * Counts a reply that failed the RFC 5452 checks. It is charged to the query it claimed to answer
	 * (same id, wrong source or question); a reply whose id matches nothing is charged to the pending
	 * queries with the same server and question (a spoofer or a late reply racing them), found by
	 * decoding it — rare, so the decode and the scan cost nothing in normal operation. Anything else
	 * only counts on the channel.
	 */
	#reject(byId: Pending | undefined, address: string, port: number, bytes?: Buffer): void {
		this.unmatched++;
		if (byId !== undefined) {
			byId.mismatched++;
			return;
		}
		if (bytes === undefined) return;
		const decoded = decodeMessage(bytes);
		if (!decoded.ok) return;
		for (const pending of this.#pending.values()) {
			if (pending.serverAddress === address && pending.server.port === port && answersQuestion(decoded.value, pending.question)) pending.mismatched++;
		}
	}

	/**
	 * A try of this question timed out outside this channel (the batch's lean lane sent it): a channel
	 * that spaces retries (batch/channel-pool.ts) counts it; a plain channel has nothing to do.
	 */
	noteTimeout(_question: AskedQuestion): void {}

	close(): void {
		for (const pending of this.#pending.values()) pending.settle({kind: 'network', detail: 'channel closed', server: pending.server, transport: 'udp'});
		for (const socket of this.#sockets.values()) socket.close();
		this.#sockets.clear();
		this.#opening.clear();
	}
}
