// The demo zone server on loopback, spoken to with dns-packet directly: chains, negative answers, TC, TCP, hooks.
import dgram from 'node:dgram';
import net from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import dnsPacket from 'dns-packet';
import type {Answer, DecodedPacket, Packet, RecordType} from 'dns-packet';
import {seedHosts, startDemoResolver} from '../../src/demo/seed-data.js';
import {startZoneServer, type QueryHook, type ZoneRecord, type ZoneServer} from '../../src/demo/zone-server.js';
import {chainOf, testSoa} from '../support/scripted-server.js';

const servers: ZoneServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(records: readonly ZoneRecord[], hook?: QueryHook): Promise<ZoneServer> {
	const server = await startZoneServer({records: [testSoa, ...records], ...(hook ? {hook} : {})});
	servers.push(server);
	return server;
}

async function demo(): Promise<ZoneServer> {
	const server = await startDemoResolver();
	servers.push(server);
	return server;
}

/** dns-packet's decoded message; @types/dns-packet leaves out the rcode it decodes. */
type Reply = DecodedPacket & {readonly rcode: string};
const decode = (bytes: Buffer): Reply => dnsPacket.decode(bytes) as Reply;

interface QueryOptions {
	readonly id?: number;
	readonly rd?: boolean;
	/** Advertise this UDP payload size in an OPT record. */
	readonly edns?: number;
}

function query(name: string, type: RecordType, options: QueryOptions = {}): Buffer {
	const packet: Packet = {
		type: 'query',
		id: options.id ?? 0x1234,
		flags: options.rd === false ? 0 : dnsPacket.RECURSION_DESIRED,
		questions: [{name, type, class: 'IN'}],
		additionals: options.edns === undefined ? [] : [{type: 'OPT', name: '.', udpPayloadSize: options.edns, flags: 0} as unknown as Answer],
	};
	return dnsPacket.encode(packet);
}

interface UdpBytes {
	readonly bytes: Buffer;
	readonly port: number;
}

interface UdpReply extends UdpBytes {
	readonly packet: Reply;
}

/** Sends one datagram from a fresh socket; the first reply's bytes and source port, or null after `waitMs`. */
function udpAskBytes(server: ZoneServer, message: Buffer, waitMs = 1000): Promise<UdpBytes | null> {
	return new Promise((resolve) => {
		const socket = dgram.createSocket('udp4');
		const done = (reply: UdpBytes | null): void => {
			clearTimeout(timer);
			socket.close();
			resolve(reply);
		};
		const timer = setTimeout(() => done(null), waitMs);
		socket.on('message', (bytes, rinfo) => done({bytes, port: rinfo.port}));
		socket.send(message, server.endpoint.port, server.endpoint.address);
	});
}

/** As udpAskBytes, with the reply decoded. */
async function udpAsk(server: ZoneServer, message: Buffer, waitMs = 1000): Promise<UdpReply | null> {
	const reply = await udpAskBytes(server, message, waitMs);
	return reply === null ? null : {...reply, packet: decode(reply.bytes)};
}

/** Writes `chunks` on one TCP connection and collects the raw stream until `frames` replies or close. */
function tcpExchange(server: ZoneServer, chunks: readonly Buffer[], frames: number): Promise<{replies: Reply[]; rest: Buffer; closed: boolean}> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({host: server.endpoint.address, port: server.endpoint.port});
		let stream = Buffer.alloc(0);
		const replies: Reply[] = [];
		const finish = (closed: boolean): void => {
			socket.destroy();
			resolve({replies, rest: stream, closed});
		};
		socket.on('connect', () => {
			for (const chunk of chunks) socket.write(chunk);
		});
		socket.on('data', (chunk: Buffer) => {
			stream = Buffer.concat([stream, chunk]);
			while (stream.length >= 2 && stream.length >= 2 + stream.readUInt16BE(0)) {
				replies.push(decode(stream.subarray(2, 2 + stream.readUInt16BE(0))));
				stream = stream.subarray(2 + stream.readUInt16BE(0));
			}
			if (replies.length >= frames) finish(false);
		});
		socket.on('end', () => finish(true));
		socket.on('error', reject);
	});
}

const framed = (message: Buffer): Buffer => Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);

async function ask(server: ZoneServer, name: string, type: RecordType, options: QueryOptions = {}): Promise<Reply> {
	const reply = await udpAsk(server, query(name, type, options));
	if (reply === null) throw new Error(`no reply for ${name}/${type}`);
	return reply.packet;
}

const rows = (records: readonly Answer[] | undefined): unknown[] =>
	(records ?? []).map((rr) => [rr.name, rr.type, 'ttl' in rr ? rr.ttl : undefined, 'data' in rr ? rr.data : undefined]);

describe('answers from the records like a recursive resolver', () => {
	test('answers the whole CNAME chain plus the asked type, echoing id, question and RD with QR, AA and RA set', async () => {
		const server = await demo();
		const reply = await ask(server, 'www.linkedin.com', 'AAAA', {id: 0xbeef});
		expect(reply.id).toBe(0xbeef);
		expect(reply.type).toBe('response');
		expect([reply.flag_aa, reply.flag_ra, reply.flag_rd, reply.flag_tc]).toEqual([true, true, true, false]);
		expect(reply.questions).toEqual([{name: 'www.linkedin.com', type: 'AAAA', class: 'IN'}]);
		expect(rows(reply.answers)).toEqual([
			['www.linkedin.com', 'CNAME', 88, 'glb-any-eu.www.linkedin.com'],
			['glb-any-eu.www.linkedin.com', 'CNAME', 88, 'any-eu.www.linkedin.com'],
			['any-eu.www.linkedin.com', 'AAAA', 1869, '2a04:f540:1::b93f:930a'],
		]);
	});

	test('leaves RD clear when the query did not set it', async () => {
		const server = await demo();
		expect((await ask(server, 'github.com', 'A', {rd: false})).flag_rd).toBe(false);
	});

	test('matches names case-insensitively and answers the seed hosts as the field report shows', async () => {
		const server = await demo();
		expect(seedHosts).toEqual(['www.linkedin.com', 'www.facebook.com', 'github.com', 'www.google.com']);
		expect(rows((await ask(server, 'WWW.FaceBook.com', 'AAAA')).answers)).toEqual([
			['www.facebook.com', 'CNAME', 14, 'star-mini.c10r.facebook.com'],
			['star-mini.c10r.facebook.com', 'AAAA', 41, '2a03:2880:2130:7f20:face:b00c:0:25de'],
		]);
		const google = await ask(server, 'www.google.com', 'A');
		expect(google.answers?.map((rr) => ('data' in rr ? rr.data : null))).toEqual([
			'209.85.203.104',
			'209.85.203.105',
			'209.85.203.106',
			'209.85.203.147',
			'209.85.203.99',
			'209.85.203.103',
		]);
		expect(rows((await ask(server, 'www.google.com', 'AAAA')).answers)).toEqual([['www.google.com', 'AAAA', 300, '2a00:1450:400b:802::2004']]);
	});

	test('answers NODATA (NOERROR, no answers, the SOA in authority) for a name without the type', async () => {
		const server = await demo();
		const reply = await ask(server, 'github.com', 'AAAA');
		expect(reply.rcode).toBe('NOERROR');
		expect(reply.answers).toEqual([]);
		expect(reply.authorities).toEqual([
			{
				name: 'github.com',
				type: 'SOA',
				class: 'IN',
				ttl: 60,
				flush: false,
				data: {mname: 'ns1.p16.dynect.net', rname: 'hostmaster.github.com', serial: 1461162636, refresh: 3600, retry: 600, expire: 604800, minimum: 60},
			},
		]);
	});

	test('answers NXDOMAIN with the SOA of the longest matching zone, TTL capped at MINIMUM (RFC 2308 §3)', async () => {
		const data = {mname: 'ns.sub.test', rname: 'hostmaster.sub.test', serial: 2, refresh: 3600, retry: 600, expire: 604800, minimum: 30};
		const sub: ZoneRecord = {name: 'sub.test', type: 'SOA', ttl: 900, data};
		const server = await serve([sub]);
		const reply = await ask(server, 'missing.sub.test', 'A');
		expect(reply.rcode).toBe('NXDOMAIN');
		expect(rows(reply.authorities).map((row) => (row as unknown[]).slice(0, 3))).toEqual([['sub.test', 'SOA', 30]]);
	});

	test('answers NODATA, not NXDOMAIN, for an empty non-terminal (RFC 8020)', async () => {
		const server = await serve([{name: 'leaf.branch.test', type: 'A', ttl: 60, data: '192.0.2.7'}]);
		const reply = await ask(server, 'branch.test', 'A');
		expect(reply.rcode).toBe('NOERROR');
		expect(reply.authorities?.map((rr) => rr.type)).toEqual(['SOA']);
	});

	test('ends a chain at a missing target with NXDOMAIN and the chain in the answer (RFC 6604)', async () => {
		const server = await serve([{name: 'dangling.test', type: 'CNAME', ttl: 60, data: 'gone.test'}]);
		const reply = await ask(server, 'dangling.test', 'A');
		expect(reply.rcode).toBe('NXDOMAIN');
		expect(rows(reply.answers)).toEqual([['dangling.test', 'CNAME', 60, 'gone.test']]);
	});

	test('stops at a CNAME loop and answers the chain so far', async () => {
		const server = await serve([
			{name: 'a.loop.test', type: 'CNAME', ttl: 60, data: 'b.loop.test'},
			{name: 'b.loop.test', type: 'CNAME', ttl: 60, data: 'a.loop.test'},
		]);
		const reply = await ask(server, 'a.loop.test', 'A');
		expect(reply.rcode).toBe('NOERROR');
		expect(rows(reply.answers)).toEqual([
			['a.loop.test', 'CNAME', 60, 'b.loop.test'],
			['b.loop.test', 'CNAME', 60, 'a.loop.test'],
		]);
		expect(reply.authorities).toEqual([]);
	});

	test('follows at most 32 CNAMEs', async () => {
		const server = await serve(chainOf(40, 'h', 'long.test'));
		const reply = await ask(server, 'h0.long.test', 'A', {edns: 4096});
		expect(reply.answers?.length).toBe(32);
		expect(reply.answers?.every((rr) => rr.type === 'CNAME')).toBe(true);
	});

	test('refuses a question outside every zone it holds', async () => {
		const server = await demo();
		expect((await ask(server, 'example.org', 'A')).rcode).toBe('REFUSED');
	});
});

describe('EDNS and truncation', () => {
	const many: ZoneRecord[] = Array.from({length: 20}, (_, i) => ({name: 'big.test', type: 'AAAA', ttl: 60, data: `2001:db8::${i + 1}`}));

	test('echoes an OPT record with 1232 when the query had one, and none otherwise', async () => {
		const server = await demo();
		const withEdns = await ask(server, 'github.com', 'A', {edns: 4096});
		expect(withEdns.additionals).toMatchObject([{type: 'OPT', udpPayloadSize: 1232}]);
		expect((await ask(server, 'github.com', 'A')).additionals).toEqual([]);
	});

	test('sets TC and sends header and question only when the reply exceeds 512 bytes without EDNS', async () => {
		const server = await serve(many);
		const reply = await udpAsk(server, query('big.test', 'AAAA'));
		expect(reply?.packet.flag_tc).toBe(true);
		expect(reply?.packet.questions).toEqual([{name: 'big.test', type: 'AAAA', class: 'IN'}]);
		expect([reply?.packet.answers?.length, reply?.packet.authorities?.length, reply?.packet.additionals?.length]).toEqual([0, 0, 0]);
		expect(reply?.bytes.length).toBe(12 + 10 + 4);
	});

	test("fits the same reply under the client's advertised EDNS payload size", async () => {
		const server = await serve(many);
		const reply = await ask(server, 'big.test', 'AAAA', {edns: 1232});
		expect(reply.flag_tc).toBe(false);
		expect(reply.answers?.length).toBe(20);
	});

	test('answers in full over TCP', async () => {
		const server = await serve(many);
		const {replies} = await tcpExchange(server, [framed(query('big.test', 'AAAA'))], 1);
		expect(replies[0]?.flag_tc).toBe(false);
		expect(replies[0]?.answers?.length).toBe(20);
	});
});

describe('TCP framing', () => {
	test('answers two queries sent in one TCP write, each framed, on the same connection', async () => {
		const server = await demo();
		const both = Buffer.concat([framed(query('www.google.com', 'A', {id: 1})), framed(query('github.com', 'AAAA', {id: 2}))]);
		const {replies} = await tcpExchange(server, [both], 2);
		expect(replies.map((r) => [r.id, r.rcode, r.answers?.length])).toEqual([
			[1, 'NOERROR', 6],
			[2, 'NOERROR', 0],
		]);
		expect(server.queries.map((q) => [q.name, q.type, q.transport])).toEqual([
			['www.google.com', 'A', 'tcp'],
			['github.com', 'AAAA', 'tcp'],
		]);
		expect(new Set(server.queries.map((q) => q.clientPort)).size).toBe(1);
	});

	test('reassembles a query split across writes', async () => {
		const server = await demo();
		const whole = framed(query('github.com', 'A', {id: 9}));
		const {replies} = await tcpExchange(server, [whole.subarray(0, 1), whole.subarray(1, 7), whole.subarray(7)], 1);
		expect(replies[0]?.id).toBe(9);
	});
});

describe('robustness', () => {
	test('ignores malformed messages and responses, and keeps answering', async () => {
		const server = await demo();
		const notQuery = dnsPacket.encode({type: 'response', id: 5, questions: [{name: 'github.com', type: 'A'}]});
		const bogus = Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1]);
		expect(await udpAsk(server, bogus, 150)).toBeNull();
		expect(await udpAsk(server, Buffer.from([1, 2, 3]), 150)).toBeNull();
		expect(await udpAsk(server, notQuery, 150)).toBeNull();
		const {replies} = await tcpExchange(server, [framed(Buffer.from([9, 9, 9])), framed(query('github.com', 'A', {id: 3}))], 1);
		expect(replies[0]?.id).toBe(3);
		expect(server.ignored).toBe(4);
		expect(server.queries.length).toBe(1);
	});

	test('records each query with transport, client port and time', async () => {
		const server = await demo();
		const before = performance.now();
		await ask(server, 'github.com', 'A', {id: 77});
		expect(server.queries).toEqual([
			{name: 'github.com', type: 'A', id: 77, transport: 'udp', clientAddress: '127.0.0.1', clientPort: expect.any(Number), receivedAt: expect.any(Number)},
		]);
		expect(server.queries[0]?.receivedAt).toBeGreaterThanOrEqual(before);
	});

	test('refuses to listen anywhere but loopback', async () => {
		await expect(startZoneServer({records: [], address: '0.0.0.0'})).rejects.toThrow(/loopback/);
	});

	test('releases its port on close, for UDP and TCP', async () => {
		const server = await startZoneServer({records: [testSoa]});
		await server.close();
		const again = await startZoneServer({records: [testSoa], port: server.endpoint.port});
		servers.push(again);
		expect(again.endpoint.port).toBe(server.endpoint.port);
	});
});

describe('hook actions', () => {
	const records = [testSoa, {name: 'host.test', type: 'A', ttl: 60, data: '192.0.2.1'} as const];
	const scripted = async (hook: QueryHook): Promise<ZoneServer> => {
		const server = await startZoneServer({records, hook});
		servers.push(server);
		return server;
	};

	test('drop sends nothing', async () => {
		const server = await scripted(() => ({kind: 'drop'}));
		expect(await udpAsk(server, query('host.test', 'A'), 200)).toBeNull();
		expect(server.queries.length).toBe(1);
	});

	test('delay answers no sooner than asked', async () => {
		const server = await scripted(() => ({kind: 'delay', ms: 120}));
		const sent = performance.now();
		const reply = await udpAsk(server, query('host.test', 'A'));
		expect(performance.now() - sent).toBeGreaterThanOrEqual(120);
		expect(rows(reply?.packet.answers)).toEqual([['host.test', 'A', 60, '192.0.2.1']]);
	});

	test('rcode answers with that RCODE and no records', async () => {
		const server = await scripted(() => ({kind: 'rcode', rcode: 'SERVFAIL'}));
		const reply = await ask(server, 'host.test', 'A');
		expect([reply.rcode, reply.answers?.length]).toEqual(['SERVFAIL', 0]);
	});

	test('records answers with exactly those records', async () => {
		const cname: ZoneRecord = {name: 'host.test', type: 'CNAME', ttl: 5, data: 'elsewhere.test'};
		const server = await scripted(() => ({kind: 'records', answers: [cname], rcode: 'NXDOMAIN'}));
		const reply = await ask(server, 'host.test', 'A');
		expect([reply.rcode, rows(reply.answers), reply.authorities]).toEqual(['NXDOMAIN', [['host.test', 'CNAME', 5, 'elsewhere.test']], []]);
	});

	test('mutate post-processes the encoded reply, and raw sends given bytes', async () => {
		const mutated = await scripted(() => ({kind: 'mutate', mutate: (reply) => Buffer.concat([Buffer.from([0xab, 0xcd]), reply.subarray(2)])}));
		expect((await ask(mutated, 'host.test', 'A', {id: 1})).id).toBe(0xabcd);
		const raw = await scripted(() => ({kind: 'raw', bytes: Buffer.from('not dns')}));
		expect((await udpAskBytes(raw, query('host.test', 'A')))?.bytes.toString()).toBe('not dns');
	});

	test('from-other-port replies from a different source port', async () => {
		const server = await scripted(() => ({kind: 'from-other-port'}));
		const reply = await udpAsk(server, query('host.test', 'A'));
		expect(reply?.port).not.toBe(server.endpoint.port);
		expect(reply?.packet.answers?.length).toBe(1);
	});

	test('tc truncates over UDP and answers normally over TCP', async () => {
		const server = await scripted(() => ({kind: 'tc'}));
		const udp = await ask(server, 'host.test', 'A');
		expect([udp.flag_tc, udp.answers?.length]).toEqual([true, 0]);
		const {replies} = await tcpExchange(server, [framed(query('host.test', 'A'))], 1);
		expect([replies[0]?.flag_tc, replies[0]?.answers?.length]).toEqual([false, 1]);
	});

	test('close-tcp-mid-message sends a length and half a message, then closes', async () => {
		const server = await scripted(() => ({kind: 'close-tcp-mid-message'}));
		const {replies, rest, closed} = await tcpExchange(server, [framed(query('host.test', 'A'))], 1);
		expect(replies).toEqual([]);
		expect(closed).toBe(true);
		expect(rest.length - 2).toBeLessThan(rest.readUInt16BE(0));
	});

	test('the hook is told how many times the same question came before', async () => {
		const seen: number[] = [];
		const server = await scripted((_query, context) => {
			seen.push(context.seen);
			return undefined;
		});
		await ask(server, 'host.test', 'A');
		await ask(server, 'HOST.test', 'A');
		await ask(server, 'host.test', 'AAAA');
		expect(seen).toEqual([0, 1, 0]);
	});

	test('a hook that throws costs that query its reply, not the server', async () => {
		const server = await scripted((query) => {
			if (query.type === 'A') throw new Error('hook bug');
			return undefined;
		});
		expect(await udpAsk(server, query('host.test', 'A'), 150)).toBeNull();
		expect((await ask(server, 'host.test', 'AAAA')).rcode).toBe('NOERROR');
		expect(server.errors).toHaveLength(1);
	});
});
