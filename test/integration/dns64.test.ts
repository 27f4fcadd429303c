// DNS64 awareness against a real DNS64 resolver (Unbound `dns64 iterator`, 64:ff9b::/96) in front of Knot.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, inject, it} from 'vitest';
import {runCli} from '../support/cli.js';

const dns64 = inject('unbound64');
const plain = inject('unbound');
const suite = dns64 === null || plain === null ? describe.skip : describe;

// A what-if host with IPv6 and IPv4 sources, so the verdict does not depend on the machine running the test.
let sources = '';
beforeAll(() => {
	sources = join(mkdtempSync(join(tmpdir(), 'he6-dns64-')), 'sources.json');
	writeFileSync(sources, JSON.stringify({sources: {'::/0': '2001:470:1f1c:666::2', '0.0.0.0/0': '10.104.229.189'}, attrs: {'2001:470:1f1c:666::2': {prefixLen: 64}}}));
});

interface HostJson {
	readonly verdict: string;
	readonly reason: string;
	readonly aaaa: {readonly status: string; readonly addresses: readonly {address: string}[]};
	readonly selection: {readonly order: readonly {address: string; synthesized: string | null}[]} | null;
}

async function lookup(server: {address: string; port: number}, name: string): Promise<HostJson> {
	const run = await runCli(['--json', '--no-search', '--stack', 'glibc', '--gai-conf', '/dev/null', '--sources', sources, `@${server.address}:${server.port}`, name]);
	expect(run.stderr).toBe('');
	return JSON.parse(run.stdout.trim()) as HostJson;
}

suite(dns64 === null ? 'DNS64 (skipped: knot and unbound are not installed)' : 'DNS64 (RFC 7050 discovery through ipv4only.arpa)', () => {
	it('an A-only name through the DNS64 resolver gets a synthesized AAAA: verdict synthetic, prefix shown', async () => {
		const host = await lookup(dns64 as {address: string; port: number}, 'a-only.he6.test');
		expect(host.aaaa.addresses).toEqual([{address: '64:ff9b::c000:201', ttl: expect.any(Number)}]);
		expect(host.verdict).toBe('synthetic');
		expect(host.reason).toContain('64:ff9b::/96');
		expect(host.selection?.order.find((r) => r.address === '64:ff9b::c000:201')?.synthesized).toBe('64:ff9b::/96');
	});

	it('the same name through the plain resolver is not-migrated (AAAA NODATA)', async () => {
		const host = await lookup(plain as {address: string; port: number}, 'a-only.he6.test');
		expect(host.aaaa.status).toBe('NODATA');
		expect(host.verdict).toBe('not-migrated');
	});

	it('a name with a real AAAA stays migrated through the DNS64 resolver', async () => {
		const host = await lookup(dns64 as {address: string; port: number}, 'www.linkedin.com');
		expect(host.verdict).toBe('migrated');
		expect(host.selection?.order[0]).toMatchObject({address: '2a04:f540:1::b93f:930a', synthesized: null});
	});
});
