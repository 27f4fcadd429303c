// `he6-dns capture -r/-w` end to end: every fixture replayed by the built CLI, checked against tshark and tcpdump; damaged files; set-up errors.
import {execFileSync, spawnSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {CaptureEvent, ExchangeEvent, SummaryEvent} from '../../src/capture/events.js';
import {privilegeMessage} from '../../src/capture-live/live-source.js';
import {cliPath, runCli} from '../support/cli.js';
import {installed} from '../support/resolvers.js';

const fixture = (name: string): string => new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'he6-capture-file-'));
const isRoot = process.getuid?.() === 0;
const hasTshark = installed('tshark');
const hasTcpdump = installed('tcpdump');

function parse(stdout: string): {events: CaptureEvent[]; exchanges: ExchangeEvent[]; summary: SummaryEvent} {
	const events = stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as CaptureEvent);
	const summary = events.at(-1);
	if (summary?.kind !== 'summary') throw new Error(`no summary last in:\n${stdout}`);
	return {events, exchanges: events.filter((e): e is ExchangeEvent => e.kind === 'exchange'), summary};
}

/** tshark's count of replies it pairs with a request (`dns.response_to`), the servers' ports decoded as DNS. */
function tsharkAnswered(file: string, ports: readonly string[]): number {
	const decodeAs = ports.flatMap((p) => ['-d', `udp.port==${p},dns`, '-d', `tcp.port==${p},dns`]);
	const out = execFileSync('tshark', ['-r', file, ...decodeAs, '-Y', 'dns.response_to', '-T', 'fields', '-e', 'frame.number'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
	return out.split('\n').filter((l) => l.trim() !== '').length;
}

const tcpdumpCount = (file: string): number => execFileSync('tcpdump', ['-nn', '-r', file], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).split('\n').filter((l) => l !== '').length;

// What each recording holds (fixtures/pcap/README.md): frames, exchanges, and how they ended.
const fixtures = [
	{file: 'lo-udp.pcap', packets: 14, exchanges: 7, answered: 7, unanswered: 0, pairs: 0, lostHalves: 0},
	{file: 'lo-tcp.pcap', packets: 44, exchanges: 6, answered: 6, unanswered: 0, pairs: 0, lostHalves: 0},
	{file: 'any-sll2.pcap', packets: 23, exchanges: 4, answered: 4, unanswered: 0, pairs: 0, lostHalves: 0},
	{file: 'tc-tcp.pcap', packets: 12, exchanges: 2, answered: 2, unanswered: 0, pairs: 0, lostHalves: 0},
	{file: 'unanswered.pcap', packets: 8, exchanges: 7, answered: 1, unanswered: 6, pairs: 2, lostHalves: 0},
	{file: 'getaddrinfo-pairs.pcap', packets: 9, exchanges: 5, answered: 4, unanswered: 1, pairs: 2, lostHalves: 1},
];

describe('capture -r FILE --json', () => {
	for (const f of fixtures) {
		it(`${f.file}: ${f.exchanges} exchanges (${f.answered} answered), as tshark pairs them${hasTshark ? '' : ' (tshark not installed: counts only)'}`, async () => {
			const run = await runCli(['capture', '-r', fixture(f.file), '--json']);
			expect(run.stderr).toBe('');
			expect(run.code).toBe(0);
			const {exchanges, summary} = parse(run.stdout);
			expect(summary).toMatchObject({packets: f.packets, exchanges: f.exchanges, answered: f.answered, unanswered: f.unanswered, pairs: f.pairs, lostHalves: f.lostHalves, decodeErrors: 0, pcapDrops: 0});
			expect(exchanges).toHaveLength(f.exchanges);
			// Every answered exchange has its reply's RCODE and an RTT; a replay attributes no process.
			for (const e of exchanges.filter((x) => x.status === 'answered')) expect([e.rcode !== null, e.rttMs !== null && e.rttMs >= 0]).toEqual([true, true]);
			expect(exchanges.every((e) => e.pid === null && e.comm === null)).toBe(true);
			if (hasTshark) {
				const ports = [...new Set(exchanges.map((e) => e.server.slice(e.server.lastIndexOf(':') + 1)))];
				expect(tsharkAnswered(fixture(f.file), ports)).toBe(f.answered);
			}
		});
	}

	it('plain lines decode the dialog; the inventory and the summary follow at the end', async () => {
		const run = await runCli(['capture', '-r', fixture('getaddrinfo-pairs.pcap')], {env: {TZ: 'UTC'}});
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.\d+ A\? dual\.he6\.test\. → 1 A 192\.0\.2\.2 [\d.]+ ms$/m);
		expect(run.stdout).toMatch(/::1\.\d+ > ::1\.\d+ AAAA\? lost\.he6\.test\. → no reply \(timeout\) \[AAAA lost\]$/m);
		expect(run.stdout).toMatch(/^lost\.he6\.test\s+2\s+NOERROR 192\.0\.2\.7\s+TIMEOUT\s+broken-aaaa/m);
		expect(run.stdout).toMatch(/^9 packets, 9 DNS messages, 5 exchanges \(4 answered, 1 unanswered, 0 unsolicited, 0 retransmissions\), 2 getaddrinfo pairs \(1 with a lost half\)/m);
	});

	it('pcapng, where libpcap opens it, gives the same exchanges' + (installed('editcap') ? '' : ' (skipped: editcap not installed)'), async () => {
		if (!installed('editcap')) return;
		const ng = join(tmp, 'lo-tcp.pcapng');
		execFileSync('editcap', ['-F', 'pcapng', fixture('lo-tcp.pcap'), ng]);
		const [a, b] = await Promise.all([runCli(['capture', '-r', fixture('lo-tcp.pcap'), '--json']), runCli(['capture', '-r', ng, '--json'])]);
		expect(b.code, b.stderr).toBe(0);
		expect(parse(b.stdout).exchanges).toEqual(parse(a.stdout).exchanges);
	});

	it('--port narrows a file with a BPF filter', async () => {
		const all = parse((await runCli(['capture', '-r', fixture('unanswered.pcap'), '--json'])).stdout);
		const silent = all.exchanges.find((e) => e.status === 'unanswered')?.server ?? '';
		const port = silent.slice(silent.lastIndexOf(':') + 1);
		const narrowed = parse((await runCli(['capture', '-r', fixture('unanswered.pcap'), '--json', '--port', port])).stdout);
		expect(narrowed.summary).toMatchObject({packets: 6, exchanges: 6, unanswered: 6});
	});
});

describe('capture -w FILE', () => {
	for (const file of ['lo-tcp.pcap', 'any-sll2.pcap']) {
		it(`${file} copied through -w reads back in tcpdump with every packet and the same link type${hasTcpdump ? '' : ' (skipped: tcpdump not installed)'}`, async () => {
			if (!hasTcpdump) return;
			const out = join(tmp, `copy-${file}`);
			const run = await runCli(['capture', '-r', fixture(file), '-w', out, '--json']);
			expect(run.code, run.stderr).toBe(0);
			expect(tcpdumpCount(out)).toBe(tcpdumpCount(fixture(file)));
			expect(readFileSync(out).readUInt32LE(20)).toBe(readFileSync(fixture(file)).readUInt32LE(20));
		});
	}
});

describe('damaged and wrong files', () => {
	it('a truncated file: what was read is reported (events, names, summary), then one error line, exit 1', async () => {
		const cut = join(tmp, 'cut.pcap');
		writeFileSync(cut, readFileSync(fixture('lo-tcp.pcap')).subarray(0, 3000));
		const run = await runCli(['capture', '-r', cut, '--json']);
		expect(run.code).toBe(1);
		const {exchanges, summary} = parse(run.stdout);
		expect(summary).toMatchObject({packets: 28, exchanges: 4, answered: 3, unanswered: 1});
		expect(exchanges.find((e) => e.status === 'unanswered')?.endedBy).toBe('end-of-capture');
		expect(run.stderr.split('\n').filter((l) => l !== '')).toEqual([`he6-dns: ${cut}: record data cut off after 173 of 199 bytes (at byte 2811); the events above are what was read before it`]);
	});

	it('not a capture, a missing file, a header cut short: one line each, exit 1', async () => {
		const garbage = join(tmp, 'garbage.pcap');
		writeFileSync(garbage, Buffer.from('this is not a capture file at all\n'));
		const short = join(tmp, 'short.pcap');
		writeFileSync(short, readFileSync(fixture('lo-udp.pcap')).subarray(0, 12));
		for (const [file, message] of [[garbage, /unknown file format/], [join(tmp, 'nope.pcap'), /cannot read .*nope\.pcap: ENOENT/], [short, /short\.pcap/]] as const) {
			const run = await runCli(['capture', '-r', file]);
			expect(run.code, run.stderr).toBe(1);
			expect(run.stderr.trim().split('\n')).toHaveLength(1);
			expect(run.stderr).toMatch(message);
		}
	});

	it('random frames in a valid file are counted, never a crash', async () => {
		const random = join(tmp, 'random.pcap');
		copyFileSync(fixture('lo-udp.pcap'), random);
		const bytes = readFileSync(random);
		// Scramble every frame's bytes past the Ethernet header, keeping the record headers.
		for (let at = 24; at + 16 <= bytes.length; ) {
			const caplen = bytes.readUInt32LE(at + 8);
			for (let i = at + 16 + 14; i < at + 16 + caplen; i++) bytes[i] = (i * 7919) & 0xff;
			at += 16 + caplen;
		}
		writeFileSync(random, bytes);
		const run = await runCli(['capture', '-r', random, '--json']);
		expect(run.code, run.stderr).toBe(0);
		expect(parse(run.stdout).summary).toMatchObject({packets: 14, exchanges: 0, decodeErrors: 14});
	});
});

describe('set-up errors', () => {
	/**
	 * The CLI as user nobody when we are root (CI); as ourselves otherwise. Nobody keeps one capability,
	 * CAP_DAC_READ_SEARCH, so a checkout inside a private directory (a 0700 `mktemp -d`) stays readable;
	 * it has no CAP_NET_RAW or CAP_NET_ADMIN, which is what the test is about.
	 */
	const dropTo = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search', process.execPath];
	const asNobody = (args: string[]) =>
		spawnSync(isRoot ? 'setpriv' : process.execPath, [...(isRoot ? dropTo : []), cliPath, ...args], {encoding: 'utf8', cwd: tmpdir(), timeout: 20_000, env: {...process.env, CI: '1'}});
	const canDropPrivilege = !isRoot || installed('setpriv');

	it(`without root or CAP_NET_RAW: the one-line privilege error with the setcap command${canDropPrivilege ? '' : ' (skipped: setpriv missing)'}`, () => {
		if (!canDropPrivilege) return;
		const run = asNobody(['capture', '-i', 'lo', '--count', '1']);
		expect(run.status).toBe(1);
		expect(run.stderr).toBe(`he6-dns: ${privilegeMessage}\n`);
		expect(privilegeMessage).toBe('capture needs root or CAP_NET_RAW: run as root, or sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))');
		// Reading a file needs no privilege.
		const file = asNobody(['capture', '-r', fixture('lo-udp.pcap'), '--json']);
		expect(file.status, file.stderr).toBe(0);
		expect(parse(file.stdout).summary.exchanges).toBe(7);
	});

	it('an unknown interface: the list of interfaces, one line', async () => {
		const run = await runCli(['capture', '-i', 'nosuch0', '--count', '1']);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/^he6-dns: no interface 'nosuch0' to capture on; interfaces: .*\blo\b.*\n$/);
		expect(run.stderr).toContain('any');
	});

	it('usage errors are one line', async () => {
		for (const args of [['-r', 'x.pcap', '-i', 'lo'], ['--port', '53', '--filter', 'udp'], ['--count', 'many']]) {
			const run = await runCli(['capture', ...args]);
			expect(run.code).toBe(1);
			expect(run.stderr.trim().split('\n')).toHaveLength(1);
		}
	});

});
