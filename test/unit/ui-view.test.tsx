// The Ink view's frames: the seed's evidence on screen, in input order, escaped, with a spinner while in flight.
import {Console} from 'node:console';
import {EventEmitter} from 'node:events';
import {afterAll, afterEach, beforeAll, describe, expect, test, vi} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {EventQueue} from '../../src/core/event-queue.js';
import type {LookupEvent} from '../../src/core/events.js';
import {formatTtl} from '../../src/report/format.js';
import {colorWanted, statusHue, verdictHue} from '../../src/ui/components/palette.js';
import {LookupApp, LookupView} from '../../src/ui/LookupApp.js';
import {renderLookupView} from '../../src/ui/render.js';
import {initialState, reduce} from '../../src/ui/state.js';
import {config, hostEvents, results, runEvents} from '../support/ui-events.js';

afterEach(() => cleanup());

const spinnerFrame = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/u;

/** The last frame with text: with CI set, Ink ends a debug render with a blank frame at unmount. */
function shown(frames: readonly string[]): string {
	return [...frames].reverse().find((f) => f.trim() !== '') ?? '';
}

function finalFrame(): string {
	const state = runEvents().reduce(reduce, initialState);
	const {lastFrame} = render(<LookupView state={state} color={false} />);
	return lastFrame() ?? '';
}

describe('a finished run', () => {
	const frame = finalFrame();

	test('the header names the resolver, its source and the options in force', () => {
		expect(frame).toContain('resolver 127.0.0.1:5353 from demo · 4 hosts');
		expect(frame).toContain('options timeout:2 attempts:5 ndots:1');
	});

	test('the linkedin chain shows one hop per line with the CNAME TTL, then the AAAA', () => {
		expect(frame).toMatch(new RegExp(`${formatTtl(88)}\\s+CNAME\\s+www\\.linkedin\\.com → glb-any-eu\\.www\\.linkedin\\.com`));
		expect(frame).toMatch(new RegExp(`${formatTtl(88)}\\s+CNAME\\s+glb-any-eu\\.www\\.linkedin\\.com → any-eu\\.www\\.linkedin\\.com`));
		expect(frame).toMatch(new RegExp(`${formatTtl(1869)}\\s+AAAA\\s+2a04:f540:1::b93f:930a`));
		expect(formatTtl(1869)).toBe('31m09s');
	});

	test('each family row has its status, server/transport and RTT', () => {
		expect(frame).toMatch(/AAAA\s+NOERROR\s+127\.0\.0\.1:5353\/udp {2}0\.4 ms/);
		expect(frame).toMatch(/A\s+NOERROR\s+127\.0\.0\.1:5353\/udp/);
	});

	test('github AAAA is NODATA with the SOA of the negative answer', () => {
		expect(frame).toMatch(/AAAA\s+NODATA/);
		expect(frame).toContain('github.com  ns1.p16.dynect.net hostmaster.github.com 1461162636  minimum 1m00s');
		expect(frame).toMatch(/not-migrated\s+IPv4 only: AAAA is NODATA \(SOA github\.com\)/);
	});

	test('verdicts and the timeout problem are spelled out', () => {
		expect(frame).toMatch(/migrated\s+publishes 1 IPv6 address/);
		expect(frame).toMatch(/A\s+TIMEOUT\s+-  -/);
		expect(frame).toContain('!      no reply after 2 tries');
		expect(frame).toMatch(/error\s+no answer: A TIMEOUT, AAAA TIMEOUT/);
	});

	test('a control byte in the input is shown as \\027, never sent raw to the terminal', () => {
		expect(frame).toContain('evil\\027[31mhost');
		expect(frame).toMatch(/INVALID\s+not sent/);
		expect(frame).not.toContain('\u001b');
	});

	test('hosts appear in input order, each once, and the summary closes the run', () => {
		const order = ['www.linkedin.com\n', 'github.com\n', 'evil\\027', 'slow.example\n'].map((s) => frame.indexOf(s));
		expect(order.every((at) => at >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(frame.split('IPv4 only: AAAA is NODATA')).toHaveLength(2);
		expect(frame).toMatch(/4 hosts: 2 error, 1 migrated, 1 not-migrated; 2 failed in 4\.01 s\s*$/);
	});
});

describe('the header', () => {
	test('names every resolver, and escapes what came from a file (source, search list, ignored lines)', () => {
		const state = reduce(initialState, {
			kind: 'run-start', stack: 'glibc', sources: 'this host (kernel)',
			hosts: ['a.example'],
			config: {
				...config,
				nameservers: [config.nameservers[0]!, {address: '::1', port: 53, scope: null}],
				source: '/etc/my resolv.conf',
				search: ['corp\u0007.example'],
				rotate: true,
				ignored: [[3, 'bogus\u001b[2J line']],
			},
		});
		const frame = render(<LookupView state={state} color={false} />).lastFrame() ?? '';
		expect(frame).toContain('resolvers 127.0.0.1:5353, [::1]:53 from /etc/my resolv.conf · 1 host');
		expect(frame).toContain('search corp\\007.example · options timeout:2 attempts:5 ndots:1 rotate');
		expect(frame).toContain('ignored line 3: bogus\\027[2J line');
		expect(frame).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/u);
		expect(frame).toContain('0/1 host done');
	});
});

describe('a run in progress', () => {
	test('an in-flight host has a spinner and says what it asks of whom; a finished family shows in full', async () => {
		const queue = new EventQueue<LookupEvent>();
		const {lastFrame} = render(<LookupApp events={queue} color={false} />);
		const [runStart] = runEvents();
		queue.push(runStart as LookupEvent);
		for (const event of hostEvents(0).slice(0, 3)) queue.push(event);
		await vi.waitFor(() => expect(lastFrame()).toContain('asking    www.linkedin.com @ 127.0.0.1:5353/udp'));
		const frame = lastFrame() ?? '';
		expect(frame).toMatch(new RegExp(`${spinnerFrame.source} www\\.linkedin\\.com`, 'u'));
		expect(frame).toContain('0/4 hosts done');

		queue.push(hostEvents(0)[3] as LookupEvent);
		await vi.waitFor(() => expect(lastFrame()).toMatch(/A\s+NOERROR\s+127\.0\.0\.1:5353\/udp/));
		expect(lastFrame()).toMatch(/AAAA\s+asking/);
		queue.end();
	});

	test('a host finished before an earlier one is held back, counted, and printed after it', async () => {
		const queue = new EventQueue<LookupEvent>();
		const {lastFrame, frames} = render(<LookupApp events={queue} color={false} />);
		const events = runEvents();
		const githubDone = events.findIndex((e) => e.kind === 'host-done');
		for (const event of events.slice(0, githubDone + 1)) queue.push(event);
		await vi.waitFor(() => expect(lastFrame()).toContain('1/4 hosts done · 1 more done, held back to keep the input order'));
		expect(lastFrame()).not.toContain('not-migrated');
		for (const event of events.slice(githubDone + 1)) queue.push(event);
		queue.end();
		await vi.waitFor(() => expect(shown(frames)).toContain('4 hosts:'));
		const frame = shown(frames);
		expect(frame.indexOf('www.linkedin.com\n')).toBeLessThan(frame.indexOf('github.com\n'));
		expect(frame).not.toMatch(spinnerFrame);
	});
});

/** Just enough of a WriteStream for Ink: what it writes is kept as one string. */
class FakeStdout extends EventEmitter {
	output = '';
	readonly columns = 100;
	readonly rows = 50;
	readonly isTTY = false;
	write = (chunk: string): boolean => {
		this.output += chunk;
		return true;
	};
}

class FakeStdin extends EventEmitter {
	readonly isTTY = false;
}

function renderTo(events: AsyncIterable<LookupEvent>): {done: Promise<void>; stdout: FakeStdout} {
	const stdout = new FakeStdout();
	const streams = {stdout: stdout as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream};
	return {done: renderLookupView(events, streams), stdout};
}

async function* fromArray(events: readonly LookupEvent[], failure?: Error): AsyncGenerator<LookupEvent> {
	for (const event of events) {
		await Promise.resolve();
		yield event;
	}
	if (failure !== undefined) throw failure;
}

describe('renderLookupView', () => {
	// Ink patches the console through `new console.Console(...)`; vitest's console has no Console.
	const had = Object.getOwnPropertyDescriptor(console, 'Console');
	beforeAll(() => {
		Object.defineProperty(console, 'Console', {value: Console, configurable: true, writable: true});
	});
	afterAll(() => {
		if (had === undefined) Reflect.deleteProperty(console, 'Console');
		else Object.defineProperty(console, 'Console', had);
	});

	test('resolves after run-end, with every host and the summary written once', async () => {
		const {done, stdout} = renderTo(fromArray(runEvents()));
		await done;
		expect(stdout.output).toContain('4 hosts: 2 error, 1 migrated, 1 not-migrated');
		// <Static> output is written once; a host printed twice would be Ink issue #397 coming back.
		expect(stdout.output.split('IPv4 only: AAAA is NODATA')).toHaveLength(2);
		expect(stdout.output).toContain('evil\\027[31mhost');
	});

	test('rejects with the stream error when the stream fails', async () => {
		const {done} = renderTo(fromArray(runEvents().slice(0, 3), new Error('socket exploded')));
		await expect(done).rejects.toThrow('socket exploded');
	});

	test('rejects when the stream ends without run-end', async () => {
		const {done} = renderTo(fromArray(runEvents().slice(0, 3)));
		await expect(done).rejects.toThrow(/without a run-end/);
	});
});

describe('palette', () => {
	test('NO_COLOR set to anything but the empty string turns colour off (no-color.org)', () => {
		expect(colorWanted({NO_COLOR: '1'})).toBe(false);
		expect(colorWanted({NO_COLOR: ''})).toBe(true);
		expect(colorWanted({})).toBe(true);
	});

	test('verdicts and statuses get the brief colours', () => {
		expect([verdictHue('migrated'), verdictHue('not-migrated'), verdictHue('error'), verdictHue('unresolved')]).toEqual(['green', 'yellow', 'red', 'red']);
		expect([statusHue('NOERROR'), statusHue('NODATA'), statusHue('TIMEOUT')]).toEqual(['green', 'yellow', 'red']);
	});

	test('results are the fixture hosts (sanity)', () => {
		expect(results.map((r) => r.verdict)).toEqual(['migrated', 'not-migrated', 'error', 'error']);
	});
});
