// Address selection without waiting (selectAddressesNow, the batch's path) against the awaited one and a reference.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {cachedSources} from '../../src/batch/cached-sources.js';
import {selectAddresses, selectAddressesNow, type Selection, type SelectionSettings} from '../../src/core/selection.js';
import {formatPrefix, synthesizedBy, wellKnownPrefix, type Nat64Prefix} from '../../src/resolve/dns64.js';
import {replylessOutcome} from '../../src/resolve/family.js';
import type {Family, FamilyOutcome} from '../../src/resolve/types.js';
import {sortDestinations} from '../../src/select/rfc6724.js';
import type {RuleId, SourceInfo, Stack} from '../../src/select/types.js';
import {parseWhatIf} from '../../src/host/what-if.js';
import {whatIfSources, type SourceProvider} from '../../src/host/sources.js';
import {isIP} from 'node:net';
import ipaddr from 'ipaddr.js';
import {parseIp, parsePlainIp} from '../../src/select/policy.js';

const runs = Number(process.env.FUZZ_RUNS ?? 500);

const v4 = fc.constantFrom('192.0.2.1', '198.51.100.7', '10.0.0.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '8.8.8.8');
const v6 = fc.constantFrom('2001:db8::1', '2a00:1450::1', 'fd00::4', 'fe80::1', '::1', '64:ff9b::c000:201', '2002:c000:201::1', '::ffff:192.0.2.1', '2001::1', 'fec0::1');
const stack = fc.constantFrom<Stack>('glibc', 'go', 'musl', 'rfc6724');
const whatIf = fc.constantFrom(
	{sources: {'::/0': 'fd00::2', '0.0.0.0/0': '192.0.2.2'}, attrs: {'fd00::2': {prefixLen: 64}}},
	{sources: {'::/0': '2001:db8::2', '0.0.0.0/0': '192.0.2.2'}, attrs: {'2001:db8::2': {prefixLen: 64, deprecated: true}}},
	{sources: {'0.0.0.0/0': '10.0.0.2', '2a00::/8': '2a00:1450::9'}},
	{sources: {'::/0': null, '0.0.0.0/0': '192.0.2.2', 'fe80::1': 'fe80::2'}},
);

const outcome = (family: Family, addresses: readonly string[]): FamilyOutcome => ({
	...replylessOutcome(family, addresses.length > 0 ? 'NOERROR' : 'NODATA', 'x.example', [], 1, null),
	addresses: addresses.map((address) => ({address, ttl: 60})),
});

/** The selection as it was written before the batch's shortcuts: every address once by Set, isIP, a second pairwise sort. */
async function reference(a: FamilyOutcome, aaaa: FamilyOutcome, nat64: readonly Nat64Prefix[], settings: SelectionSettings): Promise<Selection> {
	const unique = [...new Set([...a.addresses.map((r) => r.address), ...aaaa.addresses.map((r) => r.address)])];
	const sources: Map<string, SourceInfo | null> = unique.length > 0 ? await settings.sources(unique) : new Map();
	const options = settings.gaiConf === undefined ? {} : {gaiConf: settings.gaiConf};
	const sorted = unique.length > 0 ? sortDestinations(unique, sources, settings.stack, options).order : [];
	const order = sorted.map((address) => {
		const source = sources.get(address) ?? null;
		const family: Family = isIP(address) === 6 ? 'AAAA' : 'A';
		const prefix = family === 'AAAA' ? synthesizedBy(address, nat64) : null;
		return {address, family, source: source?.address ?? null, interface: source?.interface ?? null, synthesized: prefix === null ? null : formatPrefix(prefix)};
	});
	const chosen = order[0] ?? null;
	const other = chosen === null ? undefined : order.find((r) => r.family !== chosen.family);
	let rule: RuleId | null = null;
	if (chosen !== null && other !== undefined) {
		const decision = sortDestinations([chosen.address, other.address], sources, settings.stack, options).decisions[0];
		rule = decision !== undefined && decision.a === chosen.address ? decision.rule : null;
	}
	return {stack: settings.stack, order, chosen: chosen?.address ?? null, rule, runnerUp: other?.address ?? null};
}

describe('selection without waiting', () => {
	it('equals the awaited selection and the reference, for what-if and cached what-if sources', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(v4, {maxLength: 3}),
				fc.array(v6, {maxLength: 3}),
				stack,
				whatIf,
				fc.boolean(),
				fc.boolean(),
				async (as, aaaas, stackName, map, cached, dns64) => {
					const plain = whatIfSources(parseWhatIf(JSON.stringify(map)));
					const sources: SourceProvider = cached ? cachedSources(plain) : plain;
					const settings: SelectionSettings = {stack: stackName, sources, label: 'test'};
					const nat64 = dns64 ? [wellKnownPrefix] : [];
					const a = outcome('A', as);
					const aaaa = outcome('AAAA', aaaas);
					const now = selectAddressesNow(a, aaaa, nat64, settings);
					expect(now).toEqual(await selectAddresses(a, aaaa, nat64, settings));
					expect(now).toEqual(await reference(a, aaaa, nat64, settings));
				},
			),
			{numRuns: runs},
		);
	});

	it('waits (undefined) when a provider cannot answer at once, and a cache answers at once after one ask', async () => {
		const kernelLike: SourceProvider = async (destinations) => new Map(destinations.map((d) => [d, null]));
		const settings: SelectionSettings = {stack: 'glibc', sources: kernelLike, label: 'test'};
		expect(selectAddressesNow(outcome('A', ['192.0.2.1']), outcome('AAAA', []), [], settings)).toBeUndefined();
		const cached = cachedSources(kernelLike);
		const withCache: SelectionSettings = {...settings, sources: cached};
		expect(selectAddressesNow(outcome('A', ['192.0.2.1']), outcome('AAAA', []), [], withCache)).toBeUndefined();
		await cached(['192.0.2.1']);
		expect(selectAddressesNow(outcome('A', ['192.0.2.1']), outcome('AAAA', []), [], withCache)).toEqual(await selectAddresses(outcome('A', ['192.0.2.1']), outcome('AAAA', []), [], withCache));
	});

	it('a cache keeps nowMany\'s answers within its limit, then starts over; a what-if answer (known) comes first', async () => {
		const info = (address: string): SourceInfo => ({address, prefixLen: 64, deprecated: false, home: false, native: true, interface: 'eth0'});
		const probed: string[] = [];
		const kernelLike: SourceProvider = Object.assign(async (destinations: readonly string[]) => new Map(destinations.map((d) => [d, null])), {
			nowMany: (destinations: readonly string[]): (SourceInfo | null | undefined)[] => {
				probed.push(...destinations);
				return destinations.map((d) => (d.startsWith('192.0.2.') ? info('192.0.2.9') : null));
			},
		});
		const cached = cachedSources(kernelLike, 3);
		await cached(['192.0.2.1', '2001:db8::1']);
		await cached(['192.0.2.1', '2001:db8::1']);
		expect(cached.known?.('192.0.2.1')).toEqual(info('192.0.2.9'));
		expect(cached.known?.('2001:db8::1')).toBeNull();
		expect(probed).toEqual(['192.0.2.1', '2001:db8::1']);
		// Past the limit the cache starts over, and the kernel is asked again.
		await cached(['192.0.2.2', '192.0.2.3', '192.0.2.4']);
		expect(cached.known?.('192.0.2.1')).toBeUndefined();
		await cached(['192.0.2.1']);
		expect(probed.filter((d) => d === '192.0.2.1')).toHaveLength(2);
		// A what-if answer (known) is taken at once, without a probe.
		const whatIf = Object.assign(kernelLike, {known: (): SourceInfo => info('198.51.100.1')});
		expect(cachedSources(whatIf).known?.('192.0.2.1')).toEqual(info('198.51.100.1'));
	});

	it('with nowMany, a cache asks for the destinations of one turn together, answers known only from what it holds, and asks the provider for what nowMany cannot answer', async () => {
		const info = (address: string): SourceInfo => ({address, prefixLen: 64, deprecated: false, home: false, native: true, interface: 'eth0'});
		const rounds: string[][] = [];
		const asked: string[][] = [];
		const kernelLike: SourceProvider = Object.assign(
			async (destinations: readonly string[]) => {
				asked.push([...destinations]);
				return new Map(destinations.map((d) => [d, info('fe80::9')]));
			},
			{
				nowMany: (destinations: readonly string[]): (SourceInfo | null | undefined)[] => {
					rounds.push([...destinations]);
					return destinations.map((d) => (d.startsWith('fe80') ? undefined : d.startsWith('192.0.2.') ? info('192.0.2.9') : null));
				},
			},
		);
		const cached = cachedSources(kernelLike);
		expect(cached.known?.('192.0.2.1')).toBeUndefined();
		// Three names ask in one turn: one nowMany for all their destinations; the zoned one goes to the provider.
		const [one, two, three] = await Promise.all([cached(['192.0.2.1', '2001:db8::1']), cached(['192.0.2.2']), cached(['192.0.2.1', 'fe80::1%eth0'])]);
		expect(rounds).toEqual([['192.0.2.1', '2001:db8::1', '192.0.2.2', '192.0.2.1', 'fe80::1%eth0']]);
		expect(asked).toEqual([['fe80::1%eth0']]);
		expect([...(one as Map<string, SourceInfo | null>)]).toEqual([['192.0.2.1', info('192.0.2.9')], ['2001:db8::1', null]]);
		expect(two?.get('192.0.2.2')).toEqual(info('192.0.2.9'));
		expect([...(three as Map<string, SourceInfo | null>)]).toEqual([['192.0.2.1', info('192.0.2.9')], ['fe80::1%eth0', info('fe80::9')]]);
		// Now held: known answers at once, and a later turn asks nowMany only for what is new.
		expect(cached.known?.('192.0.2.1')).toEqual(info('192.0.2.9'));
		expect(cached.known?.('2001:db8::1')).toBeNull();
		await cached(['192.0.2.1', '198.51.100.1']);
		expect(rounds).toHaveLength(2);
		expect(rounds[1]).toEqual(['198.51.100.1']);
	});

	it('request: the names of one turn join one round with the promise askers, and their callbacks run once known answers', async () => {
		const info = (address: string): SourceInfo => ({address, prefixLen: 64, deprecated: false, home: false, native: true, interface: 'eth0'});
		const rounds: string[][] = [];
		const kernelLike: SourceProvider = Object.assign(async (destinations: readonly string[]) => new Map(destinations.map((d) => [d, info('fe80::9')])), {
			nowMany: (destinations: readonly string[]): (SourceInfo | null | undefined)[] => {
				rounds.push([...destinations]);
				return destinations.map((d) => (d.startsWith('fe80') ? undefined : d.startsWith('192.0.2.') ? info('192.0.2.9') : null));
			},
		});
		const cached = cachedSources(kernelLike);
		const request = cached.request;
		expect(request).toBeDefined();
		const seen: (SourceInfo | null | undefined)[][] = [];
		const know = (list: readonly string[]) => (): void => void seen.push(list.map((d) => cached.known?.(d)));
		request?.(['192.0.2.1', '2001:db8::1'], know(['192.0.2.1', '2001:db8::1']));
		const awaited = cached(['192.0.2.2']);
		request?.(['192.0.2.1', 'fe80::1%eth0'], know(['192.0.2.1', 'fe80::1%eth0']));
		// Nothing runs before the round.
		expect(seen).toEqual([]);
		expect((await awaited).get('192.0.2.2')).toEqual(info('192.0.2.9'));
		expect(rounds).toEqual([['192.0.2.1', '2001:db8::1', '192.0.2.2', '192.0.2.1', 'fe80::1%eth0']]);
		// Each callback ran once, after the answers were held; what nowMany could not answer stays unknown.
		expect(seen).toEqual([
			[info('192.0.2.9'), null],
			[info('192.0.2.9'), undefined],
		]);
		// A request for what is held asks nothing new, but still waits for (and joins) the next round.
		let later = 0;
		request?.(['192.0.2.1'], () => later++);
		expect(later).toBe(0);
		await new Promise((resolve) => setImmediate(resolve));
		expect(later).toBe(1);
		expect(rounds[1]).toEqual([]);
		// Without nowMany (no addon) a cache has no rounds to join.
		expect(cachedSources(async () => new Map()).request).toBeUndefined();
	});

	it('request: a nowMany that throws still runs every callback (they find nothing known), and a throwing callback stops no other', async () => {
		const failing: SourceProvider = Object.assign(async (destinations: readonly string[]) => new Map(destinations.map((d) => [d, null])), {
			nowMany: (): (SourceInfo | null | undefined)[] => {
				throw new Error('host facts unreadable');
			},
		});
		const cached = cachedSources(failing);
		const known: (SourceInfo | null | undefined)[] = [];
		const uncaught: unknown[] = [];
		const onUncaught = (error: unknown): void => void uncaught.push(error);
		process.prependListener('uncaughtException', onUncaught);
		try {
			cached.request?.(['192.0.2.1'], () => {
				throw new Error('a name failed');
			});
			cached.request?.(['2001:db8::1'], () => void known.push(cached.known?.('2001:db8::1')));
			await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setImmediate(resolve));
		} finally {
			process.removeListener('uncaughtException', onUncaught);
		}
		expect(known).toEqual([undefined]);
		expect(uncaught.map((e) => (e as Error).message)).toEqual(['a name failed']);
	});

	it('a nowMany that throws fails the asks of its turn (a rejection), not the process', async () => {
		const failing: SourceProvider = Object.assign(async (destinations: readonly string[]) => new Map(destinations.map((d) => [d, null])), {
			nowMany: (): (SourceInfo | null | undefined)[] => {
				throw new Error('host facts unreadable');
			},
		});
		const cached = cachedSources(failing);
		const asks = [cached(['192.0.2.1']), cached(['2001:db8::1'])];
		for (const ask of asks) await expect(ask).rejects.toThrow('host facts unreadable');
		expect(cached.known?.('192.0.2.1')).toBeUndefined();
	});

	it('parses plain address text only where net.isIP accepts it, as parseIp does, and every address DNS answers are written as', () => {
		const v4text = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
		const v6text = fc.uint8Array({minLength: 16, maxLength: 16}).map((b) => ipaddr.fromByteArray([...b]).toString());
		const odd = fc.oneof(
			fc.stringMatching(/^[0-9a-fA-F:.%]{0,20}$/),
			fc.constantFrom('::ffff:1.2.3.4', 'fe80::1%eth0', '01.2.3.4', '1.2.3', '1:2:3:4:5:6:7:8:9', ':::', '1::2::3', 'ABCD::EF', '', '::', '1.2.3.4.'),
		);
		fc.assert(
			fc.property(fc.oneof(v4text, v6text, odd), (text) => {
				const plain = parsePlainIp(text);
				if (plain !== null) {
					expect(isIP(text)).not.toBe(0);
					expect(plain).toEqual(parseIp(text));
				}
			}),
			{numRuns: runs * 4},
		);
		fc.assert(
			fc.property(fc.oneof(v4text, v6text), (text) => {
				expect(parsePlainIp(text)).not.toBeNull();
			}),
			{numRuns: runs},
		);
	});
});
