// The addon's route lookups against connect() in a test host with policy routing, unreachable, blackhole and prohibit routes.
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {canMakeNamespaces, makeHost, type TestHost} from '../support/netns.js';
import {compareCommand, expectedRouted, type ProbeComparison} from '../support/probe-routes.js';

// Namespaces need root and iproute2; CI runs as root, so there this must not be skipped.
const able = canMakeNamespaces();
if (!able && process.env.CI) throw new Error('CI must run the network-namespace tests: run as root with iproute2 installed');
const built = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'udp-batch.node');
// CI builds the addon (the global setup fails there without it).
const suite = able && existsSync(built) ? describe : describe.skip;
const why = !able ? 'needs root and iproute2' : `${built} not built (npm run build needs a C compiler)`;

/** Where each route sends the probe (comments), chosen so a route lookup that dropped the probe's UDP port 9 would differ. */
const destinations = [
	'192.0.2.7', // policy: UDP to port 9 for 192.0.2.0/24 takes table 100, source 198.51.100.3
	'2001:db8:5::7', // policy: the same for 2001:db8:5::/48, source 2001:db8:1::3
	'198.51.100.9', // on-link, the subnet's primary address
	'198.51.100.255', // the subnet's broadcast: connect() refuses it (EACCES)
	'203.0.113.1', // unreachable route
	'203.0.113.130', // blackhole route
	'203.0.113.200', // prohibit route
	'8.8.8.8', // the default route
	'2001:db8:1::9', // on-link IPv6
	'2001:db8:dead::1', // unreachable IPv6 route
	'2606:4700::1', // the IPv6 default route
	'198.51.100.3', // a local address
	'2001:db8:1::3', // a local IPv6 address
	'::ffff:c633:6409', // v4-mapped 198.51.100.9: connect() goes over IPv4
];

suite(able && existsSync(built) ? 'Source(D) by route lookups in a test host' : `Source(D) by route lookups in a test host (skipped: ${why})`, () => {
	let host: TestHost;
	let routes: ProbeComparison;

	const compare = (env: Record<string, string> = {}): ProbeComparison => {
		const [program = '', ...args] = compareCommand(built, destinations);
		const run = host.run(['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), program, ...args]);
		if (run.code !== 0) throw new Error(`probe-compare exited ${run.code}: ${run.stderr}`);
		return JSON.parse(run.stdout) as ProbeComparison;
	};

	beforeAll(() => {
		host = makeHost('rt', {ipv6: {address: '2001:db8:1::2', prefixLen: 64, defaultRoute: true}, ipv4: {address: '198.51.100.2', prefixLen: 24, gateway: '198.51.100.1'}});
		const ip = (...args: string[]): void => {
			execFileSync('ip', ['-n', host.name, ...args], {stdio: ['ignore', 'ignore', 'pipe']});
		};
		ip('addr', 'add', '198.51.100.3/24', 'dev', 'eth0');
		ip('addr', 'add', '2001:db8:1::3/64', 'dev', 'eth0', 'nodad');
		ip('rule', 'add', 'to', '192.0.2.0/24', 'ipproto', 'udp', 'dport', '9', 'lookup', '100');
		ip('route', 'add', '192.0.2.0/24', 'via', '198.51.100.1', 'dev', 'eth0', 'src', '198.51.100.3', 'table', '100');
		ip('-6', 'rule', 'add', 'to', '2001:db8:5::/48', 'ipproto', 'udp', 'dport', '9', 'lookup', '100');
		ip('-6', 'route', 'add', '2001:db8:5::/48', 'dev', 'eth0', 'src', '2001:db8:1::3', 'table', '100');
		ip('route', 'add', 'unreachable', '203.0.113.0/25');
		ip('route', 'add', 'blackhole', '203.0.113.128/26');
		ip('route', 'add', 'prohibit', '203.0.113.192/26');
		ip('-6', 'route', 'add', 'unreachable', '2001:db8:dead::/48');
		routes = compare();
	});
	afterAll(() => host?.destroy());

	it('gives what a fresh socket gets for every destination', () => {
		expect(routes.probed).toEqual(routes.fresh);
	});

	it('follows the rules that match the probe’s UDP port 9, as connect() does', () => {
		expect([routes.fresh['192.0.2.7'], routes.fresh['2001:db8:5::7']]).toEqual(['198.51.100.3', '2001:db8:1::3']);
		expect([routes.fresh['8.8.8.8'], routes.fresh['2606:4700::1']]).toEqual(['198.51.100.2', expect.stringMatching(/^2001:db8:1::[23]$/)]);
	});

	it('answers the plain unicast ones by route lookup and leaves the rest to connect', () => {
		for (const d of ['198.51.100.255', '203.0.113.1', '203.0.113.130', '203.0.113.200', '2001:db8:dead::1']) expect([d, routes.fresh[d]]).toEqual([d, null]);
		expect(expectedRouted(routes)).toContain('192.0.2.7');
		expect(routes.routed).toBe(expectedRouted(routes).length);
	});

	it('gives the same with the route lookups switched off (HE6_DNS_PROBE=connect)', () => {
		const connected = compare({HE6_DNS_PROBE: 'connect'});
		expect(connected.routed).toBe(0);
		expect(connected.probed).toEqual(routes.fresh);
	});
});
