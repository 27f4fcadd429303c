// The built CLI against our own madns: each misbehaviour of a resolver ends in its named outcome.
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {ReceivedQuery, ZoneRecord, ZoneServer} from '../../src/demo/zone-server.js';
import {
	chainOf,
	closedPort,
	cutRecordData,
	dualStack,
	firstOnly,
	queriesFor,
	startScripted,
	wrongId,
	wrongQuestionName,
	wrongQuestionType,
	type ScriptTable,
} from '../support/scripted-server.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** One family in the NDJSON contract (report/json.ts). */
interface FamilyJson {
	readonly status: string;
	readonly qname: string;
	readonly chain: readonly {readonly name: string; readonly target: string; readonly ttl: number}[];
	readonly addresses: readonly {readonly address: string; readonly ttl: number}[];
	readonly soa: unknown;
	readonly server: string | null;
	readonly transport: 'udp' | 'tcp' | null;
	readonly rttMs: number | null;
	readonly queries: number;
	readonly mismatched: number;
	readonly problem: ({readonly kind: string} & Record<string, unknown>) | null;
}

interface HostJson {
	readonly name: string;
	readonly a: FamilyJson;
	readonly aaaa: FamilyJson;
	readonly verdict: string;
	readonly reason: string;
}

interface CliRun {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly hosts: HostJson[];
}

// Decision: an empty resolv.conf, so the machine's options (single-request, rotate, search, ndots)
// cannot change what the server sees; names end in a dot so no search suffix is ever tried.
let scratch = '';
let resolvConf = '';
beforeAll(() => {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
	scratch = mkdtempSync(join(tmpdir(), 'he6-faults-'));
	resolvConf = join(scratch, 'resolv.conf');
	writeFileSync(resolvConf, '# empty: glibc defaults; servers come from @server\n');
});
afterAll(() => {
	if (scratch !== '') rmSync(scratch, {recursive: true, force: true});
});

let servers: ZoneServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map((s) => s.close()));
	servers = [];
});

async function scripted(records: readonly ZoneRecord[], table: ScriptTable = {}): Promise<ZoneServer> {
	const server = await startScripted(records, table);
	servers.push(server);
	return server;
}

/** Runs `node dist/cli.js --json --timeout 0.5 --attempts 1 @127.0.0.1:PORT NAME`; never throws on a non-zero exit. */
function runCli(port: number, name: string, extra: readonly string[] = []): Promise<CliRun> {
	const args = [cli, '--json', '--timeout', '0.5', '--attempts', '1', '--resolv-conf', resolvConf, ...extra, `@127.0.0.1:${port}`, name];
	const env: NodeJS.ProcessEnv = {...process.env, CI: '1', NO_COLOR: '1'};
	delete env.RES_OPTIONS;
	delete env.LOCALDOMAIN;
	return new Promise((resolve) => {
		const child = execFile(process.execPath, args, {env, timeout: 20_000}, (_error, stdout, stderr) => {
			const hosts = stdout
				.split('\n')
				.filter((line) => line.trim() !== '')
				.map((line) => JSON.parse(line) as HostJson);
			resolve({code: child.exitCode, stdout, stderr, hosts});
		});
	});
}

/** The single host of a run, with the run's output in the failure message when it is missing. */
function only(run: CliRun): HostJson {
	const host = run.hosts[0];
	if (run.hosts.length !== 1 || host === undefined) throw new Error(`expected one host, got ${run.hosts.length}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
	return host;
}

const at = (server: ZoneServer): string => `127.0.0.1:${server.endpoint.port}`;

describe('he6-dns against a misbehaving resolver', () => {
	test('1. the AAAA of the pair dropped: AAAA TIMEOUT, A NOERROR, exit 2', async () => {
		const server = await scripted(dualStack('pair.test'), {'pair.test/AAAA': {kind: 'drop'}});
		const run = await runCli(server.endpoint.port, 'pair.test.');
		const host = only(run);
		expect(host.aaaa.status).toBe('TIMEOUT');
		expect(host.aaaa.problem?.kind).toBe('timeout');
		expect(host.aaaa.server).toBeNull();
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.addresses).toEqual([{address: '192.0.2.1', ttl: 300}]);
		expect(host.a.server).toBe(at(server));
		expect(run.code).toBe(2);
	});

	test('2a. a reply 800 ms late with --timeout 0.5 is a TIMEOUT', async () => {
		const server = await scripted(dualStack('slow.test'), {'slow.test/*': {kind: 'delay', ms: 800}});
		const host = only(await runCli(server.endpoint.port, 'slow.test.'));
		expect([host.a.status, host.aaaa.status]).toEqual(['TIMEOUT', 'TIMEOUT']);
	});

	test('2b. a reply 100 ms late is NOERROR with rttMs >= 100', async () => {
		const server = await scripted(dualStack('slow.test'), {'slow.test/*': {kind: 'delay', ms: 100}});
		const host = only(await runCli(server.endpoint.port, 'slow.test.'));
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.rttMs).toBeGreaterThanOrEqual(100);
		expect(host.aaaa.rttMs).toBeGreaterThanOrEqual(100);
	});

	test('3. TC over UDP: the question is repeated over TCP and answered there', async () => {
		const server = await scripted(dualStack('big.test'), {'big.test/A': {kind: 'tc'}});
		const host = only(await runCli(server.endpoint.port, 'big.test.'));
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.transport).toBe('tcp');
		expect(host.a.addresses).toEqual([{address: '192.0.2.1', ttl: 300}]);
		expect(host.aaaa.transport).toBe('udp');
		expect(queriesFor(server, 'big.test', 'A').map((q) => q.transport)).toEqual(['udp', 'tcp']);
	});

	test('4. a reply with the wrong id is not accepted: TIMEOUT, mismatched >= 1', async () => {
		const server = await scripted(dualStack('id.test'), {'id.test/A': {kind: 'mutate', mutate: wrongId}});
		const host = only(await runCli(server.endpoint.port, 'id.test.'));
		expect(host.a.status).toBe('TIMEOUT');
		expect(host.a.mismatched).toBeGreaterThanOrEqual(1);
		expect(host.aaaa.status).toBe('NOERROR');
	});

	test('5. a reply to another question (name or type) is not accepted: TIMEOUT, mismatched >= 1', async () => {
		const server = await scripted(dualStack('question.test'), {
			'question.test/A': {kind: 'mutate', mutate: wrongQuestionName}, // zuestion.test: same length
			'question.test/AAAA': {kind: 'mutate', mutate: wrongQuestionType(1)}, // says A
		});
		const host = only(await runCli(server.endpoint.port, 'question.test.'));
		expect([host.a.status, host.aaaa.status]).toEqual(['TIMEOUT', 'TIMEOUT']);
		expect(host.a.mismatched).toBeGreaterThanOrEqual(1);
		expect(host.aaaa.mismatched).toBeGreaterThanOrEqual(1);
	});

	test('6. a reply from another port is not accepted: TIMEOUT, mismatched >= 1', async () => {
		const server = await scripted(dualStack('port.test'), {'port.test/A': {kind: 'from-other-port'}});
		const host = only(await runCli(server.endpoint.port, 'port.test.'));
		expect(host.a.status).toBe('TIMEOUT');
		expect(host.a.mismatched).toBeGreaterThanOrEqual(1);
		expect(host.aaaa.status).toBe('NOERROR');
	});

	test('7. an A record cut 2 bytes short (header unchanged) is an ERROR: malformed-reply', async () => {
		const server = await scripted(dualStack('cut.test'), {'cut.test/A': {kind: 'mutate', mutate: cutRecordData(1, 2)}});
		const host = only(await runCli(server.endpoint.port, 'cut.test.'));
		expect(host.a.status).toBe('ERROR');
		expect(host.a.problem?.kind).toBe('malformed-reply');
		expect(host.aaaa.status).toBe('NOERROR');
	});

	test('8. a CNAME loop in one answer is an ERROR: cname-loop', async () => {
		const server = await scripted([
			{name: 'a.loop.test', type: 'CNAME', ttl: 60, data: 'b.loop.test'},
			{name: 'b.loop.test', type: 'CNAME', ttl: 60, data: 'a.loop.test'},
		]);
		const host = only(await runCli(server.endpoint.port, 'a.loop.test.'));
		for (const family of [host.a, host.aaaa]) {
			expect(family.status).toBe('ERROR');
			expect(family.problem?.kind).toBe('cname-loop');
		}
	});

	test('9. a 20-hop chain in one answer is an ERROR: chain-too-long', async () => {
		const server = await scripted(chainOf(20, 'h', 'long.test'));
		const host = only(await runCli(server.endpoint.port, 'h0.long.test.'));
		for (const family of [host.a, host.aaaa]) {
			expect(family.status).toBe('ERROR');
			expect(family.problem?.kind).toBe('chain-too-long');
		}
	});

	test('10a. SERVFAIL is the status SERVFAIL, and exit 0: the resolver answered', async () => {
		const server = await scripted(dualStack('fail.test'), {'fail.test/*': {kind: 'rcode', rcode: 'SERVFAIL'}});
		const run = await runCli(server.endpoint.port, 'fail.test.');
		const host = only(run);
		expect([host.a.status, host.aaaa.status]).toEqual(['SERVFAIL', 'SERVFAIL']);
		expect(host.a.server).toBe(at(server));
		expect(run.code).toBe(0);
	});

	test('10b. REFUSED is the status REFUSED, and exit 0', async () => {
		const server = await scripted(dualStack('refused.test'), {'refused.test/*': {kind: 'rcode', rcode: 'REFUSED'}});
		const run = await runCli(server.endpoint.port, 'refused.test.');
		const host = only(run);
		expect([host.a.status, host.aaaa.status]).toEqual(['REFUSED', 'REFUSED']);
		expect(run.code).toBe(0);
	});

	test('11. a CNAME left unanswered without an SOA: the client asks for the target itself', async () => {
		const cname: ZoneRecord = {name: 'www.follow.test', type: 'CNAME', ttl: 77, data: 'edge.follow.test'};
		const server = await scripted(dualStack('edge.follow.test'), {'www.follow.test/*': {kind: 'records', answers: [cname]}});
		const host = only(await runCli(server.endpoint.port, 'www.follow.test.'));
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.chain).toEqual([{name: 'www.follow.test', target: 'edge.follow.test', ttl: 77}]);
		expect(host.a.addresses).toEqual([{address: '192.0.2.1', ttl: 300}]);
		expect(host.a.queries).toBeGreaterThanOrEqual(2);
		expect(queriesFor(server, 'edge.follow.test', 'A')).toHaveLength(1);
		expect(host.aaaa.status).toBe('NOERROR');
		expect(queriesFor(server, 'edge.follow.test', 'AAAA')).toHaveLength(1);
	});

	test('12. a dead server: exit 9, both families failed with a problem', async () => {
		const port = await closedPort();
		const run = await runCli(port, 'dead.test.');
		const host = only(run);
		for (const family of [host.a, host.aaaa]) {
			// Linux does not report ICMP port unreachable to an unconnected UDP socket, so TIMEOUT is
			// expected here; a network ERROR is the other honest outcome.
			expect(['TIMEOUT', 'ERROR']).toContain(family.status);
			if (family.status === 'ERROR') expect(family.problem?.kind).toBe('network');
			expect(family.problem).not.toBeNull();
		}
		expect(run.code).toBe(9);
	});
});

describe('names with master-file specials', () => {
	test('15. a name with @ and ( ) is sent and matched in its escaped form: NOERROR, nothing mismatched', async () => {
		const server = await scripted(dualStack('we\\@ird\\(1\\).test'));
		const host = only(await runCli(server.endpoint.port, 'we@ird(1).test.'));
		expect(host.name).toBe('we\\@ird\\(1\\).test');
		expect(host.a.status).toBe('NOERROR');
		expect(host.a.mismatched).toBe(0);
		expect(host.aaaa.status).toBe('NOERROR');
	});
});

describe('TCP trouble', () => {
	test('14. a TCP reply closed mid-message (after TC over UDP) is an ERROR: network, naming the cut', async () => {
		const server = await scripted(dualStack('cut.test'), {'cut.test/A': {kind: 'close-tcp-mid-message'}});
		const run = await runCli(server.endpoint.port, 'cut.test.');
		const host = only(run);
		expect(host.a.status).toBe('ERROR');
		expect(host.a.problem?.kind).toBe('network');
		expect(String(host.a.problem?.['detail'])).toMatch(/mid-message/);
		expect(queriesFor(server, 'cut.test', 'A').map((q) => q.transport)).toEqual(['udp', 'tcp']);
		expect(host.aaaa.status).toBe('NOERROR');
		expect(run.code).toBe(2);
	});
});

describe('how the A and AAAA leave, as getaddrinfo sends them', () => {
	const pairOf = (server: ZoneServer): {a: ReceivedQuery; aaaa: ReceivedQuery} => {
		const [a] = queriesFor(server, 'pair.test', 'A');
		const [aaaa] = queriesFor(server, 'pair.test', 'AAAA');
		if (a === undefined || aaaa === undefined) throw new Error(`the server saw ${JSON.stringify(server.queries)}`);
		return {a, aaaa};
	};

	test('13a. by default both come from the same client port, back to back', async () => {
		const server = await scripted(dualStack('pair.test'));
		const host = only(await runCli(server.endpoint.port, 'pair.test.'));
		expect([host.a.status, host.aaaa.status]).toEqual(['NOERROR', 'NOERROR']);
		const {a, aaaa} = pairOf(server);
		expect(aaaa.clientPort).toBe(a.clientPort);
		expect(Math.abs(aaaa.receivedAt - a.receivedAt)).toBeLessThan(50);
	});

	test('13b. with --single-request the AAAA leaves only after the A is answered, on the same port', async () => {
		const delayMs = 200;
		const server = await scripted(dualStack('pair.test'), {'pair.test/A': firstOnly({kind: 'delay', ms: delayMs})});
		const host = only(await runCli(server.endpoint.port, 'pair.test.', ['--single-request']));
		expect([host.a.status, host.aaaa.status]).toEqual(['NOERROR', 'NOERROR']);
		const {a, aaaa} = pairOf(server);
		expect(aaaa.clientPort).toBe(a.clientPort);
		expect(aaaa.receivedAt - a.receivedAt).toBeGreaterThanOrEqual(delayMs);
	});

	test('13c. with --single-request-reopen the AAAA comes from a new socket', async () => {
		const server = await scripted(dualStack('pair.test'));
		const host = only(await runCli(server.endpoint.port, 'pair.test.', ['--single-request-reopen']));
		expect([host.a.status, host.aaaa.status]).toEqual(['NOERROR', 'NOERROR']);
		const {a, aaaa} = pairOf(server);
		expect(aaaa.clientPort).not.toBe(a.clientPort);
	});
});
