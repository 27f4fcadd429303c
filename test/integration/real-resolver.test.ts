// The built CLI against a real Unbound recursing to Knot on loopback (fixtures/zones): statuses, chains, TTLs, TCP, exit codes.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, inject, it} from 'vitest';
import {runCli} from '../support/cli.js';

// What Unbound 1.17 (module-config iterator, stub-zones to Knot 3.2) was seen to answer, checked with dig:
// - In-zone CNAME chains come back whole in one reply (chain3: 3 CNAMEs + the address).
// - out.he6.test: Knot answers only the CNAME to target.other.test; Unbound follows it and returns both.
// - loop1.he6.test (loop1 -> loop2 -> loop1): SERVFAIL, empty answer, for A and AAAA.
// - hop1.he6.test (20 CNAMEs): SERVFAIL. Knot gives 5 hops per reply and Unbound restarts; from a cold
//   cache it accepts at most 11 CNAMEs (hop10 resolves, hop9 fails). Once hop10..hop20 are cached, hop1
//   resolves from cache too, so no test may query hop2..hop20 on this shared Unbound.
// - big.he6.test AAAA (80 records, 2281 bytes): over UDP, TC set with an empty answer; over TCP, all 80.
// - x.refused.he6.test: REFUSED (local-zone refuse); example.org and anything outside the zones: REFUSED at once.
// - Negative answers carry the zone SOA with TTL min(SOA TTL, minimum) = 60.
// - serve-original-ttl is on, so every TTL is the zone's TTL however old the cache entry: exact TTL asserts are safe.
// - rrset order rotates between replies (round robin): multi-address sets are compared sorted.

interface Family {
	status: string;
	qname: string;
	chain: {name: string; target: string; ttl: number}[];
	addresses: {address: string; ttl: number}[];
	soa: {name: string; ttl: number; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number} | null;
	server: string | null;
	transport: string | null;
	rttMs: number | null;
	queries: number;
	problem: {kind: string} | null;
}

interface Host {
	name: string;
	input: string;
	unicode: string | null;
	a: Family;
	aaaa: Family;
	verdict: string;
	reason: string;
}

const parse = (stdout: string): Host[] => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Host);
const sorted = (family: Family): string[] => family.addresses.map((a) => a.address).sort();
const ttls = (family: Family): number[] => family.addresses.map((a) => a.ttl);
const he6Soa = {name: 'he6.test', ttl: 60, mname: 'ns1.he6.test', rname: 'hostmaster.he6.test', serial: 1, refresh: 3600, retry: 600, expire: 604800, minimum: 60};

interface Lookup {
	code: number | null;
	hosts: Map<string, Host>;
	list: Host[];
	stderr: string;
}

const unbound = inject('unbound');

if (unbound === null) {
	it.skip('real-resolver tests skipped: knotd and unbound are not installed (apt-get install knot unbound)', () => {});
} else {
	const server = `${unbound.address}:${unbound.port}`;
	// The seed's box as a what-if (IPv6 via sit1, IPv4 on eth0), so verdicts do not depend on this machine's routes.
	const sources = join(mkdtempSync(join(tmpdir(), 'he6-real-')), 'sources.json');
	writeFileSync(sources, JSON.stringify({sources: {'::/0': '2001:470:1f1c:666::2', '0.0.0.0/0': '10.104.229.189'}, attrs: {'2001:470:1f1c:666::2': {native: false, interface: 'sit1'}}}));
	const lookup = async (names: string[], extra: string[] = []): Promise<Lookup> => {
		const result = await runCli(['--json', '--no-search', '--stack', 'glibc', '--gai-conf', '/dev/null', '--sources', sources, ...extra, `@${server}`, ...names]);
		const list = parse(result.stdout);
		return {code: result.code, hosts: new Map(list.map((host) => [host.name, host])), list, stderr: result.stderr};
	};
	const get = (hosts: Map<string, Host>, name: string): Host => {
		const host = hosts.get(name);
		if (host === undefined) throw new Error(`no output line for ${name}`);
		return host;
	};

	describe('seed field report hosts', () => {
		let run!: Lookup;
		beforeAll(async () => {
			run = await lookup(['www.linkedin.com', 'www.facebook.com', 'github.com', 'www.google.com']);
		});

		it('exits 0 with one line per host, in input order, each family answered by the same server', () => {
			expect(run.code, run.stderr).toBe(0);
			expect(run.list.map((host) => host.name)).toEqual(['www.linkedin.com', 'www.facebook.com', 'github.com', 'www.google.com']);
			for (const host of run.list) {
				expect(host.input).toBe(host.name);
				expect(host.unicode).toBeNull();
				expect(host.a.server).toBe(server);
				expect(host.aaaa.server).toBe(server);
				expect(host.a.transport).toBe('udp');
				expect(host.aaaa.transport).toBe('udp');
				expect(host.a.rttMs).toBeGreaterThanOrEqual(0);
			}
		});

		it('www.linkedin.com: two CNAMEs (TTL 88) to any-eu, A and AAAA with TTL 1869, migrated', () => {
			const host = get(run.hosts, 'www.linkedin.com');
			const chain = [
				{name: 'www.linkedin.com', target: 'glb-any-eu.www.linkedin.com', ttl: 88},
				{name: 'glb-any-eu.www.linkedin.com', target: 'any-eu.www.linkedin.com', ttl: 88},
			];
			expect(host.a).toMatchObject({status: 'NOERROR', qname: 'www.linkedin.com', chain, addresses: [{address: '185.63.147.10', ttl: 1869}], soa: null, problem: null});
			expect(host.aaaa).toMatchObject({status: 'NOERROR', qname: 'www.linkedin.com', chain, addresses: [{address: '2a04:f540:1::b93f:930a', ttl: 1869}], soa: null, problem: null});
			expect(host.verdict).toBe('migrated');
		});

		it('www.facebook.com: one CNAME (TTL 14) to star-mini.c10r, addresses with TTL 41, migrated', () => {
			const host = get(run.hosts, 'www.facebook.com');
			const chain = [{name: 'www.facebook.com', target: 'star-mini.c10r.facebook.com', ttl: 14}];
			expect(host.a).toMatchObject({status: 'NOERROR', chain, addresses: [{address: '157.240.221.35', ttl: 41}]});
			expect(host.aaaa).toMatchObject({status: 'NOERROR', chain, addresses: [{address: '2a03:2880:2130:7f20:face:b00c:0:25de', ttl: 41}]});
			expect(host.verdict).toBe('migrated');
		});

		it('github.com: A only; AAAA is NODATA with the dynect SOA; not-migrated', () => {
			const host = get(run.hosts, 'github.com');
			expect(host.a).toMatchObject({status: 'NOERROR', chain: [], addresses: [{address: '140.82.121.4', ttl: 60}], soa: null});
			expect(host.aaaa).toMatchObject({status: 'NODATA', qname: 'github.com', chain: [], addresses: []});
			expect(host.aaaa.soa).toEqual({name: 'github.com', ttl: 60, mname: 'ns1.p16.dynect.net', rname: 'hostmaster.github.com', serial: 1461162636, refresh: 3600, retry: 600, expire: 604800, minimum: 60});
			expect(host.verdict).toBe('not-migrated');
		});

		it('www.google.com: three A and one AAAA, TTL 300, no chain, migrated', () => {
			const host = get(run.hosts, 'www.google.com');
			expect(host.a).toMatchObject({status: 'NOERROR', chain: []});
			expect(sorted(host.a)).toEqual(['209.85.203.104', '209.85.203.105', '209.85.203.106']);
			expect(ttls(host.a)).toEqual([300, 300, 300]);
			expect(host.aaaa).toMatchObject({status: 'NOERROR', chain: [], addresses: [{address: '2a00:1450:400b:802::2004', ttl: 300}]});
			expect(host.verdict).toBe('migrated');
		});
	});

	describe('he6.test cases', () => {
		const names = ['a-only', 'dual', 'chain1', 'chain3', 'nodata', 'missing', 'x.refused', 'big', 'loop1', 'hop1', 'out'].map((n) => `${n}.he6.test`);
		let run!: Lookup;
		beforeAll(async () => {
			run = await lookup([...names, 'example.org', 'ipv4only.arpa']);
		});
		const host = (name: string): Host => get(run.hosts, name);

		it('exits 0: SERVFAIL, REFUSED, NXDOMAIN and NODATA are answers, not failures', () => {
			expect(run.code, run.stderr).toBe(0);
			expect(run.list.map((h) => h.name)).toEqual([...names, 'example.org', 'ipv4only.arpa']);
			for (const h of run.list) expect([h.a.server, h.aaaa.server]).toEqual([server, server]);
		});

		it('a-only: A, and AAAA NODATA with the he6.test SOA', () => {
			const h = host('a-only.he6.test');
			expect(h.a).toMatchObject({status: 'NOERROR', addresses: [{address: '192.0.2.1', ttl: 300}]});
			expect(h.aaaa).toMatchObject({status: 'NODATA', addresses: [], soa: he6Soa});
			expect(h.verdict).toBe('not-migrated');
		});

		it('dual: A and AAAA, migrated', () => {
			const h = host('dual.he6.test');
			expect(h.a).toMatchObject({status: 'NOERROR', chain: [], addresses: [{address: '192.0.2.2', ttl: 300}]});
			expect(h.aaaa).toMatchObject({status: 'NOERROR', chain: [], addresses: [{address: '2a0f:6:6::2', ttl: 300}]});
			expect(h.verdict).toBe('migrated');
		});

		it('chain1 and chain3: the whole chain in order, then the addresses', () => {
			const one = host('chain1.he6.test');
			expect(one.aaaa).toMatchObject({status: 'NOERROR', chain: [{name: 'chain1.he6.test', target: 'c1-end.he6.test', ttl: 300}], addresses: [{address: '2a0f:6:6::3', ttl: 300}]});
			expect(one.a.addresses).toEqual([{address: '192.0.2.3', ttl: 300}]);
			const three = host('chain3.he6.test');
			const chain = [
				{name: 'chain3.he6.test', target: 'c3-1.he6.test', ttl: 300},
				{name: 'c3-1.he6.test', target: 'c3-2.he6.test', ttl: 300},
				{name: 'c3-2.he6.test', target: 'c3-end.he6.test', ttl: 300},
			];
			expect(three.a).toMatchObject({status: 'NOERROR', chain, addresses: [{address: '192.0.2.4', ttl: 300}]});
			expect(three.aaaa).toMatchObject({status: 'NOERROR', chain, addresses: [{address: '2a0f:6:6::4', ttl: 300}]});
		});

		it('nodata (TXT only): NODATA for both, unresolved', () => {
			const h = host('nodata.he6.test');
			expect(h.a).toMatchObject({status: 'NODATA', soa: he6Soa});
			expect(h.aaaa).toMatchObject({status: 'NODATA', soa: he6Soa});
			expect(h.verdict).toBe('unresolved');
		});

		it('missing: NXDOMAIN with the SOA', () => {
			const h = host('missing.he6.test');
			expect(h.a).toMatchObject({status: 'NXDOMAIN', qname: 'missing.he6.test', soa: he6Soa});
			expect(h.aaaa).toMatchObject({status: 'NXDOMAIN', soa: he6Soa});
			expect(h.verdict).toBe('unresolved');
		});

		it('x.refused (local-zone refuse) and example.org (outside the zones): REFUSED', () => {
			for (const name of ['x.refused.he6.test', 'example.org']) {
				const h = host(name);
				expect(h.a).toMatchObject({status: 'REFUSED', addresses: [], soa: null});
				expect(h.aaaa).toMatchObject({status: 'REFUSED', addresses: [], soa: null});
				expect(h.verdict).toBe('unresolved');
			}
		});

		it('big: 80 AAAA come back over TCP after a truncated UDP reply; A stays on UDP', () => {
			const h = host('big.he6.test');
			expect(h.aaaa.status).toBe('NOERROR');
			expect(h.aaaa.transport).toBe('tcp');
			expect(h.aaaa.queries).toBeGreaterThanOrEqual(2);
			expect(sorted(h.aaaa)).toEqual(Array.from({length: 80}, (_, i) => `2a0f:6:b16::${(i + 1).toString(16)}`).sort());
			expect(new Set(ttls(h.aaaa))).toEqual(new Set([300]));
			expect(h.a).toMatchObject({status: 'NOERROR', transport: 'udp', addresses: [{address: '192.0.2.5', ttl: 300}]});
		});

		it('loop1 (CNAME loop) and hop1 (20 CNAMEs): Unbound answers SERVFAIL', () => {
			for (const name of ['loop1.he6.test', 'hop1.he6.test']) {
				const h = host(name);
				expect(h.a).toMatchObject({status: 'SERVFAIL', chain: [], addresses: []});
				expect(h.aaaa).toMatchObject({status: 'SERVFAIL', chain: [], addresses: []});
				expect(h.verdict).toBe('unresolved');
			}
		});

		it('out: CNAME into other.test, followed by the resolver', () => {
			const h = host('out.he6.test');
			const chain = [{name: 'out.he6.test', target: 'target.other.test', ttl: 300}];
			expect(h.a).toMatchObject({status: 'NOERROR', chain, addresses: [{address: '192.0.2.20', ttl: 300}]});
			expect(h.aaaa).toMatchObject({status: 'NOERROR', chain, addresses: [{address: '2a0f:6:6::20', ttl: 300}]});
			expect(h.verdict).toBe('migrated');
		});

		it('ipv4only.arpa: the two RFC 7050 addresses, no AAAA', () => {
			const h = host('ipv4only.arpa');
			expect(sorted(h.a)).toEqual(['192.0.0.170', '192.0.0.171']);
			expect(h.aaaa.status).toBe('NODATA');
		});
	});

	describe('transport and exit codes', () => {
		it('--tcp: both families go over TCP', async () => {
			const run = await lookup(['dual.he6.test'], ['--tcp']);
			expect(run.code, run.stderr).toBe(0);
			const h = get(run.hosts, 'dual.he6.test');
			expect([h.a.transport, h.aaaa.transport]).toEqual(['tcp', 'tcp']);
			expect([h.a.status, h.aaaa.status]).toEqual(['NOERROR', 'NOERROR']);
		});

		it('exits 2 when one host is invalid and the others are answered', async () => {
			const run = await lookup(['github.com', 'a..b']);
			expect(run.code, run.stderr).toBe(2);
			expect(get(run.hosts, 'a..b').a.status).toBe('INVALID');
			expect(get(run.hosts, 'github.com').a.status).toBe('NOERROR');
		});

		it('exits 9 when no resolver answers (nothing listens on 127.0.0.1:1)', async () => {
			const result = await runCli(['--json', '--no-search', '--timeout', '0.3', '--attempts', '1', '@127.0.0.1:1', 'github.com']);
			expect(result.code, result.stderr).toBe(9);
			const [h] = parse(result.stdout);
			expect(['TIMEOUT', 'ERROR']).toContain(h?.a.status);
			expect(['TIMEOUT', 'ERROR']).toContain(h?.aaaa.status);
			expect(h?.a.server).toBeNull();
			expect(h?.verdict).toBe('error');
		});
	});
}
