// The capture view's frames from fake events: the dialog, counters, inventory, keys (p, /, v, q) and the end.
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import type {ExchangeEvent, NameEvent, SummaryEvent} from '../../src/capture/events.js';
import {applyKey, CaptureApp, CaptureView, initialUi, type CaptureUi} from '../../src/ui/CaptureApp.js';
import {CaptureFeed, initialCaptureState, queryRate, reduceCapture, type CaptureFeedEvent, type CaptureViewState} from '../../src/ui/capture-state.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

const t0 = Date.UTC(2016, 3, 20, 13, 31, 52, 961);

function exchange(fields: Partial<ExchangeEvent>): ExchangeEvent {
	return {
		kind: 'exchange', client: '10.104.229.189:47624', server: '172.16.0.23:53', transport: 'udp', id: 1, qname: 'www.google.com', qtype: 'A', rcode: 'NOERROR',
		answers: [{name: 'www.google.com', type: 'A', ttl: 300, data: '209.85.203.104'}], rttMs: 1.1, status: 'answered', time: t0, retransmissions: 0, endedBy: null,
		flags: {aa: false, tc: false, ad: false}, soa: null, pairedWith: null, pairFlag: null, pid: 4242, comm: 'curl', ...fields,
	};
}

const family = (status: 'NOERROR' | 'NODATA' | 'TIMEOUT' | null, addresses: string[] = []) => ({asked: status === null ? 0 : 1, answered: status === 'NOERROR' || status === 'NODATA' ? 1 : 0, unanswered: status === 'TIMEOUT' ? 1 : 0, status, addresses, chain: []});

function name(fields: Partial<NameEvent> & {name: string}): NameEvent {
	return {kind: 'name', count: 2, lastSeen: t0, a: family('NOERROR', ['192.0.2.1']), aaaa: family('NOERROR', ['2001:db8::1']), chain: [], verdict: 'migrated', reason: 'would connect to 2001:db8::1', chosen: '2001:db8::1', processes: [{pid: 4242, comm: 'curl'}], ...fields};
}

const summary: SummaryEvent = {kind: 'summary', packets: 7, messages: 7, exchanges: 4, unanswered: 1, decodeErrors: 0, pcapDrops: 3, answered: 3, unsolicited: 0, retransmissions: 0, duplicateResponses: 0, lateResponses: 0, evicted: 0, maxPending: 65536, pendingPeak: 2, pairs: 1, lostHalves: 1, skipped: 0, reasons: {}, tcp: {retransmitted: 0, outOfOrder: 0, overflows: 0, incomplete: 0, evicted: 0}};

const exchanges = [
	exchange({}),
	exchange({id: 2, qtype: 'AAAA', answers: [{name: 'www.google.com', type: 'AAAA', ttl: 300, data: '2a00:1450:400b:c01::67'}], time: t0 + 2}),
	exchange({id: 3, qname: 'github.com', qtype: 'A', answers: [{name: 'github.com', type: 'A', ttl: 60, data: '140.82.121.4'}], time: t0 + 500}),
	exchange({id: 4, qname: 'github.com', qtype: 'AAAA', status: 'unanswered', rcode: null, answers: [], rttMs: null, endedBy: 'timeout', pairFlag: 'AAAA lost', time: t0 + 501, pid: null, comm: 'unknown'}),
];
const names = [name({name: 'www.google.com'}), name({name: 'github.com', aaaa: family('TIMEOUT'), verdict: 'broken-aaaa', reason: 'A answers but AAAA is TIMEOUT', chosen: null, lastSeen: t0 + 501})];

const events: CaptureFeedEvent[] = [
	{kind: 'open', source: 'eth0', live: true, filter: 'udp port 53 or tcp port 53', linktype: 'EN10MB (Ethernet)', startedAt: t0 - 1000},
	{kind: 'exchanges', exchanges},
	{kind: 'names', names},
	{kind: 'tick', now: t0 + 1000, drops: 3},
];
const state: CaptureViewState = events.reduce(reduceCapture, initialCaptureState);

const frame = (ui: Partial<CaptureUi> = {}, keys = true): string =>
	render(<CaptureView state={state} ui={{...initialUi, ...ui}} color={false} keys={keys} rows={24} columns={100} />).lastFrame() ?? '';

describe('the live view', () => {
	test('the header names the interface and filter; the counters count queries, A vs AAAA, IPv6-ready names and drops', () => {
		const f = frame();
		expect(f).toContain('he6-dns capture · live on eth0 · 2.0 s · capturing · view: exchanges');
		expect(f).toContain('link-type EN10MB (Ethernet) · filter "udp port 53 or tcp port 53"');
		expect(f).toMatch(/queries 4 \(2\.0\/s\) · A 2 · AAAA 2 · unanswered 1 · names 2 · IPv6-ready 1\/2 \(50%\) · libpcap drops 3/);
		expect(queryRate(state)).toBe(2);
	});

	test("exchanges scroll like the seed's tcpdump dialog, decoded, with the asking process", () => {
		const f = frame();
		expect(f).toContain('13:31:52.961 10.104.229.189.47624 > 172.16.0.23.53 A? www.google.com. → 1 A 209.85.203.104 1.1 ms c');
		expect(f).toContain('AAAA? www.google.com. → 1 AAAA 2a00:1450:400b:c0');
		expect(f).toContain('AAAA? github.com. → no reply (timeout) [AAAA los');
		expect(f).toContain('p pause · / filter · v switch view · q quit');
		expect(f).not.toMatch(/\u001b\[/);
	});

	test('v shows the inventory: families, verdicts, who asked', () => {
		const f = frame({view: 'inventory'});
		expect(f).toMatch(/NAME\s+N\s+A\s+AAAA\s+VERDICT\s+PROCESS$/m);
		expect(f).toMatch(/www\.google\.com\s+2\s+NOERROR 192\.0\.2\.1\s+NOERROR 2001:db8::1\s+migrated\s+curl\[4242\]$/m);
		expect(f).toMatch(/github\.com\s+2\s+NOERROR 192\.0\.2\.1\s+TIMEOUT\s+broken-aaaa/);
		// Most recently seen first.
		expect(f.indexOf('github.com')).toBeLessThan(f.indexOf('www.google.com'));
	});

	test('a name filter narrows both views; pausing freezes the dialog; without raw mode only Ctrl-C is offered', () => {
		expect(frame({filter: 'GITHUB'})).not.toContain('www.google.com.');
		expect(frame({filter: 'github', view: 'inventory'})).not.toMatch(/^www\.google\.com/m);
		expect(frame({editing: true, filter: 'git'})).toContain('filter by name: git█');
		const paused = frame({frozen: exchanges.slice(0, 1)});
		expect(paused).toContain('paused');
		expect(paused).not.toContain('github.com.');
		expect(frame({}, false)).toContain('Ctrl-C: stop');
	});

	test('keys: p, v, / with typing, Enter, Esc, and q', () => {
		let ui: CaptureUi = initialUi;
		const press = (input: string, key = {}): void => {
			const next = applyKey(ui, input, key, state);
			if (next === 'quit') throw new Error('unexpected quit');
			ui = next;
		};
		press('p');
		expect(ui.frozen).toHaveLength(4);
		press('p');
		expect(ui.frozen).toBeNull();
		press('v');
		expect(ui.view).toBe('inventory');
		press('/');
		for (const c of 'gith') press(c);
		press('', {backspace: true});
		press('q'); // typed into the filter, not quitting
		press('', {return: true});
		expect(ui).toMatchObject({editing: false, filter: 'gitq'});
		press('', {escape: true});
		expect(ui.filter).toBe('');
		expect(applyKey(ui, 'q', {}, state)).toBe('quit');
		// Typed faster than Ink reads: one string, taken key by key.
		expect(applyKey(initialUi, '/zzz\r', {}, state)).toMatchObject({editing: false, filter: 'zzz'});
		expect(applyKey(initialUi, 'vq', {}, state)).toBe('quit');
	});
});

describe('CaptureApp on a feed', () => {
	const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

	test('renders what the feed brings, switches view on v, quits on q, and shows the end', async () => {
		const feed = new CaptureFeed();
		for (const e of events.slice(0, 2)) feed.push(e); // before mount: kept and handed over
		let quits = 0;
		const {lastFrame, stdin, frames} = render(<CaptureApp feed={feed} color={false} onQuit={() => quits++} />);
		await tick();
		expect(lastFrame()).toContain('A? github.com. → 1 A 140.82.121.4');
		feed.push(events[2] as CaptureFeedEvent);
		stdin.write('v');
		await tick();
		expect(lastFrame()).toMatch(/github\.com\s+2\s+NOERROR/);
		stdin.write('q');
		await tick();
		expect(quits).toBe(1);
		feed.push({kind: 'end', summary, error: null});
		await tick();
		const last = [...frames].reverse().find((f) => f.trim() !== '') ?? '';
		expect(last).toContain('ended');
		expect(last).toContain('libpcap drops 3');
	});

	test('keys arriving in one tick each see the previous one (/, text, Enter)', async () => {
		const feed = new CaptureFeed();
		for (const e of events) feed.push(e);
		const {lastFrame, stdin} = render(<CaptureApp feed={feed} color={false} onQuit={() => {}} />);
		await tick();
		stdin.write('/');
		stdin.write('git');
		stdin.write('\r');
		await tick();
		expect(lastFrame()).toContain('showing names containing "git"');
		expect(lastFrame()).not.toContain('www.google.com.');
	});
});
