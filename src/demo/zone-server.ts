// An in-process DNS server on loopback (UDP and TCP on one port) answering from records; scriptable per query.
// The codec import comes first: it installs the presentation-form name codec into dns-packet, so names
// with `\DDD` escapes encode byte-exact in the replies below.
import {decodeMessage, ednsPayloadSize, type Message} from '../wire/codec.js';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type {Answer, Packet, Question} from 'dns-packet';
import ipaddr from 'ipaddr.js';
import type {Endpoint, Transport} from '../transport/endpoint.js';
import {nameKey} from '../wire/name.js';
import {rcodeValues, Zones, type RcodeName, type ZoneAnswer, type ZoneRecord} from './zone.js';
import {literalLookup} from '../transport/literal-lookup.js';

export type {RcodeName, SoaData, ZoneRecord} from './zone.js';

/** What the server does with one query; `answer` is the normal reply from the records. */
export type Action =
	| {readonly kind: 'answer'}
	| {readonly kind: 'drop'}
	/** Wait at least `ms` after receipt, then do `then` (default: answer). */
	| {readonly kind: 'delay'; readonly ms: number; readonly then?: Action}
	| {readonly kind: 'rcode'; readonly rcode: RcodeName}
	/** Send exactly these bytes as the reply (framed over TCP). */
	| {readonly kind: 'raw'; readonly bytes: Buffer}
	/** Post-process the normal encoded reply (after any UDP truncation). */
	| {readonly kind: 'mutate'; readonly mutate: (reply: Buffer) => Buffer}
	/** Send the normal reply from another UDP port (an RFC 5452 source mismatch); TCP answers normally. */
	| {readonly kind: 'from-other-port'}
	| {readonly kind: 'records'; readonly answers: readonly ZoneRecord[]; readonly authorities?: readonly ZoneRecord[]; readonly rcode?: RcodeName}
	/** Header and question with TC over UDP; TCP answers normally. */
	| {readonly kind: 'tc'}
	/** Over TCP: the length prefix and half the reply, then FIN. Over UDP: as `tc`, so the client comes to TCP. */
	| {readonly kind: 'close-tcp-mid-message'}
	/**
	 * A spoofing race (RFC 5452): from the server's own address and port, first send the forged replies
	 * `forge` makes from the normal reply, then do `then` (default: answer).
	 */
	| {readonly kind: 'spoof-first'; readonly forge: (reply: Buffer) => readonly Buffer[]; readonly then?: Action};

/** A query as the hook sees it. */
export interface DecodedQuery {
	readonly id: number;
	/** Presentation form, no trailing dot, case as sent. */
	readonly name: string;
	/** The type's mnemonic or RFC 3597 name (`A`, `AAAA`, `TYPE65`…; wire/rr-types.ts). */
	readonly type: string;
	readonly rd: boolean;
	/** The payload size of the query's OPT record (RFC 6891), or null without EDNS. */
	readonly udpPayloadSize: number | null;
	readonly message: Message;
}

/** One query the server received (well-formed ones only), in arrival order. */
export interface ReceivedQuery {
	readonly name: string;
	readonly type: string;
	readonly id: number;
	readonly transport: Transport;
	readonly clientAddress: string;
	readonly clientPort: number;
	/** `performance.now()` at receipt, in milliseconds. */
	readonly receivedAt: number;
}

export interface QueryContext {
	readonly transport: Transport;
	readonly received: ReceivedQuery;
	/** Earlier queries for the same name (case-insensitive) and type, over either transport. */
	readonly seen: number;
}

/** Replaces the normal answer for a query; `undefined` means answer normally. */
export type QueryHook = (query: DecodedQuery, context: QueryContext) => Action | undefined;

export interface ZoneServerOptions {
	readonly records: readonly ZoneRecord[];
	/** A loopback address; default 127.0.0.1. */
	readonly address?: string;
	/** Default 0: a free port, the same for UDP and TCP. */
	readonly port?: number;
	readonly hook?: QueryHook;
}

export interface ZoneServer {
	readonly endpoint: Endpoint;
	readonly queries: readonly ReceivedQuery[];
	/** Datagrams and TCP frames that were not a well-formed query; they got no reply. */
	readonly ignored: number;
	/** Errors thrown by the hook or while replying; that query got no reply. */
	readonly errors: readonly unknown[];
	/** Closes both sockets, every TCP connection and pending delay; afterwards the process can exit. */
	close(): Promise<void>;
}

/** RFC 1035 §4.2.1: a UDP reply without EDNS is at most 512 bytes; RFC 6891 §6.2.5: never below that. */
const classicUdpLimit = 512;

/** How a reply leaves: per transport, bound to one client. */
interface Replier {
	readonly transport: Transport;
	/** `sent`: called once the reply has left for the kernel (sends leave in order). */
	send(reply: Buffer, sent?: () => void): void;
	/** UDP only: the reply from the second socket. */
	sendFromOtherPort?(reply: Buffer): void;
	/** TCP only: half a message, then close. */
	closeMidMessage?(reply: Buffer): void;
}

/** Starts the server; rejects for a non-loopback address or a port that cannot be bound for both transports. */
export async function startZoneServer(options: ZoneServerOptions): Promise<ZoneServer> {
	const address = options.address ?? '127.0.0.1';
	// Decision: this is a test and demo fixture; binding it anywhere but loopback would let it answer
	// (and be probed by) other hosts, so it refuses.
	if (!ipaddr.isValid(address) || ipaddr.process(address).range() !== 'loopback') {
		throw new Error(`zone server address must be loopback, not '${address}'`);
	}
	const zones = new Zones(options.records);
	const family = net.isIP(address) === 6 ? 'udp6' : 'udp4';
	// With port 0, the kernel's free UDP port may be taken for TCP: retry with a fresh one.
	for (let tries = 0; ; tries++) {
		const sockets = await bindPair(address, options.port ?? 0, family).catch((error: unknown) => error as Error);
		if (!(sockets instanceof Error)) {
			const other = await bindUdp(address, 0, family);
			return new ZoneServerImpl(zones, options.hook, address, sockets.udp, sockets.tcp, other);
		}
		if ((options.port ?? 0) !== 0 || tries >= 10) throw sockets;
	}
}

function bindUdp(address: string, port: number, type: 'udp4' | 'udp6'): Promise<dgram.Socket> {
	return new Promise((resolve, reject) => {
		const socket = dgram.createSocket({type, lookup: literalLookup});
		socket.once('error', reject);
		socket.bind(port, address, () => {
			socket.off('error', reject);
			socket.on('error', () => undefined); // send errors (a client gone) are not the server's problem
			resolve(socket);
		});
	});
}

async function bindPair(address: string, port: number, type: 'udp4' | 'udp6'): Promise<{udp: dgram.Socket; tcp: net.Server}> {
	const udp = await bindUdp(address, port, type);
	const tcp = net.createServer();
	try {
		await new Promise<void>((resolve, reject) => {
			tcp.once('error', reject);
			tcp.listen({host: address, port: udp.address().port}, () => {
				tcp.off('error', reject);
				resolve();
			});
		});
	} catch (error) {
		udp.close();
		throw error;
	}
	return {udp, tcp};
}

class ZoneServerImpl implements ZoneServer {
	readonly endpoint: Endpoint;
	readonly queries: ReceivedQuery[] = [];
	readonly errors: unknown[] = [];
	ignored = 0;
	readonly #zones: Zones;
	readonly #hook: QueryHook | undefined;
	readonly #udp: dgram.Socket;
	readonly #tcp: net.Server;
	readonly #other: dgram.Socket;
	readonly #connections = new Set<net.Socket>();
	readonly #timers = new Set<NodeJS.Timeout>();
	#closed = false;

	constructor(zones: Zones, hook: QueryHook | undefined, address: string, udp: dgram.Socket, tcp: net.Server, other: dgram.Socket) {
		this.#zones = zones;
		this.#hook = hook;
		this.#udp = udp;
		this.#tcp = tcp;
		this.#other = other;
		this.endpoint = {address, port: udp.address().port, scope: null};
		udp.on('message', (bytes, rinfo) => this.#receiveUdp(bytes, rinfo));
		tcp.on('connection', (socket) => this.#acceptTcp(socket));
	}

	#receiveUdp(bytes: Buffer, rinfo: dgram.RemoteInfo): void {
		const send =
			(socket: dgram.Socket) =>
			(reply: Buffer, sent?: () => void): void => {
				if (!this.#closed) socket.send(reply, rinfo.port, rinfo.address, () => sent?.());
			};
		this.#handle(bytes, rinfo.address, rinfo.port, {transport: 'udp', send: send(this.#udp), sendFromOtherPort: send(this.#other)});
	}

	#acceptTcp(socket: net.Socket): void {
		this.#connections.add(socket);
		socket.on('close', () => this.#connections.delete(socket));
		socket.on('error', () => undefined);
		socket.setNoDelay(true);
		const clientAddress = socket.remoteAddress ?? '';
		const clientPort = socket.remotePort ?? 0;
		const replier: Replier = {
			transport: 'tcp',
			send: (reply, sent) => {
				if (socket.writable) socket.write(frame(reply), () => sent?.());
			},
			closeMidMessage: (reply) => {
				if (socket.writable) socket.end(frame(reply).subarray(0, 2 + (reply.length >> 1)));
			},
		};
		// RFC 7766 §6.2.1: several queries may share a connection, and a segment may hold several or part of one.
		let buffered: Buffer = Buffer.alloc(0);
		socket.on('data', (chunk: Buffer) => {
			buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
			while (buffered.length >= 2) {
				const length = buffered.readUInt16BE(0);
				if (buffered.length < 2 + length) break;
				const message = buffered.subarray(2, 2 + length);
				buffered = buffered.subarray(2 + length);
				this.#handle(message, clientAddress, clientPort, replier);
			}
		});
	}

	/** One message from a client: ignored unless it is a well-formed query with one question. */
	#handle(bytes: Buffer, clientAddress: string, clientPort: number, replier: Replier): void {
		if (this.#closed) return;
		const decoded = decodeMessage(bytes);
		const message = decoded.ok ? decoded.value : null;
		const question = message?.questions[0];
		if (message === null || message.type !== 'query' || message.questions.length !== 1 || question === undefined) {
			this.ignored++;
			return;
		}
		const opt = message.additionals.find((rr) => rr.type === 'OPT') as {udpPayloadSize?: number} | undefined;
		const query: DecodedQuery = {
			id: message.id,
			name: question.name,
			type: question.type,
			rd: message.flag_rd,
			udpPayloadSize: opt === undefined ? null : (opt.udpPayloadSize ?? 0),
			message,
		};
		const received: ReceivedQuery = {name: query.name, type: query.type, id: query.id, transport: replier.transport, clientAddress, clientPort, receivedAt: performance.now()};
		const key = nameKey(query.name);
		const seen = this.queries.filter((q) => q.type === query.type && nameKey(q.name) === key).length;
		this.queries.push(received);
		try {
			const action = this.#hook?.(query, {transport: replier.transport, received, seen}) ?? {kind: 'answer'};
			this.#perform(action, query, replier, received.receivedAt);
		} catch (error) {
			this.errors.push(error);
		}
	}

	#perform(action: Action, query: DecodedQuery, replier: Replier, receivedAt: number): void {
		const udp = replier.transport === 'udp';
		const normal = (): Buffer => this.#fit(query, replier, encodeReply(query, this.#normalAnswer(query)));
		switch (action.kind) {
			case 'answer':
				return replier.send(normal());
			case 'drop':
				return;
			case 'delay':
				return this.#after(receivedAt + action.ms, () => this.#perform(action.then ?? {kind: 'answer'}, query, replier, receivedAt));
			case 'rcode':
				return replier.send(encodeReply(query, {rcode: action.rcode, answers: [], authorities: []}));
			case 'raw':
				return replier.send(action.bytes);
			case 'mutate':
				return replier.send(action.mutate(normal()));
			case 'from-other-port':
				return udp && replier.sendFromOtherPort ? replier.sendFromOtherPort(normal()) : replier.send(normal());
			case 'records': {
				const body: ZoneAnswer = {rcode: action.rcode ?? 'NOERROR', answers: action.answers, authorities: action.authorities ?? []};
				return replier.send(this.#fit(query, replier, encodeReply(query, body)));
			}
			case 'tc':
				return replier.send(udp ? truncatedReply(query) : normal());
			case 'close-tcp-mid-message':
				return udp || !replier.closeMidMessage ? replier.send(truncatedReply(query)) : replier.closeMidMessage(normal());
			case 'spoof-first': {
				// `then` starts once the last forged reply has left (sends leave in order), and a delay in it
				// counts from then: a 65k flood can take longer to leave a loaded machine than any fixed delay,
				// and the real reply would follow it straight into a full receive buffer.
				const forged = action.forge(normal());
				const then = action.then ?? {kind: 'answer'};
				if (forged.length === 0) return this.#perform(then, query, replier, receivedAt);
				forged.forEach((reply, i) => replier.send(reply, i < forged.length - 1 ? undefined : () => this.#perform(then, query, replier, performance.now())));
				return;
			}
		}
	}

	/** The reply from the records; a query with an opcode other than QUERY gets NOTIMP (RFC 1035 §4.1.1). */
	#normalAnswer(query: DecodedQuery): ZoneAnswer {
		const opcode = (query.message.flags >> 11) & 0xf;
		if (opcode !== 0) return {rcode: 'NOTIMP', answers: [], authorities: []};
		return this.#zones.answer(query.name, query.type);
	}

	/** Over UDP, a reply larger than the client can take becomes header + question with TC (RFC 2181 §9). */
	#fit(query: DecodedQuery, replier: Replier, reply: Buffer): Buffer {
		if (replier.transport !== 'udp') return reply;
		const limit = query.udpPayloadSize === null ? classicUdpLimit : Math.max(classicUdpLimit, query.udpPayloadSize);
		return reply.length > limit ? truncatedReply(query) : reply;
	}

	/**
	 * Runs `fire` once `performance.now()` reaches `at`. Node timers may fire up to a millisecond early, so
	 * it re-arms for the rest: a delay is a lower bound a test can assert (rtt >= ms).
	 */
	#after(at: number, fire: () => void): void {
		if (this.#closed) return;
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			if (this.#closed) return;
			if (performance.now() < at) return this.#after(at, fire);
			try {
				fire();
			} catch (error) {
				this.errors.push(error);
			}
		}, Math.max(0, Math.ceil(at - performance.now())));
		this.#timers.add(timer);
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		for (const socket of this.#connections) socket.destroy();
		await Promise.all([
			new Promise<void>((resolve) => this.#udp.close(() => resolve())),
			new Promise<void>((resolve) => this.#other.close(() => resolve())),
			new Promise<void>((resolve) => this.#tcp.close(() => resolve())),
		]);
	}
}

/** RFC 1035 §4.2.2: a TCP message is preceded by its length as two bytes. */
function frame(message: Buffer): Buffer {
	const length = Math.min(message.length, 0xffff);
	const framed = Buffer.alloc(2 + length);
	framed.writeUInt16BE(length, 0);
	message.copy(framed, 2, 0, length);
	return framed;
}

const flag = {aa: dnsPacket.AUTHORITATIVE_ANSWER, tc: dnsPacket.TRUNCATED_RESPONSE, rd: dnsPacket.RECURSION_DESIRED, ra: dnsPacket.RECURSION_AVAILABLE};

/** A response echoing id, question and RD; QR, AA and RA set; OPT (1232) when the query had one. */
function encodeReply(query: DecodedQuery, body: ZoneAnswer, truncated = false): Buffer {
	const packet: Packet = {
		type: 'response',
		id: query.id,
		flags: flag.aa | flag.ra | (query.rd ? flag.rd : 0) | (truncated ? flag.tc : 0) | rcodeValues[body.rcode],
		questions: [{name: query.name, type: query.type, class: query.message.questions[0]?.class ?? 'IN'} as Question],
		answers: truncated ? [] : body.answers.map(toAnswer),
		authorities: truncated ? [] : body.authorities.map(toAnswer),
		additionals: truncated || query.udpPayloadSize === null ? [] : [{type: 'OPT', name: '.', udpPayloadSize: ednsPayloadSize, flags: 0} as unknown as Answer],
	};
	return dnsPacket.encode(packet);
}

/** Header and question only, TC set: "ask me again over TCP". */
function truncatedReply(query: DecodedQuery): Buffer {
	return encodeReply(query, {rcode: 'NOERROR', answers: [], authorities: []}, true);
}

function toAnswer(record: ZoneRecord): Answer {
	// dns-packet's generic and TXT writers copy Buffers (a Uint8Array lacks `copy`).
	const bytes = (v: string | Uint8Array): string | Buffer => (typeof v === 'string' ? v : Buffer.from(v));
	const data = record.data instanceof Uint8Array ? bytes(record.data) : record.type === 'TXT' && typeof record.data !== 'string' ? record.data.map(bytes) : record.data;
	return {name: record.name, type: record.type, class: 'IN', ttl: record.ttl, data} as Answer;
}
