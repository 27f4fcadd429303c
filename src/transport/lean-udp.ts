// The batch's lean lane on the wire: connected UDP sockets to one server, callbacks instead of promises.
//
// Decision: a connected socket lets the kernel do RFC 5452's source address and port check and makes
// each send a plain send(2) (no address to parse or look up); a callback per query instead of a chain
// of promises keeps the per-packet cost near the syscalls'. The sockets are transport/udp-batch.ts's
// (recvmmsg/sendmmsg, our addon) where it is built, node:dgram's otherwise; `io` says which. Replies are read by batch/lean-answer.ts (askQuick) or wire/lean-decode.ts;
// what it leaves (other types, damage) to dns-packet; checks and outcomes are exactly UdpChannel's.
import dgram from 'node:dgram';
import {decodeMessageLean} from '../wire/lean-decode.js';
import {encodeLeanQuery} from '../wire/lean-query.js';
import {ipFamily, socketAddress, type Endpoint} from './endpoint.js';
import {answersQuestion, type AskedQuestion, type TryOutcome} from './reply.js';
import {monotonicMs} from './clock.js';
import {randomId} from './random-ids.js';
import {literalLookup} from './literal-lookup.js';
import {batchable, settledPromise, UdpBatchSocket, udpBatchAddon, type DatagramSocket} from './udp-batch.js';

/**
 * A socket's queries in flight by id: a slot per 16-bit id. Decision: not a Map — at tens of thousands
 * of queries a second, a Map's add-and-delete churn rehashes it again and again, and each retired
 * table (in the old generation by then) keeps pointing at its successor and at the queries it held, so
 * young collections kept promoting queries long settled (ARCHITECTURE.md, Batch: the references rule).
 * 65,536 slots are 512 KiB a socket, written and cleared in place.
 */
type PendingTable = (Pending | undefined)[];

function pendingTable(): PendingTable {
	return new Array<Pending | undefined>(65536).fill(undefined);
}

interface Pending {
	readonly id: number;
	readonly table: PendingTable;
	readonly question: AskedQuestion;
	readonly qname: Uint8Array;
	readonly qtype: number;
	readonly sentAt: number;
	/** Not settled yet. */
	live: boolean;
	done: ((settlement: TryOutcome) => void) | null;
	/** The caller's own reader of a reply to this query (see ask), or null (also once settled). */
	read: QuickRead<unknown> | null;
	mismatched: number;
	/** The in-flight list, oldest first (see #expire). */
	older: Pending | null;
	newer: Pending | null;
}

const qtypes = {A: 1, AAAA: 28} as const;

/**
 * A query's caller as one object (the batch's lean checker; no closures per query): `read` settles the
 * replies it can by itself (the batch's lean-answer.ts), returning what the reply came to, or null to
 * leave the reply to the lane's own checks; `took` then gets that value, else `settled` gets the try's
 * outcome as ask's `done` would. Exactly one of the two is called, once.
 */
export interface QuickRead<T> {
	read(reply: Buffer, rttMs: number, mismatched: number): T | null;
	took(value: T): void;
	settled(settlement: TryOutcome): void;
}

/**
 * Decision: every query of a lane has the same timeout, so deadlines come in sending order: a list
 * oldest first, unlinked in O(1) when a reply settles it, and one timer for its head. A shared
 * deadline heap keeps a cancelled entry until its time — at tens of thousands of queries a second
 * with a 5 s timeout, hundreds of thousands of dead entries promoted into the old generation.
 */
export class LeanUdp {
	readonly server: Endpoint;
	readonly #timeoutMs: number;
	#oldest: Pending | null = null;
	#newest: Pending | null = null;
	#timer: NodeJS.Timeout | null = null;
	readonly #sockets: DatagramSocket[] = [];
	readonly #pending: PendingTable[] = [];
	readonly #count: number;
	readonly #recvBufferSize: number;
	#next = 0;
	/** Replies that matched nothing in flight, or failed the question check. */
	unmatched = 0;
	/** Errors the sockets reported (ICMP unreachable on a connected socket, a send the kernel refused); the queries time out. */
	socketErrors = 0;
	/** How the datagrams cross into the kernel: batched system calls (udp-batch.ts) or node:dgram's one at a time. */
	io: 'recvmmsg' | 'dgram' = 'dgram';

	constructor(server: Endpoint, timeoutMs: number, sockets: number, recvBufferSize: number) {
		this.#timeoutMs = timeoutMs;
		this.server = server;
		this.#count = sockets;
		this.#recvBufferSize = recvBufferSize;
	}

	/**
	 * The clock for this turn of the event loop, with batched sockets (one reading instead of one per
	 * query and reply): the time the turn's replies came in, or the first send's; a resolved promise's
	 * reaction ends the turn. Decision: the queries of a turn leave together at its end anyway (the
	 * flush), so their send times differ by the turn's work either way. node:dgram's sockets read the
	 * clock per datagram, as before.
	 */
	#turn = -1;
	/** Turns ended so far (pick's rotation per turn). */
	#turns = 0;
	#pickedIn = -1;
	readonly #endTurn = (): void => {
		this.#turn = -1;
		this.#turns++;
	};

	#turnAt(now: number): number {
		if (this.#turn < 0) settledPromise.then(this.#endTurn);
		this.#turn = now;
		return now;
	}

	#now(): number {
		if (this.io === 'dgram') return monotonicMs();
		return this.#turn >= 0 ? this.#turn : this.#turnAt(monotonicMs());
	}

	/** Creates and connects the sockets (kernel-chosen random source ports). */
	async open(): Promise<void> {
		const addon = udpBatchAddon();
		const host = socketAddress(this.server);
		if (addon !== null && batchable(host)) {
			for (let i = 0; i < this.#count; i++) {
				const pending = pendingTable();
				const socket = new UdpBatchSocket(addon, host, this.server.port, this.#recvBufferSize, (bytes, receivedAt) => this.#receive(pending, bytes, true, this.#turnAt(receivedAt)), () => this.socketErrors++);
				this.#sockets.push(socket);
				this.#pending.push(pending);
			}
			this.io = 'recvmmsg';
			return;
		}
		const type = ipFamily(this.server) === 6 ? 'udp6' : 'udp4';
		for (let i = 0; i < this.#count; i++) {
			const socket = dgram.createSocket({type, recvBufferSize: this.#recvBufferSize, lookup: literalLookup});
			const pending = pendingTable();
			socket.on('message', (bytes) => this.#receive(pending, bytes, false, monotonicMs()));
			await new Promise<void>((resolve, reject) => {
				socket.once('error', reject);
				socket.connect(this.server.port, socketAddress(this.server), () => {
					socket.off('error', reject);
					resolve();
				});
			});
			socket.on('error', () => this.socketErrors++);
			this.#sockets.push(socket);
			this.#pending.push(pending);
		}
	}

	/**
	 * The socket the next pair goes out on (both queries of a pair share one, as getaddrinfo's do).
	 * Decision: with batched sockets, every pair of a turn goes out on one socket and the next turn on
	 * the next: a turn's queries then leave in one sendmmsg, not one per socket (100k names: 31,000
	 * system calls of ~6 queries became 6,700 of ~30, 5% less CPU). RFC 5452 loses nothing: a query's
	 * port is still one of the lane's random ports, and which one is no easier to guess off-path.
	 * node:dgram's sockets send one datagram a call either way, so they rotate per pair.
	 */
	pick(): number {
		if (this.io === 'recvmmsg') {
			if (this.#pickedIn === this.#turns) return this.#next;
			this.#pickedIn = this.#turns;
		}
		this.#next = (this.#next + 1) % this.#count;
		return this.#next;
	}

	/** Sends one query on socket `at`; `done` is called exactly once (a reply, or the timeout). */
	ask(at: number, question: AskedQuestion, qname: Uint8Array, edns: boolean, ad: boolean, done: (settlement: TryOutcome) => void): void {
		this.#send(at, question, qname, edns, ad, done, null);
	}

	/** ask() with a caller object (QuickRead): its reader sees each reply whose id matches first. */
	askQuick<T>(at: number, question: AskedQuestion, qname: Uint8Array, edns: boolean, ad: boolean, quick: QuickRead<T>): void {
		this.#send(at, question, qname, edns, ad, null, quick as QuickRead<unknown>);
	}

	#send(at: number, question: AskedQuestion, qname: Uint8Array, edns: boolean, ad: boolean, done: ((settlement: TryOutcome) => void) | null, quick: QuickRead<unknown> | null): void {
		const socket = this.#sockets[at] as DatagramSocket;
		const table = this.#pending[at] as PendingTable;
		let id = randomId();
		while (table[id] !== undefined) id = randomId();
		const pending: Pending = {id, table, question, qname, qtype: qtypes[question.type as 'A' | 'AAAA'], sentAt: this.#now(), live: true, done, read: quick, mismatched: 0, older: this.#newest, newer: null};
		table[id] = pending;
		if (this.#newest === null) this.#oldest = pending;
		else this.#newest.newer = pending;
		this.#newest = pending;
		this.#timer ??= setTimeout(() => this.#expire(), this.#timeoutMs);
		if (socket instanceof UdpBatchSocket) socket.sendQuery(id, qname, pending.qtype, edns, ad);
		else socket.send(encodeLeanQuery(id, qname, pending.qtype, edns, ad));
	}

	/** Times out every query older than the timeout, then waits for the next one's. */
	#expire(): void {
		this.#timer = null;
		const now = monotonicMs();
		for (let head = this.#oldest; head !== null && now - head.sentAt >= this.#timeoutMs; head = this.#oldest) {
			this.#settle(head.table, head.id, head, {kind: 'timeout', server: this.server, transport: 'udp', mismatched: head.mismatched});
		}
		if (this.#oldest !== null) this.#timer = setTimeout(() => this.#expire(), Math.max(1, this.#oldest.sentAt + this.#timeoutMs - now));
	}

	#settle(table: PendingTable, id: number, pending: Pending, settlement: TryOutcome): void {
		if (!pending.live) return;
		const done = pending.done;
		const quick = pending.read;
		this.#unlink(table, id, pending);
		if (done !== null) done(settlement);
		else quick?.settled(settlement);
	}

	/** Takes a query out of the table and the in-flight list: it is settled. */
	#unlink(table: PendingTable, id: number, pending: Pending): void {
		// Settled: nothing young stays reachable through it once it is dead (lean-checker.ts, LeanName.settle).
		pending.live = false;
		pending.done = null;
		pending.read = null;
		table[id] = undefined;
		if (pending.older === null) this.#oldest = pending.newer;
		else pending.older.newer = pending.newer;
		if (pending.newer === null) this.#newest = pending.older;
		else pending.newer.older = pending.older;
		pending.older = pending.newer = null;
	}

	/** A datagram; `borrowed`: a view into udp-batch's arena, copied before anything may keep it (dns-packet keeps slices). */
	#receive(table: PendingTable, received: Buffer, borrowed: boolean, now: number): void {
		const pending = received.length >= 2 ? table[((received[0] as number) << 8) | (received[1] as number)] : undefined;
		if (pending === undefined) {
			this.#stray(table, borrowed ? Buffer.from(received) : received);
			return;
		}
		const quick = pending.read;
		if (quick !== null) {
			// The quick reader copies what it keeps (strings, address bytes): the view is enough.
			const value = quick.read(received, now - pending.sentAt, pending.mismatched);
			if (value !== null) {
				this.#unlink(table, pending.id, pending);
				quick.took(value);
				return;
			}
		}
		// The lean reader for the common replies, dns-packet (guarded) for the rest: UdpChannel's checks.
		const bytes = borrowed ? Buffer.from(received) : received;
		const decoded = decodeMessageLean(bytes, pending.question.name);
		if (!decoded.ok) {
			this.#settle(table, pending.id, pending, {kind: 'malformed', error: decoded.error, server: this.server, transport: 'udp', mismatched: pending.mismatched});
			return;
		}
		if (!answersQuestion(decoded.value, pending.question)) {
			this.unmatched++;
			pending.mismatched++;
			return;
		}
		const rttMs = now - pending.sentAt;
		this.#settle(table, pending.id, pending, {kind: 'reply', message: decoded.value, server: this.server, transport: 'udp', rttMs, mismatched: pending.mismatched});
	}

	/** A reply whose id matches nothing: charged to the queries it claims to answer (a spoofer racing them), as UdpChannel does. */
	#stray(table: PendingTable, bytes: Buffer): void {
		this.unmatched++;
		const decoded = decodeMessageLean(bytes);
		if (!decoded.ok) return;
		for (let pending = this.#oldest; pending !== null; pending = pending.newer) if (pending.table === table && answersQuestion(decoded.value, pending.question)) pending.mismatched++;
	}

	/** Settles what is in flight as a network error and closes the sockets. */
	close(): void {
		// Every query in flight is on the list (oldest first); each settle takes it off.
		for (let pending = this.#oldest; pending !== null; pending = this.#oldest) {
			if (pending.live) this.#settle(pending.table, pending.id, pending, {kind: 'network', detail: 'channel closed', server: this.server, transport: 'udp', mismatched: pending.mismatched});
			else this.#unlink(pending.table, pending.id, pending);
		}
		for (const socket of this.#sockets) socket.close();
		this.#sockets.length = 0;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}
}
