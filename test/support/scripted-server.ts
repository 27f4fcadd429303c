// Helpers over startZoneServer for the fault tests: a test zone, hooks from tables, reply mutators, a dead port.
import dgram from 'node:dgram';
import net from 'node:net';
import {startZoneServer, type Action, type DecodedQuery, type QueryContext, type ReceivedQuery, type ZoneRecord, type ZoneServer} from '../../src/demo/zone-server.js';
import {nameKey} from '../../src/wire/name.js';

/** A table entry: a fixed action, or a function of the query (return undefined to answer normally). */
export type Script = Action | ((query: DecodedQuery, context: QueryContext) => Action | undefined);

/**
 * Actions by `name/TYPE` (name case-insensitive, no trailing dot needed). `name/*` matches every type of
 * that name and `*\/TYPE` every name of that type; the most specific entry wins. Unlisted queries are answered normally.
 */
export type ScriptTable = Readonly<Record<string, Script>>;

/** The zone every fault test starts from: `test.` with its SOA; tests add their own names below it. */
export const testSoa: ZoneRecord = {
	name: 'test.',
	type: 'SOA',
	ttl: 60,
	data: {mname: 'ns.test.', rname: 'hostmaster.test.', serial: 1, refresh: 3600, retry: 600, expire: 604800, minimum: 60},
};

/** An A and an AAAA for `name` (documentation addresses, RFC 5737 and RFC 3849). */
export function dualStack(name: string, a = '192.0.2.1', aaaa = '2001:db8::1'): ZoneRecord[] {
	return [
		{name, type: 'A', ttl: 300, data: a},
		{name, type: 'AAAA', ttl: 300, data: aaaa},
	];
}

/** A chain `prefix0.zone → prefix1.zone → … → prefix<hops>.zone`, the last one dual-stack. */
export function chainOf(hops: number, prefix: string, zone: string): ZoneRecord[] {
	const at = (i: number): string => `${prefix}${i}.${zone}`;
	const links = Array.from({length: hops}, (_, i): ZoneRecord => ({name: at(i), type: 'CNAME', ttl: 60, data: at(i + 1)}));
	return [...links, ...dualStack(at(hops))];
}

const tableKey = (key: string): string => {
	const slash = key.lastIndexOf('/');
	const name = key.slice(0, slash);
	return `${name === '*' ? '*' : nameKey(name)}/${key.slice(slash + 1).toUpperCase()}`;
};

/** A hook that looks the query up in `table`. */
export function scriptedHook(table: ScriptTable): (query: DecodedQuery, context: QueryContext) => Action | undefined {
	const normalized = new Map(Object.entries(table).map(([key, script]) => [tableKey(key), script]));
	return (query, context) => {
		const name = nameKey(query.name);
		const script = normalized.get(`${name}/${query.type}`) ?? normalized.get(`${name}/*`) ?? normalized.get(`*/${query.type}`);
		return typeof script === 'function' ? script(query, context) : script;
	};
}

/** Starts a server on 127.0.0.1 with the test zone plus `records`, scripted by `table`. */
export function startScripted(records: readonly ZoneRecord[], table: ScriptTable = {}): Promise<ZoneServer> {
	return startZoneServer({records: [testSoa, ...records], hook: scriptedHook(table)});
}

/** `action` for the first query of a name and type only; later ones (retries, TCP) are answered normally. */
export function firstOnly(action: Action): Script {
	return (_query, context) => (context.seen === 0 ? action : undefined);
}

/** The queries the server received for `name` (case-insensitive) and, optionally, `type`. */
export function queriesFor(server: ZoneServer, name: string, type?: string): ReceivedQuery[] {
	const key = nameKey(name);
	return server.queries.filter((q) => nameKey(q.name) === key && (type === undefined || q.type === type));
}

// --- Reply mutators (for {kind: 'mutate'}). Each returns a copy. ---

/** The reply with its id changed (an RFC 5452 id mismatch). */
export function wrongId(reply: Buffer): Buffer {
	const copy = Buffer.from(reply);
	copy.writeUInt16BE((reply.readUInt16BE(0) + 1) & 0xffff, 0);
	return copy;
}

/** The reply with the first letter of the question name changed: same length, another name. */
export function wrongQuestionName(reply: Buffer): Buffer {
	const copy = Buffer.from(reply);
	const first = copy[13] ?? 0; // offset 12 is the first label's length, 13 its first byte
	copy[13] = (first | 0x20) === 0x71 ? 0x7a : 0x71; // 'q', or 'z' when it already was a q
	return copy;
}

/** The reply with the question's QTYPE replaced by `qtype` (1 = A, 28 = AAAA). */
export function wrongQuestionType(qtype: number): (reply: Buffer) => Buffer {
	return (reply) => {
		const copy = Buffer.from(reply);
		copy.writeUInt16BE(qtype, skipName(copy, 12));
		return copy;
	};
}

/**
 * The reply with the last `bytes` bytes of the RDATA of its last answer of type `rrtype` cut out; the
 * header (counts) and RDLENGTH stay as they were, so the message claims more than it holds.
 */
export function cutRecordData(rrtype: number, bytes: number): (reply: Buffer) => Buffer {
	return (reply) => {
		const answers = reply.readUInt16BE(6);
		let offset = skipName(reply, 12) + 4; // the question: name, QTYPE, QCLASS
		let end = -1;
		for (let i = 0; i < answers; i++) {
			offset = skipName(reply, offset);
			const type = reply.readUInt16BE(offset);
			const rdlength = reply.readUInt16BE(offset + 8);
			offset += 10 + rdlength;
			if (type === rrtype) end = offset;
		}
		if (end < 0) throw new Error(`no answer of type ${rrtype} to cut`);
		return Buffer.concat([reply.subarray(0, end - bytes), reply.subarray(end)]);
	};
}

/** The offset just past the (possibly compressed) name at `offset`. */
function skipName(buf: Buffer, offset: number): number {
	let position = offset;
	for (;;) {
		const length = buf[position] ?? 0;
		if (length === 0) return position + 1;
		if ((length & 0xc0) === 0xc0) return position + 2;
		position += 1 + length;
	}
}

/**
 * A port on 127.0.0.1 with nothing listening on UDP or TCP, for the dead-server case (doggo's
 * reservedClosedPort): a free UDP port, closed again, whose TCP connect is refused.
 */
export async function closedPort(): Promise<number> {
	for (;;) {
		const socket = dgram.createSocket('udp4');
		await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
		const port = socket.address().port;
		await new Promise<void>((resolve) => socket.close(() => resolve()));
		const refused = await new Promise<boolean>((resolve) => {
			const probe = net.connect({host: '127.0.0.1', port});
			probe.on('error', () => resolve(true));
			probe.on('connect', () => {
				probe.destroy();
				resolve(false);
			});
		});
		if (refused) return port;
	}
}
