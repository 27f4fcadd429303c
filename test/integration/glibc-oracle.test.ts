// Our glibc stack against glibc itself: getaddrinfo's order (via dns.lookup, order 'verbatim') inside test hosts.
import {describe, expect, it} from 'vitest';
import {cliPath} from '../support/cli.js';
import {canMakeNamespaces, makeHost, type HostShape} from '../support/netns.js';

const able = canMakeNamespaces();
if (!able && process.env.CI) throw new Error('CI must run the glibc oracle tests: run as root with iproute2 installed');
const suite = able ? describe : describe.skip;

// One name with both families in the host's own /etc/hosts: getaddrinfo sorts them with rfc3484_sort.
const hosts = '2a04:f540:1::b93f:930a oracle.test\n185.63.147.10 oracle.test\n2002:c000:201::1 oracle.test\n';
const addresses = ['185.63.147.10', '2a04:f540:1::b93f:930a', '2002:c000:201::1'];
const dualStack: HostShape = {
	ipv6: {address: '2001:470:1f1c:666::2', prefixLen: 64, defaultRoute: true},
	ipv4: {address: '198.51.100.2', prefixLen: 24, gateway: '198.51.100.1'},
};
const lookupScript =
	"require('dns').lookup('oracle.test',{all:true,order:'verbatim'},(e,a)=>{if(e){console.error(e.code);process.exit(3)}console.log(JSON.stringify(a.map(x=>x.address)))})";

interface Case {
	readonly name: string;
	readonly shape: HostShape;
	readonly gaiConf: string;
	readonly first: string;
}

const cases: readonly Case[] = [
	{name: 'global IPv6 and IPv4, no gai.conf lines: IPv6 first (Rule 6, 40 > 10)', shape: dualStack, gaiConf: '', first: '2a04:f540:1::b93f:930a'},
	{name: 'the one-line gai.conf that prefers IPv4', shape: dualStack, gaiConf: 'precedence ::ffff:0:0/96 100\n', first: '185.63.147.10'},
	{
		name: 'only a ULA for IPv6: IPv4 first (Rule 5)',
		shape: {...dualStack, ipv6: {address: 'fd00:6:6::2', prefixLen: 64, defaultRoute: true}},
		gaiConf: '',
		first: '185.63.147.10',
	},
	{name: 'no IPv6 route: IPv4 first (Rule 1)', shape: {ipv4: dualStack.ipv4}, gaiConf: '', first: '185.63.147.10'},
];

suite(able ? 'he6-dns sort --stack glibc agrees with glibc getaddrinfo' : 'glibc oracle (skipped: needs root and iproute2)', () => {
	cases.forEach((c, i) => {
		it(c.name, () => {
			const host = makeHost(`or${i}`, {...c.shape, etc: {hosts, 'gai.conf': c.gaiConf}});
			try {
				const glibc = host.run([process.execPath, '-e', lookupScript]);
				expect(glibc.code, glibc.stderr).toBe(0);
				const glibcOrder = JSON.parse(glibc.stdout) as string[];
				const ours = host.run([process.execPath, cliPath, 'sort', '--json', '--stack', 'glibc', ...addresses]);
				expect(ours.code, ours.stderr).toBe(0);
				const ourOrder = (JSON.parse(ours.stdout) as {order: string[]}).order;
				expect(ourOrder).toEqual(glibcOrder);
				expect(ourOrder[0]).toBe(c.first);
				// Reversed input: same answer unless Rule 10 decided (no ties among these three).
				const reversed = host.run([process.execPath, cliPath, 'sort', '--json', '--stack', 'glibc', ...[...addresses].reverse()]);
				expect((JSON.parse(reversed.stdout) as {order: string[]}).order).toEqual(glibcOrder);
				// End to end: the lookup's verdict follows the same order (the host's own /etc/gai.conf).
				const demo = host.run([process.execPath, cliPath, 'demo', '--this-host', '--json', '--stack', 'glibc', 'www.linkedin.com']);
				const verdict = (JSON.parse(demo.stdout) as {verdict: string}).verdict;
				expect(verdict).toBe(c.first.includes(':') ? 'migrated' : 'v6-not-preferred');
			} finally {
				host.destroy();
			}
		});
	});
});
