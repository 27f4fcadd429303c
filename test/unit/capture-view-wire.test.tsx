// The capture Ink view of wire data: frames through the real pipeline, then drawn; TYPEn questions and records, hostile names and TXT escaped.
import {afterEach, expect, test} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import type {ExchangeEvent, NameEvent} from '../../src/capture/events.js';
import {linktype} from '../../src/capture/link.js';
import {replay} from '../../src/core/capture-pipeline.js';
import {CaptureView, initialUi} from '../../src/ui/CaptureApp.js';
import {initialCaptureState, reduceCapture, type CaptureFeedEvent} from '../../src/ui/capture-state.js';
import dnsPacket from 'dns-packet';
import {frameAt, reply, udpPacket} from '../support/capture-frames.js';
import {controlBytes, evilTarget, evilTxt, evilTxtShown, httpsRdata} from '../support/odd-records.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

const T0 = Date.UTC(2026, 0, 1);
const ask = {source: '127.0.0.1', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 53};
const back = {source: '127.0.0.1', sourcePort: 53, destination: '127.0.0.1', destinationPort: 40000};
const question = (id: number, name: string, type: string): Uint8Array => dnsPacket.encode({type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{name, type: type as 'A', class: 'IN'}]});
const rr = (name: string, type: string, data: unknown) => ({name, type, ttl: 300, class: 'IN', data}) as dnsPacket.Answer;

test('TYPE65 and a hostile TXT and CNAME target decoded from frames are drawn escaped, with no control byte', async () => {
	const messages: [Uint8Array, Uint8Array][] = [
		[question(1, 'svc.rr.test', 'TYPE65'), reply(1, 'svc.rr.test', 'TYPE65', [rr('svc.rr.test', 'TYPE65', Buffer.from(httpsRdata, 'hex'))])],
		[question(2, 'evil.rr.test', 'TXT'), reply(2, 'evil.rr.test', 'TXT', [rr('evil.rr.test', 'TXT', [Buffer.from(evilTxt)])])],
		[question(3, 'evil.rr.test', 'CNAME'), reply(3, 'evil.rr.test', 'CNAME', [rr('evil.rr.test', 'CNAME', evilTarget)])],
	];
	const frames = messages.flatMap(([q, r], i) => [frameAt(T0 + 10 * i, linktype.raw, udpPacket(ask, q)), frameAt(T0 + 10 * i + 1, linktype.raw, udpPacket(back, r))]);
	const events = await replay(frames);
	const feed: CaptureFeedEvent[] = [
		{kind: 'open', source: 'odd.pcap', live: false, filter: null, linktype: 'RAW', startedAt: T0},
		{kind: 'exchanges', exchanges: events.filter((e): e is ExchangeEvent => e.kind === 'exchange')},
		{kind: 'names', names: events.filter((e): e is NameEvent => e.kind === 'name')},
		{kind: 'tick', now: T0 + 1000, drops: 0},
	];
	const state = feed.reduce(reduceCapture, initialCaptureState);
	const frame = render(<CaptureView state={state} ui={initialUi} color={false} keys={false} rows={24} columns={200} />).lastFrame() ?? '';
	// ink-testing-library draws 100 columns: the ends of the longer lines are cut with `…`.
	expect(frame).toContain(`TYPE65? svc.rr.test. → 1 TYPE65 \\# 10 ${httpsRdata.slice(0, 16)}`);
	expect(frame).toContain(`TXT? evil.rr.test. → 1 TXT ${evilTxtShown}`);
	expect(frame).toContain(`CNAME? evil.rr.test. → 1 CNAME ${evilTarget.slice(0, 20)}`);
	expect(frame).not.toMatch(controlBytes);
});
