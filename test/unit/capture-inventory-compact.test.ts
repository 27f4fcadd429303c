// The compact inventory against the one it replaced (test/support/inventory-reference.ts): same name records on random exchanges.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {ExchangeEvent, ExchangeStatus} from '../../src/capture/events.js';
import type {AnswerRecord} from '../../src/capture/records.js';
import {Inventory, type InventoryOptions} from '../../src/core/capture-inventory.js';
import type {SelectionSettings} from '../../src/core/selection.js';
import {whatIfSources, type SourceProvider} from '../../src/host/sources.js';
import {parseWhatIf} from '../../src/host/what-if.js';
import type {SoaRecord} from '../../src/resolve/types.js';
import {ReferenceInventory} from '../support/inventory-reference.js';

/*
 * A small universe, so names meet: names differing only in case, CNAMEs between them (chains that
 * stop, loop or end in addresses, across replies), single address records named exactly, in another
 * case or of the other family (the compact form must only take the exact single record), SOAs that
 * differ in one field (the interning must not merge them), truncated replies, ipv4only.arpa answers.
 */
const names = ['www.example', 'WWW.Example', 'cdn.example', 'edge.example', 'ipv4only.arpa', 'loop.example'] as const;
const v4 = ['192.0.2.1', '192.0.2.2', '198.51.100.7'] as const;
const v6 = ['2001:db8::1', '2a0f:6:6::2', '64:ff9b::c000:201', 'fe80::1'] as const;
const rcodes = ['NOERROR', 'NOERROR', 'NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', null] as const;
const statuses: readonly ExchangeStatus[] = ['answered', 'answered', 'answered', 'unanswered', 'unsolicited'];
const soas: readonly SoaRecord[] = [
	{name: 'example', ttl: 60, mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60},
	{name: 'example', ttl: 61, mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60},
	{name: 'example', ttl: 60, mname: 'ns.example', rname: 'host.example', serial: 2, refresh: 1, retry: 1, expire: 1, minimum: 60},
	{name: 'other', ttl: 60, mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60},
	{name: 'example', ttl: 60, mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 61},
];

const record: fc.Arbitrary<Rec> = fc.record({
	name: fc.nat(names.length - 1),
	type: fc.constantFrom('A', 'AAAA', 'CNAME', 'TXT'),
	ttl: fc.constantFrom(0, 60, 300),
	data: fc.nat(8),
});
const step: fc.Arbitrary<Step> = fc.record({
	name: fc.nat(names.length - 1),
	qtype: fc.constantFrom('A', 'AAAA', 'A', 'AAAA', 'MX'),
	status: fc.nat(statuses.length - 1),
	rcode: fc.nat(rcodes.length - 1),
	answers: fc.oneof({arbitrary: fc.constant('exact' as const), weight: 3}, {arbitrary: fc.array(record, {maxLength: 4}), weight: 2}),
	soa: fc.option(fc.nat(soas.length - 1)),
	tc: fc.boolean(),
	process: fc.nat(3),
	dt: fc.nat(5),
});

interface Rec {
	readonly name: number;
	readonly type: string;
	readonly ttl: number;
	readonly data: number;
}
interface Step {
	readonly name: number;
	readonly qtype: string;
	readonly status: number;
	readonly rcode: number;
	readonly answers: 'exact' | readonly Rec[];
	readonly soa: number | null;
	readonly tc: boolean;
	readonly process: number;
	readonly dt: number;
}

function answerOf(r: Rec): AnswerRecord {
	const data = r.type === 'A' ? v4[r.data % v4.length] : r.type === 'AAAA' ? v6[r.data % v6.length] : r.type === 'CNAME' ? names[r.data % names.length] : `"t${r.data}"`;
	return {name: names[r.name] as string, type: r.type, ttl: r.ttl, data: data as string};
}

function events(steps: readonly Step[]): ExchangeEvent[] {
	let time = 1_700_000_000_000.5;
	return steps.map((s, i): ExchangeEvent => {
		const qname = names[s.name] as string;
		const status = statuses[s.status] as ExchangeStatus;
		const answered = status !== 'unanswered';
		// 'exact': the one record of the asked family under the asked name, the compact form's case.
		const answers = !answered ? [] : s.answers === 'exact' ? [{name: qname, type: s.qtype, ttl: 300, data: (s.qtype === 'AAAA' ? v6[i % v6.length] : v4[i % v4.length]) as string}] : s.answers.map(answerOf);
		time += s.dt;
		return {
			kind: 'exchange',
			client: '192.0.2.10:40000',
			server: '192.0.2.53:53',
			transport: 'udp',
			id: i,
			qname,
			qtype: s.qtype,
			rcode: answered ? rcodes[s.rcode] ?? null : null,
			answers,
			rttMs: answered ? 1 : null,
			status,
			time,
			retransmissions: 0,
			endedBy: answered ? null : 'timeout',
			flags: answered ? {aa: false, tc: s.tc, ad: false} : null,
			// A fresh copy each time, as decoding makes it: interning must compare, not trust identity.
			soa: answered && s.soa !== null ? {...(soas[s.soa] as SoaRecord)} : null,
			pairedWith: null,
			pairFlag: null,
			pid: s.process === 0 ? null : s.process,
			comm: s.process === 0 ? null : `p${s.process}`,
		};
	});
}

const host = (v6only: boolean): SelectionSettings => ({
	stack: 'glibc',
	label: 'test',
	sources: whatIfSources(parseWhatIf(JSON.stringify({sources: {'0.0.0.0/0': v6only ? null : '192.0.2.10', '::/0': '2a0f:6:6::100'}}))),
});
const settings: readonly InventoryOptions[] = [{selection: null}, {selection: host(false)}, {selection: host(true), noAaaa: true}];

/** Both inventories, each given `list` in order. */
function fed(list: readonly ExchangeEvent[]): {inventory: Inventory; reference: ReferenceInventory} {
	const inventory = new Inventory();
	const reference = new ReferenceInventory();
	for (const e of list) {
		inventory.add(e);
		reference.add(e);
	}
	return {inventory, reference};
}

describe('compact inventory', () => {
	it('gives the reference inventory’s name records on random exchanges', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, {maxLength: 40}), fc.nat(settings.length - 1), async (steps, which) => {
				const {inventory, reference} = fed(events(steps));
				const options = settings[which] as InventoryOptions;
				expect(inventory.size).toBe(reference.size);
				expect(await inventory.records(options)).toEqual(await reference.records(options));
			}),
			{numRuns: 400},
		);
	});

	it('judges each name once at the end (final) as the reference does, asking for each destination once (a provider with nothing at once: two passes)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, {maxLength: 40}), fc.nat(settings.length - 1), async (steps, which) => {
				const {inventory, reference} = fed(events(steps));
				const options = settings[which] as InventoryOptions;
				const expected = await reference.records(options);
				expect(await inventory.records({...options, final: true})).toEqual(expected);
				const selection = options.selection;
				if (selection === null) return;
				const asked: string[] = [];
				const provider: SourceProvider = async (destinations: readonly string[]) => {
					asked.push(...destinations);
					return selection.sources(destinations);
				};
				expect(await inventory.records({...options, selection: {...selection, sources: provider}, final: true})).toEqual(expected);
				expect(new Set(asked).size).toBe(asked.length);
				// One whose nowMany answers every other destination (as for zoned ones): the rest are awaited, each once.
				let flip = false;
				const both: string[] = [];
				const known = selection.sources.known as NonNullable<SourceProvider['known']>;
				const partly: SourceProvider = Object.assign(
					async (destinations: readonly string[]) => {
						both.push(...destinations);
						return selection.sources(destinations);
					},
					{nowMany: (destinations: readonly string[]) => destinations.map((d) => ((flip = !flip) ? (both.push(d), known(d)) : undefined))},
				);
				expect(await inventory.records({...options, selection: {...selection, sources: partly}, final: true})).toEqual(expected);
				expect(new Set(both).size).toBe(both.length);
			}),
			{numRuns: 400},
		);
	});

	it('at the end, judges more names than one ask covers, in first-seen order, each destination asked for once across the asks', async () => {
		const [a, aaaa] = events([
			{name: 0, qtype: 'A', status: 0, rcode: 0, answers: 'exact', soa: null, tc: false, process: 0, dt: 1},
			{name: 0, qtype: 'AAAA', status: 0, rcode: 0, answers: 'exact', soa: null, tc: false, process: 0, dt: 1},
		]) as [ExchangeEvent, ExchangeEvent];
		const list: ExchangeEvent[] = [];
		for (let i = 0; i < 5000; i++) {
			const qname = `n${i}.example`;
			// A name's own IPv4 address, and IPv6 addresses that recur across all the names (a CDN's).
			list.push({...a, id: 2 * i, qname, answers: [{name: qname, type: 'A', ttl: 300, data: `10.0.${i >> 8}.${i & 255}`}]});
			const nodata = i % 3 === 0;
			list.push({...aaaa, id: 2 * i + 1, qname, answers: nodata ? [] : [{name: qname, type: 'AAAA', ttl: 300, data: `2001:db8::${(i % 11).toString(16)}`}], soa: nodata ? {...(soas[0] as SoaRecord)} : null});
		}
		const {inventory, reference} = fed(list);
		const selection = host(false);
		// Answers at once, as the addon's route lookups do (nowMany): the final path's chunks ask it.
		const asks: string[][] = [];
		const known = selection.sources.known as NonNullable<SourceProvider['known']>;
		const provider: SourceProvider = Object.assign(async (destinations: readonly string[]) => selection.sources(destinations), {
			nowMany: (destinations: readonly string[]) => {
				asks.push([...destinations]);
				return destinations.map(known);
			},
		});
		const records = await inventory.records({selection: {...selection, sources: provider}, final: true});
		expect(records).toEqual(await reference.records({selection}));
		expect(records.map((r) => r.name).slice(0, 3)).toEqual(['n0.example', 'n1.example', 'n2.example']);
		expect(asks.length).toBeGreaterThan(1);
		const asked = asks.flat();
		expect(new Set(asked).size).toBe(asked.length);
		// The destinations of the names with addresses of both families: a lone IPv4 address needs no source.
		const read = new Set<string>();
		for (let i = 0; i < list.length; i += 2) {
			const v6 = (list[i + 1] as ExchangeEvent).answers[0]?.data;
			if (v6 !== undefined) read.add((list[i] as ExchangeEvent).answers[0]?.data as string).add(v6);
		}
		expect(new Set(asked)).toEqual(read);
		// With the output's backpressure: no record is made while it waits, and the same records come after.
		let waits = 0;
		let release: () => void = () => {};
		const made: string[] = [];
		const judging = inventory.judgeAll({selection: {...selection, sources: provider}, final: true, ready: () => (waits++ === 0 ? new Promise<void>((resolve) => (release = resolve)) : null)}, (r) => void made.push(r.name));
		await new Promise((resolve) => setTimeout(resolve, 20));
		const whileWaiting = made.length;
		expect(whileWaiting).toBeGreaterThan(0);
		expect(whileWaiting).toBeLessThan(records.length);
		release();
		await judging;
		expect(made).toEqual(records.map((r) => r.name));
		expect(waits).toBeGreaterThan(1);
	});

	it('keeps one object for equal SOAs and none for different ones', async () => {
		const base = events([{name: 0, qtype: 'AAAA', status: 0, rcode: 0, answers: [], soa: 0, tc: false, process: 0, dt: 1}])[0] as ExchangeEvent;
		const inventory = new Inventory();
		const reference = new ReferenceInventory();
		for (let i = 0; i < 20; i++) {
			const e = {...base, qname: `n${i}.example`, soa: {...(soas[i % soas.length] as SoaRecord)}};
			inventory.add(e);
			reference.add(e);
		}
		expect(await inventory.records({selection: null})).toEqual(await reference.records({selection: null}));
	});

	it('judges a name that changed during the probes on its new state, asking for its new destinations', async () => {
		const exchange = (i: number, qname: string, qtype: 'A' | 'AAAA', data: string): ExchangeEvent => ({
			...(events([{name: 0, qtype, status: 0, rcode: 0, answers: [], soa: null, tc: false, process: 0, dt: 1}])[0] as ExchangeEvent),
			id: i,
			qname,
			time: 1_700_000_000_000 + i,
			answers: [{name: qname, type: qtype, ttl: 60, data}],
		});
		const before = [exchange(1, 'a.example', 'A', '192.0.2.1'), exchange(2, 'a.example', 'AAAA', '2001:db8::1'), exchange(3, 'b.example', 'A', '192.0.2.2')];
		const during = [exchange(4, 'b.example', 'AAAA', '2001:db8::2'), exchange(5, 'a.example', 'AAAA', '2001:db8::3')];
		const inventory = new Inventory();
		const reference = new ReferenceInventory();
		for (const e of [...before, ...during]) reference.add(e);
		for (const e of before) inventory.add(e);
		const provider = host(false);
		const asked: string[][] = [];
		let first = true;
		const selection: SelectionSettings = {
			...provider,
			sources: async (list) => {
				asked.push([...list]);
				if (first) for (const e of during) inventory.add(e);
				first = false;
				return provider.sources(list);
			},
		};
		expect(await inventory.records({selection})).toEqual(await reference.records({selection: provider}));
		expect(asked).toEqual([
			['192.0.2.1', '2001:db8::1'],
			['2001:db8::3', '192.0.2.2', '2001:db8::2'],
		]);
	});

	it('judges every name anew when any changed during the probes: a chain read through another name', async () => {
		const exchange = (i: number, qname: string, qtype: 'A' | 'AAAA', answers: ExchangeEvent['answers']): ExchangeEvent => ({
			...(events([{name: 0, qtype, status: 0, rcode: 0, answers: [], soa: null, tc: false, process: 0, dt: 1}])[0] as ExchangeEvent),
			id: i,
			qname,
			time: 1_700_000_000_000 + i,
			answers,
		});
		// www's AAAA is a CNAME to cdn with no SOA (RFC 2308 §2.2: ask the tail); cdn's AAAA arrives while the probes run.
		const before = [
			exchange(1, 'www.example', 'A', [{name: 'www.example', type: 'A', ttl: 60, data: '93.184.216.1'}]),
			exchange(2, 'www.example', 'AAAA', [{name: 'www.example', type: 'CNAME', ttl: 60, data: 'cdn.example'}]),
			exchange(3, 'other.example', 'A', [{name: 'other.example', type: 'A', ttl: 60, data: '93.184.216.3'}]),
			exchange(4, 'other.example', 'AAAA', [{name: 'other.example', type: 'AAAA', ttl: 60, data: '2a00:1450:4001::3'}]),
		];
		const during = [exchange(5, 'cdn.example', 'AAAA', [{name: 'cdn.example', type: 'AAAA', ttl: 60, data: '2a00:1450:4001::9'}])];
		const inventory = new Inventory();
		const reference = new ReferenceInventory();
		for (const e of [...before, ...during]) reference.add(e);
		for (const e of before) inventory.add(e);
		const provider = host(false);
		let first = true;
		const selection: SelectionSettings = {
			...provider,
			sources: async (list) => {
				if (first) for (const e of during) inventory.add(e);
				first = false;
				return provider.sources(list);
			},
		};
		// The names known when the judging began, each judged on its newest state: www's AAAA now reads
		// through cdn's reply, so its selection must hold cdn's address (its source asked for too).
		const records = await inventory.records({selection});
		const expected = (await reference.records({selection: provider})).filter((r) => r.name !== 'cdn.example');
		expect(records).toEqual(expected);
		expect(records.find((r) => r.name === 'www.example')?.chosen).toBe('2a00:1450:4001::9');
	});
});
