// Records beyond A/AAAA/CNAME/SOA from a real Unbound in front of Knot (fixtures/zones/he6.test.zone): a DNAME as evidence, HTTPS and an unknown type as RFC 3597 text.
import dgram from 'node:dgram';
import {describe, expect, inject, it} from 'vitest';
import dnsPacket from 'dns-packet';
import {decodeMessage} from '../../src/wire/codec.js';
import {rdataText} from '../../src/wire/rdata.js';
import {runCli} from '../support/cli.js';

const unbound = inject('unbound');

/** Unbound's reply to one question of type `type` (a TYPEn name or mnemonic), decoded by he6-dns's decoder. */
async function ask(server: {address: string; port: number}, name: string, type: string): Promise<string[]> {
	const socket = dgram.createSocket('udp4');
	const query = dnsPacket.encode({type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{name, type: type as 'A', class: 'IN'}]});
	const reply = await new Promise<Buffer>((resolve, reject) => {
		socket.on('message', resolve);
		socket.on('error', reject);
		socket.send(query, server.port, server.address);
	}).finally(() => socket.close());
	const decoded = decodeMessage(reply);
	if (!decoded.ok) throw new Error(`reply not decoded: ${JSON.stringify(decoded.error)}`);
	return decoded.value.answers.map((rr) => `${rr.name} ${rr.ttl} ${rr.class ?? ''} ${rr.type} ${rdataText(rr)}`);
}

if (unbound === null) {
	it.skip('real-resolver tests skipped: knotd and unbound are not installed (apt-get install knot unbound)', () => {});
} else {
	const server = `${unbound.address}:${unbound.port}`;
	describe('a real resolver', () => {
		it('a DNAME (RFC 6672) in the answer is shown as another record; the synthesized CNAME is the chain', async () => {
			const run = await runCli(['--json', '--no-search', '--stack', 'glibc', `@${server}`, 'target.dname.he6.test']);
			expect(run.code, run.stderr).toBe(0);
			const host = JSON.parse(run.stdout) as {a: unknown; aaaa: unknown};
			const dname = {section: 'answer', name: 'dname.he6.test', ttl: 300, class: 'IN', type: 'DNAME', data: 'other.test'};
			expect(host.a).toMatchObject({status: 'NOERROR', chain: [{name: 'target.dname.he6.test', target: 'target.other.test'}], addresses: [{address: '192.0.2.20'}], otherRecords: [dname]});
			expect(host.aaaa).toMatchObject({status: 'NOERROR', addresses: [{address: '2a0f:6:6::20'}], otherRecords: [dname]});
		});

		it("Knot's HTTPS and TYPE731 records come through as TYPEn with the zone's exact RDATA", async () => {
			expect(await ask(unbound, 'svc.he6.test', 'TYPE65')).toEqual(['svc.he6.test 300 IN TYPE65 \\# 10 00010000010003026833']);
			expect(await ask(unbound, 'svc.he6.test', 'TYPE731')).toEqual(['svc.he6.test 300 IN TYPE731 \\# 6 abcdef012345']);
		});
	});
}
