// The kernel source probe for real: test hosts in network namespaces, each shaped like a kind of box.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cliPath} from '../support/cli.js';
import {canMakeNamespaces, makeHost, type TestHost} from '../support/netns.js';

// Namespaces need root and iproute2; CI runs as root, so there this must not be skipped.
const able = canMakeNamespaces();
if (!able && process.env.CI) throw new Error('CI must run the network-namespace tests: run as root with iproute2 installed');
const suite = able ? describe : describe.skip;

interface HostJson {
	readonly name: string;
	readonly verdict: string;
	readonly reason: string;
	readonly selection: {readonly stack: string; readonly chosen: string; readonly order: readonly {address: string; source: string | null; interface: string | null}[]} | null;
}

/** `he6-dns demo --this-host --json` inside the host: the demo resolver runs on that host's loopback. */
function demoIn(host: TestHost, ...names: string[]): HostJson[] {
	const run = host.run([process.execPath, cliPath, 'demo', '--this-host', '--json', '--stack', 'glibc', '--gai-conf', '/dev/null', ...names]);
	if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
	return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as HostJson);
}

suite(able ? 'test hosts in network namespaces' : 'test hosts in network namespaces (skipped: needs root and iproute2)', () => {
	const hosts: TestHost[] = [];
	let globalV6: TestHost;
	let ulaOnly: TestHost;
	let v4Only: TestHost;

	beforeAll(() => {
		// The seed's box: a global IPv6 address with a default route; no IPv4 route at all.
		globalV6 = makeHost('g6', {ipv6: {address: '2001:470:1f1c:666::2', prefixLen: 64, defaultRoute: true}});
		hosts.push(globalV6);
		// A box whose only IPv6 is a ULA, beside ordinary IPv4.
		ulaOnly = makeHost('ula', {ipv6: {address: 'fd00:6:6::2', prefixLen: 64, defaultRoute: true}, ipv4: {address: '198.51.100.2', prefixLen: 24, gateway: '198.51.100.1'}});
		hosts.push(ulaOnly);
		// An IPv4-only box: no IPv6 address, no IPv6 route.
		v4Only = makeHost('v4', {ipv4: {address: '198.51.100.3', prefixLen: 24, gateway: '198.51.100.1'}});
		hosts.push(v4Only);
	});
	afterAll(() => {
		for (const host of hosts) host.destroy();
	});

	it('a global IPv6 address and route: migrated, from that address', () => {
		const [linkedin] = demoIn(globalV6, 'www.linkedin.com');
		expect(linkedin?.verdict).toBe('migrated');
		expect(linkedin?.selection?.chosen).toBe('2a04:f540:1::b93f:930a');
		expect(linkedin?.selection?.order[0]).toMatchObject({source: '2001:470:1f1c:666::2', interface: 'eth0'});
		// No IPv4 route: the A answer has no source (Rule 1).
		expect(linkedin?.selection?.order[1]).toMatchObject({address: '185.63.147.10', source: null});
	});

	it('only a ULA: v6-not-preferred, IPv4 first by Rule 5 (glibc labels fc00::/7 apart from ::/0)', () => {
		const [linkedin] = demoIn(ulaOnly, 'www.linkedin.com');
		expect(linkedin?.verdict).toBe('v6-not-preferred');
		expect(linkedin?.selection?.chosen).toBe('185.63.147.10');
		expect(linkedin?.selection?.order).toEqual([
			{address: '185.63.147.10', family: 'A', source: '198.51.100.2', interface: 'eth0', synthesized: null},
			{address: '2a04:f540:1::b93f:930a', family: 'AAAA', source: 'fd00:6:6::2', interface: 'eth0', synthesized: null},
		]);
		expect(linkedin?.reason).toMatch(/Rule 5/);
	});

	it('no IPv6 route at all: v6-not-preferred by Rule 1, and github stays not-migrated', () => {
		const [linkedin, github] = demoIn(v4Only, 'www.linkedin.com', 'github.com');
		expect(linkedin?.verdict).toBe('v6-not-preferred');
		expect(linkedin?.reason).toMatch(/Rule 1/);
		expect(linkedin?.selection?.order[1]).toMatchObject({address: '2a04:f540:1::b93f:930a', source: null});
		expect(github?.verdict).toBe('not-migrated');
	});

	it('`sort` inside the host reports the kernel sources and the deciding rule', () => {
		const run = globalV6.run([process.execPath, cliPath, 'sort', '--json', '--stack', 'glibc', '--gai-conf', '/dev/null', '185.63.147.10', '2a04:f540:1::b93f:930a']);
		expect(run.code).toBe(0);
		const out = JSON.parse(run.stdout) as {order: string[]; decisions: {a: string; b: string; rule: number}[]};
		expect(out.order).toEqual(['2a04:f540:1::b93f:930a', '185.63.147.10']);
		expect(out.decisions).toEqual([{a: '2a04:f540:1::b93f:930a', b: '185.63.147.10', rule: 1}]);
	});
});
