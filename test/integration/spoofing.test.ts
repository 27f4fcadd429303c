// RFC 5452: forged replies racing the real one, from the server's own address and port, are never accepted.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {ZoneServer} from '../../src/demo/zone-server.js';
import {dualStack, startScripted} from '../support/scripted-server.js';
import {runCli} from '../support/cli.js';

const servers: ZoneServer[] = [];
afterAll(async () => {
	await Promise.all(servers.map((s) => s.close()));
});
const resolvConf = join(mkdtempSync(join(tmpdir(), 'he6-spoof-')), 'resolv.conf');
writeFileSync(resolvConf, '');

/** Every other id (65,535 replies), each carrying a forged address in place of the real one. */
function everyOtherId(reply: Buffer): Buffer[] {
	const realId = reply.readUInt16BE(0);
	const forged: Buffer[] = [];
	const poisoned = Buffer.from(reply);
	// The A RDATA is the last 4 bytes when there is no OPT; find 192.0.2.1 and replace it with 6.6.6.6.
	const at = poisoned.indexOf(Buffer.from([192, 0, 2, 1]));
	if (at >= 0) poisoned.set([6, 6, 6, 6], at);
	for (let id = 0; id < 65536; id++) {
		if (id === realId) continue;
		const copy = Buffer.from(poisoned);
		copy.writeUInt16BE(id, 0);
		forged.push(copy);
	}
	return forged;
}

/** The right id but another question (a forged reply for a name the client did not ask). */
function wrongQuestion(reply: Buffer): Buffer[] {
	const copy = Buffer.from(reply);
	const at = copy.indexOf(Buffer.from('spoof'));
	if (at >= 0) copy.write('sp00f', at);
	return [copy];
}

describe('a racing spoofer (RFC 5452)', () => {
	it('65,535 forged replies with every other id arrive first: none is accepted, all are counted', async () => {
		// The real reply a second after the last forged one has left: time for the client to empty its
		// receive buffer even on a loaded machine (else the reply can be dropped on a full buffer: a timeout).
		const server = await startScripted(dualStack('spoof.test'), {'spoof.test/A': {kind: 'spoof-first', forge: everyOtherId, then: {kind: 'delay', ms: 1000}}});
		servers.push(server);
		const run = await runCli(['--json', '--resolv-conf', resolvConf, '--no-dns64', '--timeout', '8', '--attempts', '1', `@127.0.0.1:${server.endpoint.port}`, 'spoof.test.'], {timeoutMs: 60_000});
		const host = JSON.parse(run.stdout.trim()) as {a: {status: string; addresses: {address: string}[]; mismatched: number}};
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.addresses).toEqual([{address: '192.0.2.1', ttl: 300}]);
		// The kernel drops much of a 65k burst on a full receive buffer (about a third got through on an
		// idle machine, fewer under load); every one that arrived was refused.
		expect(host.a.mismatched).toBeGreaterThan(100);
		expect(host.a.mismatched).toBeLessThanOrEqual(65535);
	}, 90_000);

	it('a forged reply with the right id but another question is refused; the real one is taken', async () => {
		const server = await startScripted(dualStack('spoof.test'), {'spoof.test/A': {kind: 'spoof-first', forge: wrongQuestion}});
		servers.push(server);
		const run = await runCli(['--json', '--resolv-conf', resolvConf, '--no-dns64', `@127.0.0.1:${server.endpoint.port}`, 'spoof.test.']);
		const host = JSON.parse(run.stdout.trim()) as {a: {status: string; addresses: {address: string}[]; mismatched: number}};
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.mismatched).toBe(1);
	});
});
