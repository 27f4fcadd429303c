// The batch's sockets: a few shared UdpChannels with big receive buffers, and per-host retry backoff.
import type dgram from 'node:dgram';
import {readFileSync} from 'node:fs';
import type {DeadlineQueue} from '../transport/deadlines.js';
import type {Endpoint} from '../transport/endpoint.js';
import type {AskedQuestion, TryOutcome} from '../transport/reply.js';
import {UdpChannel} from '../transport/udp-channel.js';
import type {ChannelSource} from '../resolve/lookup.js';

/** Requested SO_RCVBUF: 4 MiB holds ~4,000 replies, the most a 2,000-name concurrency has in flight. */
export const wantedRecvBuffer = 4 * 1024 * 1024;
/**
 * Decision: four sockets. One would do for the kernel, but ids are per socket (16 bits): 4 × 65,536
 * ids leave room for thousands in flight, and four source ports spread the queries a little more for
 * RFC 5452's sake. More sockets buy nothing: one event loop reads them all.
 */
export const poolSockets = 4;
/** Each retry waits twice as long as the try before (glibc doubles per round too), capped at 4×. */
export const backoffCap = 4;

export class ChannelPool implements ChannelSource {
	readonly #channels: UdpChannel[];
	readonly #deadlines: DeadlineQueue;
	/** Hosts using each channel right now. */
	readonly #active: number[];

	constructor(deadlines: DeadlineQueue, sockets = poolSockets, recvBufferSize = wantedRecvBuffer) {
		this.#deadlines = deadlines;
		this.#channels = Array.from({length: sockets}, () => new UdpChannel(deadlines, {recvBufferSize}));
		this.#active = this.#channels.map(() => 0);
	}

	/**
	 * The channel with the fewest hosts on it. Decision: not round robin — a list whose kinds of names
	 * repeat with the socket count (every 4th name a slow one) would load one socket's queue more
	 * than the others, and its replies would be the ones to wait past their timeout.
	 */
	async acquire(servers: readonly Endpoint[]): Promise<{channel: UdpChannel; owned: boolean}> {
		let index = 0;
		for (let i = 1; i < this.#active.length; i++) if ((this.#active[i] ?? 0) < (this.#active[index] ?? 0)) index = i;
		const shared = this.#channels[index] as UdpChannel;
		this.#active[index] = (this.#active[index] ?? 0) + 1;
		await Promise.all(servers.map((server) => shared.open(server)));
		// `owned`: the lookup closes the wrapper after the host; that forgets its retry counts and frees its place.
		const release = (): void => {
			this.#active[index] = (this.#active[index] ?? 1) - 1;
		};
		return {channel: new BackoffChannel(shared, this.#deadlines, release), owned: true};
	}

	/** The receive buffer the kernel actually granted (Linux reports twice the usable size), per socket. */
	async recvBufferSizes(servers: readonly Endpoint[]): Promise<number[]> {
		const sockets: dgram.Socket[] = [];
		for (const channel of this.#channels) for (const server of servers) sockets.push(await channel.open(server));
		return sockets.map((socket) => socket.getRecvBufferSize());
	}

	/** Replies that matched nothing in flight (late, spoofed or for a closed query). */
	get unmatched(): number {
		return this.#channels.reduce((sum, channel) => sum + channel.unmatched, 0);
	}

	close(): void {
		for (const channel of this.#channels) channel.close();
	}
}

/**
 * One host's view of a shared channel. A question that timed out is asked again with twice the
 * timeout (up to `backoffCap` × the base): exponential, bounded backoff by spacing, which adds no timer
 * and never delays a packet past the token it was paced with (a delay before sending would, and could
 * burst past --qps). The per-question counts live and die with the host.
 */
class BackoffChannel extends UdpChannel {
	readonly #shared: UdpChannel;
	#release: (() => void) | null;
	#timeouts: Map<string, number> | null = null;

	constructor(shared: UdpChannel, deadlines: DeadlineQueue, release: () => void) {
		super(deadlines);
		this.#shared = shared;
		this.#release = release;
	}

	override open(server: Endpoint): Promise<dgram.Socket> {
		return this.#shared.open(server);
	}

	override localPort(server: Endpoint): number | null {
		return this.#shared.localPort(server);
	}

	override async send(server: Endpoint, question: AskedQuestion, build: (id: number) => Buffer, timeoutMs: number): Promise<TryOutcome> {
		const key = `${question.type} ${question.name}`;
		const before = this.#timeouts?.get(key) ?? 0;
		const outcome = await this.#shared.send(server, question, build, timeoutMs * Math.min(2 ** before, backoffCap));
		if (outcome.kind === 'timeout') (this.#timeouts ??= new Map()).set(key, before + 1);
		else this.#timeouts?.delete(key);
		return outcome;
	}

	override noteTimeout(question: AskedQuestion): void {
		const key = `${question.type} ${question.name}`;
		(this.#timeouts ??= new Map()).set(key, (this.#timeouts.get(key) ?? 0) + 1);
	}

	/** Leaves the shared sockets open: the pool owns them. */
	override close(): void {
		this.#timeouts = null;
		this.#release?.();
		this.#release = null;
	}
}

/** net.core.rmem_max, the kernel's cap on SO_RCVBUF for unprivileged setsockopt; null if unreadable. */
export function rmemMax(path = '/proc/sys/net/core/rmem_max'): number | null {
	try {
		const value = Number(readFileSync(path, 'utf8').trim());
		return Number.isFinite(value) ? value : null;
	} catch {
		return null;
	}
}
