// The capture view on a real terminal (tmux): a file replayed, and a live capture on lo driven with p, /, v and q.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {ZoneServer} from '../../src/demo/zone-server.js';
import {captureSoa, startLoopbackZones} from '../support/capture-zone.js';
import {installed} from '../support/resolvers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = resolve(root, 'dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V'], {stdio: 'ignore'}).status === 0;
const isRoot = process.getuid?.() === 0;
const pcapLoads = await import('pcap').then(() => true, () => false);
const canLive = hasTmux && isRoot && pcapLoads && installed('dig');
// Our own tmux server (-L): a fresh environment, and no effect on a tmux the developer has open.
const socket = `he6-capture-tty-${process.pid}-${Date.now()}`;

function tmux(...args: string[]): {status: number | null; stdout: string; stderr: string} {
	const run = spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	return {status: run.status, stdout: run.stdout, stderr: run.stderr};
}
const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', socket).stdout;
const keys = (...k: string[]): void => void tmux('send-keys', '-t', socket, ...k);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls the pane until `pattern` shows (the view redraws on its own schedule); fails with the pane. */
async function waitFor(pattern: RegExp, what: string, ms = 10_000): Promise<string> {
	const deadline = Date.now() + ms;
	let text = '';
	while (Date.now() < deadline) {
		text = screen();
		if (pattern.test(text)) return text;
		await sleep(100);
	}
	throw new Error(`${what}: ${pattern} not on screen within ${ms} ms\n--- pane ---\n${text}`);
}

/** `env -u CI`: with CI set the CLI picks plain output. The trailing sleep keeps the pane after exit. */
function start(args: string): void {
	const command = `env -u CI TZ=UTC node ${JSON.stringify(cli)} capture ${args}; echo "exit=$?"; sleep 30`;
	const started = tmux('new-session', '-d', '-s', socket, '-x', '140', '-y', '40', '-c', root, command);
	expect(started.status, started.stderr).toBe(0);
}

afterEach(() => {
	if (hasTmux) tmux('kill-server');
});

describe('capture in a terminal', () => {
	if (!hasTmux && process.env['CI']) throw new Error('tmux is required for the TTY tests in CI: apt-get install -y tmux');
	const fileTest = hasTmux ? test : test.skip;

	fileTest(`-r FILE: the Ink view shows the decoded dialog and counters, then the inventory stays in the scrollback${hasTmux ? '' : ' (skipped: tmux missing)'}`, async () => {
		expect(existsSync(cli), 'run npm run build first').toBe(true);
		start('-r fixtures/pcap/getaddrinfo-pairs.pcap');
		const text = await waitFor(/exit=\d+/, 'the replay did not finish');
		expect(text).toContain('exit=0');
		expect(text).toMatch(/he6-dns capture · file fixtures\/pcap\/getaddrinfo-pairs\.pcap · [\d.]+ s · ended/);
		expect(text).toMatch(/queries 5 \([\d.]+\/s\) · A 3 · AAAA 2 · unanswered 1 · names 3 · IPv6-ready 1\/2 \(50%\) · libpcap drops 0/);
		expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.\d+ A\? dual\.he6\.test\. → 1 A 192\.0\.2\.2/m);
		expect(text).toMatch(/AAAA\? lost\.he6\.test\. → no reply \(timeout\) \[AAAA lost\]/);
		expect(text).toMatch(/^lost\.he6\.test\s+2\s+NOERROR 192\.0\.2\.7\s+TIMEOUT\s+broken-aaaa/m);
		expect(text).toMatch(/^9 packets, 9 DNS messages, 5 exchanges/m);
		// The header is drawn once: Ink did not leave copies of its frame behind.
		expect(text.split('\n').filter((l) => l.startsWith('he6-dns capture ·'))).toHaveLength(1);
	});
});

const liveName = `live on lo: the seed's dialog decoded as dig asks; v inventory, / filter, p pause, q quit and summary${canLive ? '' : ' (skipped: needs root, pcap, tmux and dig)'}`;
describe.skipIf(!canLive)('live capture in a terminal', () => {
	let servers: ZoneServer[] = [];
	let port = 0;
	beforeAll(async () => {
		({servers, port} = await startLoopbackZones([captureSoa, {name: 'dual.he6.test', type: 'A', ttl: 300, data: '192.0.2.2'}, {name: 'dual.he6.test', type: 'AAAA', ttl: 300, data: '2a0f:6:6::2'}], () => ({kind: 'delay', ms: 200})));
	});
	afterAll(async () => {
		for (const s of servers) await s.close();
	});

	const dig = (type: string): Promise<void> =>
		new Promise((done) => spawn('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+timeout=2', 'dual.he6.test', type], {stdio: 'ignore'}).on('exit', () => done()));

	test(liveName, async () => {
		start(`-i lo --port ${port}`);
		await waitFor(/live on lo · [\d.]+ s · capturing/, 'the live view did not start');
		await Promise.all([dig('A'), dig('AAAA')]);
		await waitFor(/A\? dual\.he6\.test\. → 1 A 192\.0\.2\.2 [\d.]+ m?s dig\[\d+\]/, 'the A exchange');
		await waitFor(/AAAA\? dual\.he6\.test\. → 1 AAAA 2a0f:6:6::2 [\d.]+ m?s dig\[\d+\]/, 'the AAAA exchange');
		keys('v');
		await waitFor(/dual\.he6\.test\s+2\s+NOERROR 192\.0\.2\.2\s+NOERROR 2a0f:6:6::2\s+\S+\s+dig\[\d+\]/, 'the inventory row');
		keys('/');
		keys('zzz', 'Enter');
		await waitFor(/showing names containing "zzz"/, 'the filter');
		keys('Escape');
		keys('v', 'p');
		await waitFor(/ · paused · view: exchanges/, 'pause');
		keys('q');
		const text = await waitFor(/exit=\d+/, 'q did not end the capture');
		expect(text).toContain('exit=0');
		expect(text).toMatch(/^dual\.he6\.test\s+2\s+NOERROR 192\.0\.2\.2\s+NOERROR 2a0f:6:6::2/m);
		expect(text).toMatch(/^\d+ packets, \d+ DNS messages, 2 exchanges \(2 answered/m);
	});
});
