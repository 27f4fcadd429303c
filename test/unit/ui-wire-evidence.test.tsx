// The Ink view of data off the wire: real lookups against the scripted server, drawn with ink-testing-library; unknown types as TYPEn, hostile bytes escaped.
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import type {LookupEvent} from '../../src/core/events.js';
import type {HostResult} from '../../src/core/host-result.js';
import {judge} from '../../src/core/verdict.js';
import type {ZoneServer} from '../../src/demo/zone-server.js';
import {lookupHost} from '../../src/resolve/lookup.js';
import {describeRule} from '../../src/select/rfc6724.js';
import {DeadlineQueue} from '../../src/transport/deadlines.js';
import {LookupView} from '../../src/ui/LookupApp.js';
import {initialState, reduce} from '../../src/ui/state.js';
import {controlBytes, evilMname, evilRname, evilTarget, evilTxtShown, httpsRdata, oddRecords, oddTable} from '../support/odd-records.js';
import {startScripted} from '../support/scripted-server.js';
import {config, summary} from '../support/ui-events.js';

const names = ['mixed.rr.test', 'alias.rr.test', 'odd.rr.test', 'evil.rr.test'];
let server: ZoneServer;
let frame = '';

beforeAll(async () => {
	server = await startScripted(oddRecords, oddTable);
	const settings = {
		config: {...config, nameservers: [server.endpoint], timeout: 1, attempts: 1},
		deadlines: new DeadlineQueue(),
		mode: 'parallel' as const,
		edns: true,
		tcp: false,
		useSearch: false,
		firstServer: 0,
	};
	const results: HostResult[] = [];
	for (const [index, input] of names.entries()) {
		const o = await lookupHost(input, settings);
		// No selection: what is under test is how the DNS evidence is drawn.
		results.push({index, input, ...o, selection: null, ...judge(o.a, o.aaaa, {selection: null, noAaaa: false, describeRule})});
	}
	const events: LookupEvent[] = [
		{kind: 'run-start', stack: 'glibc', sources: 'what-if', config: settings.config, hosts: names},
		...results.flatMap((result): LookupEvent[] => [{kind: 'host-start', index: result.index, input: result.input}, {kind: 'host-done', result}]),
		{kind: 'run-end', summary: {...summary, hosts: names.length, answered: names.length, failed: 0, verdicts: Object.fromEntries(results.map((r) => [r.verdict, results.filter((x) => x.verdict === r.verdict).length]))}},
	];
	const {lastFrame} = render(<LookupView state={events.reduce(reduce, initialState)} color={false} />);
	frame = lastFrame() ?? '';
});
afterAll(() => server.close());
afterEach(() => cleanup());

describe('the Ink view of records off the wire', () => {
	test('unknown types as TYPEn with `\\# len hex` (RFC 3597 §5), in the answer and the authority section', () => {
		expect(frame).toMatch(new RegExp(`TYPE65\\s+mixed\\.rr\\.test  \\\\# 10 ${httpsRdata}`));
		expect(frame).toMatch(/TYPE731\s+mixed\.rr\.test {2}\\# 6 abcdef012345/);
		expect(frame).toMatch(/TYPE64\s+mixed\.rr\.test {2}\\# 15 0000/);
		expect(frame).toMatch(/CNAME\s+alias\.rr\.test → svc\.rr\.test/);
		expect(frame).toMatch(/TYPE65\s+svc\.rr\.test {2}\\# 10 /);
		// A 9-character type name widens its row instead of wrapping inside the type column.
		expect(frame).toMatch(/TYPE62347 odd\.rr\.test {2}\\# 0/);
	});

	test('a hostile CNAME target, TXT and SOA MNAME/RNAME are shown escaped, with no control byte in the frame', () => {
		expect(frame).toContain(`evil.rr.test → ${evilTarget}`);
		expect(frame).toContain(`evil.rr.test  ${evilTxtShown}`);
		expect(frame).toContain(`test  ${evilMname} ${evilRname} 1`);
		expect(frame).not.toMatch(controlBytes);
	});
});
