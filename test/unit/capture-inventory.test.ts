// The per-name inventory: families seen and answered, chains across exchanges, verdicts from observed answers.
import type {Answer} from 'dns-packet';
import {describe, expect, it} from 'vitest';
import {correlate, type ObservedMessage} from '../../src/capture/correlate.js';
import type {ExchangeEvent} from '../../src/capture/events.js';
import {Inventory} from '../../src/core/capture-inventory.js';
import type {SelectionSettings} from '../../src/core/selection.js';
import {whatIfSources} from '../../src/host/sources.js';
import {parseWhatIf} from '../../src/host/what-if.js';
import type {Endpoint} from '../../src/transport/endpoint.js';
import {decodeMessage} from '../../src/wire/codec.js';
import {query, reply} from '../support/capture-frames.js';

const stub: Endpoint = {address: '192.0.2.10', port: 40000, scope: null};
const resolver: Endpoint = {address: '192.0.2.53', port: 53, scope: null};
const T0 = 1_700_000_000_000;
const soa: Answer = {name: 'example', type: 'SOA', ttl: 60, data: {mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60}};

let clock = T0;
let nextId = 1;
function msg(bytes: Uint8Array, response: boolean, port = stub.port): ObservedMessage {
	const decoded = decodeMessage(bytes);
	if (!decoded.ok) throw new Error('bad test message');
	const client = {...stub, port};
	return {time: (clock += 1), source: response ? resolver : client, destination: response ? client : resolver, transport: 'udp', message: decoded.value};
}

/** One exchange: a query and, unless `answers` is null, its reply. */
function exchange(name: string, type: 'A' | 'AAAA', answers: Answer[] | null, options: {rcode?: number; authorities?: Answer[]; tc?: boolean; port?: number} = {}): ObservedMessage[] {
	const id = nextId++;
	const q = msg(query(id, name, type), false, options.port);
	if (answers === null) return [q];
	return [q, msg(reply(id, name, type, answers, options), true, options.port)];
}

const a = (name: string, data: string): Answer => ({name, type: 'A', ttl: 300, data});
const aaaa = (name: string, data: string): Answer => ({name, type: 'AAAA', ttl: 300, data});
const cname = (name: string, data: string): Answer => ({name, type: 'CNAME', ttl: 300, data});

function inventoryOf(...messages: ObservedMessage[][]): {inventory: Inventory; events: ExchangeEvent[]} {
	const inventory = new Inventory();
	const events = correlate(messages.flat());
	for (const e of events) inventory.add(e);
	return {inventory, events};
}

/** A what-if host: IPv6 through 2a0f:6:6::100 when `v6`, IPv4 always. */
const host = (v6: boolean): SelectionSettings => ({
	stack: 'glibc',
	label: 'test',
	sources: whatIfSources(parseWhatIf(JSON.stringify({sources: {'0.0.0.0/0': '192.0.2.10', '::/0': v6 ? '2a0f:6:6::100' : null}}))),
});

describe('Inventory', () => {
	it('judges a dual-stack name migrated when the host would connect over IPv6', async () => {
		const {inventory} = inventoryOf(exchange('dual.example', 'A', [a('dual.example', '192.0.2.2')]), exchange('dual.example', 'AAAA', [aaaa('dual.example', '2a0f:6:6::2')]));
		const [record] = await inventory.records({selection: host(true)});
		expect(record).toMatchObject({
			kind: 'name',
			name: 'dual.example',
			count: 2,
			a: {asked: 1, answered: 1, unanswered: 0, status: 'NOERROR', addresses: ['192.0.2.2']},
			aaaa: {asked: 1, answered: 1, status: 'NOERROR', addresses: ['2a0f:6:6::2']},
			verdict: 'migrated',
			chosen: '2a0f:6:6::2',
		});
		expect(record?.reason).toContain('would connect to 2a0f:6:6::2 from 2a0f:6:6::100');
	});

	it('gives the what-if answer when the host has no IPv6 source: v6-not-preferred', async () => {
		const {inventory} = inventoryOf(exchange('dual.example', 'A', [a('dual.example', '192.0.2.2')]), exchange('dual.example', 'AAAA', [aaaa('dual.example', '2a0f:6:6::2')]));
		const [record] = await inventory.records({selection: host(false)});
		expect(record).toMatchObject({verdict: 'v6-not-preferred', chosen: '192.0.2.2'});
	});

	it('judges from DNS alone without selection settings', async () => {
		const {inventory} = inventoryOf(exchange('dual.example', 'A', [a('dual.example', '192.0.2.2')]), exchange('dual.example', 'AAAA', [aaaa('dual.example', '2a0f:6:6::2')]));
		const [record] = await inventory.records({selection: null});
		expect(record).toMatchObject({verdict: 'migrated', reason: 'publishes 1 IPv6 address', chosen: null});
	});

	it('reads AAAA NODATA with an SOA as not-migrated', async () => {
		const {inventory} = inventoryOf(exchange('v4.example', 'A', [a('v4.example', '192.0.2.4')]), exchange('v4.example', 'AAAA', [], {authorities: [soa]}));
		const [record] = await inventory.records({selection: null});
		expect(record).toMatchObject({aaaa: {status: 'NODATA'}, verdict: 'not-migrated'});
		expect(record?.reason).toContain('SOA example');
	});

	it('reads an unanswered AAAA next to an answered A as broken-aaaa (TIMEOUT)', async () => {
		const {inventory} = inventoryOf(exchange('race.example', 'A', [a('race.example', '192.0.2.5')]), exchange('race.example', 'AAAA', null));
		const [record] = await inventory.records({selection: null});
		expect(record).toMatchObject({aaaa: {asked: 1, answered: 0, unanswered: 1, status: 'TIMEOUT'}, verdict: 'broken-aaaa'});
	});

	it('reads NXDOMAIN for both as unresolved', async () => {
		const {inventory} = inventoryOf(exchange('nx.example', 'A', [], {rcode: 3, authorities: [soa]}), exchange('nx.example', 'AAAA', [], {rcode: 3, authorities: [soa]}));
		const [record] = await inventory.records({selection: null});
		expect(record).toMatchObject({a: {status: 'NXDOMAIN'}, verdict: 'unresolved'});
	});

	it('leaves a name unjudged when one family was never asked', async () => {
		const {inventory} = inventoryOf(exchange('v4app.example', 'A', [a('v4app.example', '192.0.2.6')]));
		const [record] = await inventory.records({selection: null});
		expect(record).toMatchObject({verdict: null, reason: 'not judged: AAAA: never asked', aaaa: {asked: 0, status: null}});
	});

	it('walks the chain, and follows a chain the reply left open through the tail’s own observed reply', async () => {
		const {inventory} = inventoryOf(
			exchange('www.example', 'A', [cname('www.example', 'cdn.example'), cname('cdn.example', 'edge.other'), a('edge.other', '192.0.2.8')]),
			// The authoritative style: the CNAME only, no SOA; the client then asks the tail itself.
			exchange('www.example', 'AAAA', [cname('www.example', 'cdn.example'), cname('cdn.example', 'edge.other')]),
			exchange('edge.other', 'AAAA', [aaaa('edge.other', '2a0f:6:6::8')]),
		);
		const records = await inventory.records({selection: null});
		const www = records.find((r) => r.name === 'www.example');
		expect(www?.aaaa).toMatchObject({status: 'NOERROR', addresses: ['2a0f:6:6::8']});
		expect(www?.chain.map((l) => l.target)).toEqual(['cdn.example', 'edge.other']);
		expect(www?.verdict).toBe('migrated');
	});

	it('leaves an open chain whose tail was never seen unjudged rather than guessing NODATA', async () => {
		const {inventory} = inventoryOf(exchange('open.example', 'A', [a('open.example', '192.0.2.9')]), exchange('open.example', 'AAAA', [cname('open.example', 'far.other')]));
		const [record] = await inventory.records({selection: null});
		expect(record?.verdict).toBeNull();
		expect(record?.reason).toContain('the chain stops at far.other');
	});

	it('recognises synthesized AAAA by the NAT64 prefix seen in ipv4only.arpa answers (RFC 7050)', async () => {
		const {inventory} = inventoryOf(
			exchange('ipv4only.arpa', 'AAAA', [aaaa('ipv4only.arpa', '2a0f:6:64::c000:aa'), aaaa('ipv4only.arpa', '2a0f:6:64::c000:ab')]),
			exchange('v4.example', 'A', [a('v4.example', '198.51.100.1')]),
			exchange('v4.example', 'AAAA', [aaaa('v4.example', '2a0f:6:64::c633:6401')]),
		);
		const records = await inventory.records({selection: host(true)});
		expect(records.find((r) => r.name === 'v4.example')?.verdict).toBe('synthetic');
	});

	it('uses a truncated reply only until a complete one arrives, and counts both', async () => {
		const {inventory} = inventoryOf(
			exchange('big.example', 'A', [a('big.example', '192.0.2.1')]),
			exchange('big.example', 'AAAA', [], {tc: true}),
			exchange('big.example', 'AAAA', [aaaa('big.example', '2a0f:6:6::1'), aaaa('big.example', '2a0f:6:6::2')]),
			exchange('big.example', 'AAAA', [], {tc: true}),
		);
		const [record] = await inventory.records({selection: null});
		expect(record?.aaaa).toMatchObject({asked: 3, answered: 3, addresses: ['2a0f:6:6::1', '2a0f:6:6::2']});
	});

	it('keys names case-insensitively, counts exchanges, keeps the last time and the processes, and ignores other types', () => {
		const inventory = new Inventory();
		const base: ExchangeEvent = {
			kind: 'exchange', client: '192.0.2.10:1', server: '192.0.2.53:53', transport: 'udp', id: 1, qname: 'Mixed.Example', qtype: 'A', rcode: 'NOERROR',
			answers: [], rttMs: 1, status: 'answered', time: T0, retransmissions: 0, endedBy: null, flags: null, soa: null, pairedWith: null, pairFlag: null, pid: 10, comm: 'curl',
		};
		inventory.add(base);
		inventory.add({...base, qname: 'mixed.example.', time: T0 + 50, pid: 11, comm: 'wget'});
		inventory.add({...base, qname: 'mixed.example', time: T0 + 10, pid: 10, comm: 'curl'});
		inventory.add({...base, qtype: 'MX'});
		expect(inventory.size).toBe(1);
		return inventory.records({selection: null}).then(([record]) => {
			expect(record).toMatchObject({name: 'mixed.example', count: 3, lastSeen: T0 + 50});
			expect(record?.processes).toEqual([{pid: 10, comm: 'curl'}, {pid: 11, comm: 'wget'}]);
		});
	});
});
