// The recorded fixtures (fixtures/pcap, real dig/he6-dns traffic) replayed through the pipeline, cross-checked with tshark.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import type {CaptureEvent, ExchangeEvent, NameEvent, SummaryEvent} from '../../src/capture/events.js';
import {readPcap} from '../../src/capture/pcap-file.js';
import {replay} from '../../src/core/capture-pipeline.js';
import {installed} from '../support/resolvers.js';

const path = (name: string): string => new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname;

interface Replayed {
	readonly linktype: number;
	readonly exchanges: ExchangeEvent[];
	readonly names: NameEvent[];
	readonly summary: SummaryEvent;
}

async function replayFixture(name: string): Promise<Replayed> {
	const contents = readPcap(readFileSync(path(name)));
	expect(contents.error).toBeNull();
	const events: CaptureEvent[] = await replay(contents.frames);
	const summary = events.at(-1);
	if (summary?.kind !== 'summary') throw new Error('no summary last');
	return {
		linktype: contents.linktype,
		exchanges: events.filter((e): e is ExchangeEvent => e.kind === 'exchange'),
		names: events.filter((e): e is NameEvent => e.kind === 'name'),
		summary,
	};
}

/** What a test compares: no ports or ids (they change with every recording). */
const shape = (e: ExchangeEvent): unknown[] => [e.status, e.transport, e.client.startsWith('[') ? 6 : 4, e.qname, e.qtype, e.rcode, e.answers.map((r) => `${r.type} ${r.data}`)];

const portOf = (endpoint: string): string => endpoint.slice(endpoint.lastIndexOf(':') + 1);
const qtypeNumbers: Record<string, number> = {A: 1, AAAA: 28};

/**
 * tshark's own pairing of the file: one `id qname qtype` line per answered request (a response with
 * `dns.response_to`) and per request left without one. The servers' ports are decoded as DNS with
 * `-d` (tshark only knows 53 by itself); they are taken from the file's exchanges.
 */
function tsharkPairs(file: string, serverPorts: readonly string[]): {answered: string[]; unanswered: string[]} {
	const decodeAs = serverPorts.flatMap((p) => ['-d', `udp.port==${p},dns`, '-d', `tcp.port==${p},dns`]);
	const out = execFileSync('tshark', ['-r', file, ...decodeAs, '-Y', 'dns', '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.number', '-e', 'dns.id', '-e', 'dns.flags.response', '-e', 'dns.response_to', '-e', 'dns.qry.name', '-e', 'dns.qry.type'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const rows = out.trim().split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
	const answeredFrames = new Set(rows.filter((r) => r[2] === '1' && r[3] !== '').map((r) => r[3]));
	const key = (r: string[]): string => `${Number(r[1])} ${(r[4] ?? '').toLowerCase()} ${r[5]}`;
	const requests = rows.filter((r) => r[2] === '0');
	return {
		answered: requests.filter((r) => answeredFrames.has(r[0])).map(key).sort(),
		unanswered: requests.filter((r) => !answeredFrames.has(r[0])).map(key).sort(),
	};
}

const ours = (exchanges: readonly ExchangeEvent[], status: ExchangeEvent['status']): string[] =>
	exchanges.filter((e) => e.status === status).map((e) => `${e.id} ${(e.qname ?? '').toLowerCase()} ${qtypeNumbers[e.qtype ?? ''] ?? e.qtype}`).sort();

const fixtures = ['lo-udp.pcap', 'lo-tcp.pcap', 'any-sll2.pcap', 'tc-tcp.pcap', 'unanswered.pcap', 'getaddrinfo-pairs.pcap'];

describe('fixture replay', () => {
	it('lo-udp.pcap: dig over UDP, IPv4 via Unbound+Knot and IPv6 via the zone server, on Ethernet (tcpdump -i lo)', async () => {
		const r = await replayFixture('lo-udp.pcap');
		expect(r.linktype).toBe(1);
		expect(r.exchanges.map(shape)).toEqual([
			['answered', 'udp', 4, 'dual.he6.test', 'A', 'NOERROR', ['A 192.0.2.2']],
			['answered', 'udp', 4, 'dual.he6.test', 'AAAA', 'NOERROR', ['AAAA 2a0f:6:6::2']],
			['answered', 'udp', 4, 'chain3.he6.test', 'AAAA', 'NOERROR', ['CNAME c3-1.he6.test', 'CNAME c3-2.he6.test', 'CNAME c3-end.he6.test', 'AAAA 2a0f:6:6::4']],
			['answered', 'udp', 4, 'nodata.he6.test', 'AAAA', 'NOERROR', []],
			['answered', 'udp', 4, 'missing.he6.test', 'A', 'NXDOMAIN', []],
			['answered', 'udp', 6, 'dual.he6.test', 'AAAA', 'NOERROR', ['AAAA 2a0f:6:6::2']],
			['answered', 'udp', 6, 'chain1.he6.test', 'A', 'NOERROR', ['CNAME c1-end.he6.test', 'A 192.0.2.3']],
		]);
		expect(r.exchanges.every((e) => e.rttMs !== null && e.rttMs >= 0 && e.rttMs < 1000)).toBe(true);
		expect(r.exchanges.find((e) => e.qname === 'nodata.he6.test')?.soa?.name).toBe('he6.test');
		expect(r.summary).toMatchObject({packets: 14, messages: 14, exchanges: 7, unanswered: 0, decodeErrors: 0});
		expect(r.names.find((n) => n.name === 'dual.he6.test')).toMatchObject({count: 3, verdict: 'migrated'});
	});

	it('lo-tcp.pcap: dig +tcp, three queries on one connection (+keepopen), IPv4 and IPv6', async () => {
		const r = await replayFixture('lo-tcp.pcap');
		expect(r.exchanges.map(shape)).toEqual([
			['answered', 'tcp', 4, 'dual.he6.test', 'AAAA', 'NOERROR', ['AAAA 2a0f:6:6::2']],
			['answered', 'tcp', 4, 'chain1.he6.test', 'A', 'NOERROR', ['CNAME c1-end.he6.test', 'A 192.0.2.3']],
			['answered', 'tcp', 4, 'dual.he6.test', 'A', 'NOERROR', ['A 192.0.2.2']],
			['answered', 'tcp', 4, 'chain3.he6.test', 'AAAA', 'NOERROR', ['CNAME c3-1.he6.test', 'CNAME c3-2.he6.test', 'CNAME c3-end.he6.test', 'AAAA 2a0f:6:6::4']],
			['answered', 'tcp', 4, 'nodata.he6.test', 'AAAA', 'NOERROR', []],
			['answered', 'tcp', 6, 'dual.he6.test', 'A', 'NOERROR', ['A 192.0.2.2']],
		]);
		const keepopen = r.exchanges.slice(2, 5).map((e) => e.client);
		expect(new Set(keepopen).size).toBe(1);
		expect(r.summary).toMatchObject({messages: 12, exchanges: 6, decodeErrors: 0, tcp: {incomplete: 0, overflows: 0}});
	});

	it('any-sll2.pcap: LINUX_SLL2 from tcpdump -i any, UDP and TCP over IPv4 and IPv6', async () => {
		const r = await replayFixture('any-sll2.pcap');
		expect(r.linktype).toBe(276);
		expect(r.exchanges.map(shape)).toEqual([
			['answered', 'udp', 4, 'dual.he6.test', 'AAAA', 'NOERROR', ['AAAA 2a0f:6:6::2']],
			['answered', 'udp', 6, 'chain1.he6.test', 'AAAA', 'NOERROR', ['CNAME c1-end.he6.test', 'AAAA 2a0f:6:6::3']],
			['answered', 'tcp', 4, 'chain3.he6.test', 'A', 'NOERROR', ['CNAME c3-1.he6.test', 'CNAME c3-2.he6.test', 'CNAME c3-end.he6.test', 'A 192.0.2.4']],
			['answered', 'tcp', 6, 'dual.he6.test', 'AAAA', 'NOERROR', ['AAAA 2a0f:6:6::2']],
		]);
		expect(r.summary.decodeErrors).toBe(0);
	});

	it('tc-tcp.pcap: a truncated UDP reply (TC), then the same question over TCP with all 80 AAAA', async () => {
		const r = await replayFixture('tc-tcp.pcap');
		const [udp, tcp] = r.exchanges;
		expect(udp).toMatchObject({transport: 'udp', qname: 'big.he6.test', qtype: 'AAAA', status: 'answered', flags: {tc: true}, answers: []});
		expect(tcp).toMatchObject({transport: 'tcp', qname: 'big.he6.test', qtype: 'AAAA', status: 'answered', flags: {tc: false}});
		expect(tcp?.answers).toHaveLength(80);
		expect(r.names[0]?.aaaa.addresses).toHaveLength(80);
	});

	it('unanswered.pcap: queries to a silent port become unanswered by packet time; dig retries from a new socket', async () => {
		const r = await replayFixture('unanswered.pcap');
		const lost = r.exchanges.filter((e) => e.status === 'unanswered');
		expect(lost).toHaveLength(6);
		expect(lost.every((e) => e.endedBy === 'timeout')).toBe(true);
		// dig's two tries: one id, two client ports, so two exchanges and no retransmission.
		const digTries = lost.filter((e) => e.qname === 'dual.he6.test');
		expect(new Set(digTries.map((e) => e.id)).size).toBe(1);
		expect(new Set(digTries.map((e) => e.client)).size).toBe(2);
		// he6-dns: two A+AAAA pairs (two attempts) from one socket, both halves lost: paired, not flagged.
		const pairs = lost.filter((e) => e.qname === 'nodata.he6.test');
		expect(pairs.every((e) => e.pairedWith !== null && e.pairFlag === null)).toBe(true);
		expect(r.summary).toMatchObject({exchanges: 7, unanswered: 6, answered: 1, pairs: 2, lostHalves: 0, retransmissions: 0});
		expect(r.names.find((n) => n.name === 'nodata.he6.test')).toMatchObject({verdict: 'error', a: {status: 'TIMEOUT'}});
	});

	it('getaddrinfo-pairs.pcap: he6-dns A+AAAA from one socket; the dropped AAAA is flagged `AAAA lost`', async () => {
		const r = await replayFixture('getaddrinfo-pairs.pcap');
		const dual = r.exchanges.filter((e) => e.qname === 'dual.he6.test');
		expect(dual.map((e) => [e.qtype, e.status, e.pairFlag])).toEqual([
			['A', 'answered', null],
			['AAAA', 'answered', null],
		]);
		expect(dual[0]?.pairedWith).toEqual({id: dual[1]?.id, qtype: 'AAAA'});
		const lost = r.exchanges.filter((e) => e.qname === 'lost.he6.test');
		expect(lost.map((e) => [e.qtype, e.status, e.pairFlag, e.endedBy])).toEqual([
			['A', 'answered', null, null],
			['AAAA', 'unanswered', 'AAAA lost', 'timeout'],
		]);
		expect(r.summary).toMatchObject({pairs: 2, lostHalves: 1});
		expect(r.names.find((n) => n.name === 'lost.he6.test')?.verdict).toBe('broken-aaaa');
		expect(r.names.find((n) => n.name === 'dual.he6.test')?.verdict).toBe('migrated');
	});

	for (const name of fixtures) {
		it(`${name}: pairs exactly the exchanges tshark pairs`, async (ctx) => {
			if (!installed('tshark')) {
				if (process.env.CI) throw new Error('tshark is required in CI (apt-get install tshark)');
				ctx.skip('tshark is not installed');
			}
			const r = await replayFixture(name);
			const serverPorts = [...new Set(r.exchanges.map((e) => portOf(e.server)))];
			const theirs = tsharkPairs(path(name), serverPorts);
			expect(theirs.answered.length + theirs.unanswered.length).toBe(r.exchanges.length);
			expect(ours(r.exchanges, 'answered')).toEqual(theirs.answered);
			expect(ours(r.exchanges, 'unanswered')).toEqual(theirs.unanswered);
			expect(r.summary.unsolicited).toBe(0);
		});
	}
});
