// Unknown RR types (RFC 3597) and hostile bytes off the wire through the built CLI: lookup JSON and text, batch NDJSON and CSV, capture text and JSON.
import dgram from 'node:dgram';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import dnsPacket from 'dns-packet';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {encodeQuery} from '../../src/wire/codec.js';
import {linktype} from '../../src/capture/link.js';
import {pcapHeader, pcapRecord} from '../../src/capture/pcap-file.js';
import {parseCsvLine, csvColumns} from '../../src/batch/csv.js';
import type {ZoneServer} from '../../src/demo/zone-server.js';
import {cliPath, runCli} from '../support/cli.js';
import {frameAt, link, udpPacket} from '../support/capture-frames.js';
import {startScripted} from '../support/scripted-server.js';
import {controlBytes, evilMname, evilRname, evilTarget, evilTxtShown, expectedOther, httpsRdata, oddRecords, oddTable} from '../support/odd-records.js';

let server: ZoneServer;
let scratch = '';
let resolvConf = '';
beforeAll(async () => {
	if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
	server = await startScripted(oddRecords, oddTable);
	scratch = mkdtempSync(join(tmpdir(), 'he6-odd-'));
	resolvConf = join(scratch, 'resolv.conf');
	// Empty: glibc defaults, no search list; the server comes from @server.
	writeFileSync(resolvConf, '');
});
afterAll(async () => {
	await server.close();
	if (scratch !== '') rmSync(scratch, {recursive: true, force: true});
});

const at = (): string => `@127.0.0.1:${server.endpoint.port}`;
const names = ['mixed.rr.test.', 'alias.rr.test.', 'odd.rr.test.', 'evil.rr.test.'];
const lookup = (args: readonly string[]) => runCli(['--resolv-conf', resolvConf, '--timeout', '1', '--attempts', '1', '--stack', 'glibc', ...args, at(), ...names]);

interface Family {
	readonly status: string;
	readonly chain: readonly {readonly target: string}[];
	readonly addresses: readonly {readonly address: string}[];
	readonly soa: {readonly mname: string; readonly rname: string} | null;
	readonly otherRecords: readonly unknown[];
	readonly problem: unknown;
}
interface Host {
	readonly name: string;
	readonly a: Family;
	readonly aaaa: Family;
}

/** The checks every name gets, whichever JSON it came in (lookup or batch). */
function checkHosts(hosts: readonly Host[]): void {
	const by = new Map(hosts.map((h) => [h.name, h]));
	const mixed = by.get('mixed.rr.test');
	// The odd records are evidence; the addresses still decide (no ERROR from dns-packet's readers).
	expect(mixed?.a).toMatchObject({status: 'NOERROR', addresses: [{address: '192.0.2.10'}], otherRecords: expectedOther.mixedA, problem: null});
	expect(mixed?.aaaa).toMatchObject({status: 'NOERROR', addresses: [{address: '2001:db8::10'}], otherRecords: expectedOther.mixedAaaa});
	const alias = by.get('alias.rr.test');
	expect(alias?.a).toMatchObject({status: 'NODATA', chain: [{target: 'svc.rr.test'}], otherRecords: expectedOther.alias});
	expect(alias?.aaaa).toMatchObject({status: 'NODATA', otherRecords: expectedOther.alias});
	expect(by.get('odd.rr.test')?.aaaa).toMatchObject({status: 'NODATA', otherRecords: expectedOther.oddAaaa});
	const evil = by.get('evil.rr.test');
	expect(evil?.a).toMatchObject({status: 'NOERROR', chain: [{target: evilTarget}], addresses: [{address: '192.0.2.66'}], otherRecords: expectedOther.evilA});
	expect(evil?.aaaa).toMatchObject({status: 'NODATA', soa: {mname: evilMname, rname: evilRname}, otherRecords: []});
}

const lines = (stdout: string): unknown[] =>
	stdout
		.split('\n')
		.filter((l) => l !== '')
		.map((l) => JSON.parse(l) as unknown);

describe('he6-dns lookup', () => {
	test('--json: unknown types as TYPEn with `\\# len hex`, hostile names and TXT escaped, no control byte in the output', async () => {
		const run = await lookup(['--json']);
		expect(run.code, run.stderr).toBe(0);
		checkHosts(lines(run.stdout) as Host[]);
		expect(run.stdout).not.toMatch(controlBytes);
	});

	test('plain text: the records as zone-file rows (RFC 3597 §5), escaped as dig does', async () => {
		const run = await lookup([]);
		expect(run.code, run.stderr).toBe(0);
		const out = run.stdout;
		expect(out).toMatch(new RegExp(`mixed\\.rr\\.test\\.\\s+300\\s+IN\\s+TYPE65\\s+\\\\# 10 ${httpsRdata}\\n`));
		expect(out).toMatch(/mixed\.rr\.test\.\s+300\s+IN\s+TYPE731\s+\\# 6 abcdef012345\n/);
		expect(out).toMatch(/mixed\.rr\.test\.\s+300\s+IN\s+TYPE46\s+\\# 1 ff\n/);
		expect(out).toMatch(/svc\.rr\.test\.\s+300\s+IN\s+TYPE65\s+\\# 10 /);
		// The authority record comes after the SOA, as dig orders the sections.
		expect(out).toMatch(/test\.\s+60\s+IN\s+SOA\s+ns\.test\. hostmaster\.test\. .*\n\s+odd\.rr\.test\.\s+300\s+IN\s+TYPE62347\s+\\# 0\n/);
		expect(out).toContain(`IN  CNAME  ${evilTarget}.`);
		expect(out).toContain(`TXT    ${evilTxtShown}`);
		expect(out).toContain(`SOA  ${evilMname}. ${evilRname}. 1 `);
		expect(out).not.toMatch(controlBytes);
	});
});

describe('he6-dns batch', () => {
	test('NDJSON records carry the same evidence; CSV cells are escaped and never start a formula', async () => {
		const list = join(scratch, 'names.txt');
		writeFileSync(list, names.join('\n') + '\n');
		const common = ['batch', '--resolv-conf', resolvConf, '--timeout', '1', '--retries', '0', '--stack', 'glibc', at()];
		const ndjson = await runCli([...common, list]);
		expect(ndjson.code, ndjson.stderr).toBe(0);
		checkHosts(lines(ndjson.stdout) as Host[]);
		expect(ndjson.stdout).not.toMatch(controlBytes);

		const csv = await runCli([...common, '--format', 'csv', list]);
		expect(csv.code, csv.stderr).toBe(0);
		expect(csv.stdout).not.toMatch(controlBytes);
		const rows = csv.stdout.trimEnd().split('\n').map(parseCsvLine);
		expect(rows[0]).toEqual([...csvColumns]);
		const cell = (name: string, column: (typeof csvColumns)[number]): string | undefined => rows.find((r) => r[4] === name)?.[csvColumns.indexOf(column)];
		expect(cell('mixed.rr.test', 'a_other')).toBe(expectedOther.mixedA.map((r) => `${r.name} ${r.type} ${r.data}`).join(' | '));
		expect(cell('odd.rr.test', 'aaaa_other')).toBe('odd.rr.test TYPE62347 \\# 0');
		// The hostile CNAME target leads its cell with `=`: prefixed with a quote (OWASP), escaped as in every view.
		expect(cell('evil.rr.test', 'a_chain')).toBe(`'${evilTarget}`);
		expect(cell('evil.rr.test', 'a_other')).toBe(`evil.rr.test TXT ${evilTxtShown}`);
		for (const row of rows) for (const value of row) expect(value, `cell ${value}`).not.toMatch(/^[=+\-@\t\r]/);
	});
});

/** The server's reply to `query`, as bytes (to record into a capture file). */
function ask(query: Uint8Array): Promise<Buffer> {
	const socket = dgram.createSocket('udp4');
	return new Promise((resolve, reject) => {
		socket.on('message', (reply) => {
			socket.close();
			resolve(reply);
		});
		socket.on('error', reject);
		socket.send(query, server.endpoint.port, '127.0.0.1');
	});
}

describe('he6-dns capture -r', () => {
	test('text and JSON show TYPEn questions and records, and hostile names and TXT escaped', async () => {
		const raw = (id: number, name: string, type: string): Uint8Array =>
			dnsPacket.encode({type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{name, type: type as 'A', class: 'IN'}]});
		const queries = [raw(1, 'svc.rr.test', 'TYPE65'), encodeQuery({id: 2, name: 'evil.rr.test', type: 'A', edns: false, ad: false}), raw(3, 'evil.rr.test', 'TXT'), encodeQuery({id: 4, name: 'mixed.rr.test', type: 'A', edns: false, ad: false})];
		const ports = {source: '127.0.0.1', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 53};
		const back = {source: '127.0.0.1', sourcePort: 53, destination: '127.0.0.1', destinationPort: 40000};
		const chunks = [pcapHeader({linktype: linktype.ethernet})];
		let time = Date.UTC(2026, 0, 1);
		for (const query of queries) {
			const reply = await ask(query);
			chunks.push(pcapRecord(frameAt((time += 10), linktype.ethernet, link(linktype.ethernet, udpPacket(ports, query)))));
			chunks.push(pcapRecord(frameAt((time += 1), linktype.ethernet, link(linktype.ethernet, udpPacket(back, reply)))));
		}
		const file = join(scratch, 'odd.pcap');
		writeFileSync(file, Buffer.concat(chunks));

		const text = await runCli(['capture', '-r', file], {env: {TZ: 'UTC'}});
		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toContain(`TYPE65? svc.rr.test. → 1 TYPE65 \\# 10 ${httpsRdata}`);
		expect(text.stdout).toContain(`TXT? evil.rr.test. → 1 TXT ${evilTxtShown}`);
		expect(text.stdout).toContain('A? evil.rr.test. → 3 (1 CNAME) A 192.0.2.66');
		expect(text.stdout).not.toMatch(controlBytes);

		const json = await runCli(['capture', '-r', file, '--json']);
		expect(json.code, json.stderr).toBe(0);
		expect(json.stdout).not.toMatch(controlBytes);
		const exchanges = lines(json.stdout).filter((e) => (e as {kind: string}).kind === 'exchange') as {id: number; qtype: string; answers: {name: string; type: string; data: string}[]}[];
		const byId = new Map(exchanges.map((e) => [e.id, e]));
		expect(byId.get(1)).toMatchObject({qtype: 'TYPE65', answers: [{type: 'TYPE65', data: `\\# 10 ${httpsRdata}`}]});
		expect(byId.get(2)?.answers).toEqual([
			{name: 'evil.rr.test', type: 'CNAME', ttl: 300, data: evilTarget},
			{name: evilTarget, type: 'A', ttl: 300, data: '192.0.2.66'},
			{name: 'evil.rr.test', type: 'TXT', ttl: 300, data: evilTxtShown},
		]);
		expect(byId.get(4)?.answers.map((r) => `${r.type} ${r.data}`)).toEqual(['A 192.0.2.10', ...expectedOther.mixedA.map((r) => `${r.type} ${r.data}`)]);
	});
});
