// The verdict table (issue 3) and the plain-text block: stable, dig-like, escaped.
import {describe, expect, it} from 'vitest';
import {judge, type VerdictContext} from '../../src/core/verdict.js';
import type {RankedAddress, Selection} from '../../src/core/selection.js';
import type {HostResult} from '../../src/core/host-result.js';
import {hostBlock} from '../../src/report/text.js';
import {hostJson} from '../../src/report/json.js';
import {describeRule} from '../../src/select/rfc6724.js';
import type {FamilyOutcome} from '../../src/resolve/types.js';
import type {RuleId} from '../../src/select/types.js';

const server = {address: '127.0.0.1', port: 53, scope: null};
const family = (over: Partial<FamilyOutcome>): FamilyOutcome => ({
	family: 'A',
	status: 'NOERROR',
	qname: 'x.example',
	chain: [],
	addresses: [],
	soa: null,
	otherRecords: [],
	server,
	transport: 'udp',
	rttMs: 1.5,
	queries: 1,
	mismatched: 0,
	flags: {ad: false, aa: false},
	problem: null,
	...over,
});
const soa = {name: 'github.com', ttl: 60, mname: 'ns1.p16.dynect.net', rname: 'hostmaster.github.com', serial: 1461162636, refresh: 3600, retry: 600, expire: 604800, minimum: 60};
const v4 = (address: string): FamilyOutcome => family({addresses: [{address, ttl: 60}]});
const v6 = (...addresses: string[]): FamilyOutcome => family({family: 'AAAA', addresses: addresses.map((address) => ({address, ttl: 60}))});
const ranked = (address: string, source: string | null, over: Partial<RankedAddress> = {}): RankedAddress => ({
	address,
	family: address.includes(':') ? 'AAAA' : 'A',
	source,
	interface: source === null ? null : 'eth0',
	synthesized: null,
	...over,
});
const selection = (order: RankedAddress[], rule: RuleId | null): Selection => ({stack: 'glibc', order, chosen: order[0]?.address ?? null, rule, runnerUp: order[1]?.address ?? null});
const context = (sel: Selection | null, noAaaa = false): VerdictContext => ({selection: sel, noAaaa, describeRule});

describe('judge', () => {
	it('migrated: a global AAAA this host tries first, naming source, interface and rule', () => {
		const sel = selection([ranked('2a04:f540:1::b93f:930a', '2001:470:1f1c:666::2', {interface: 'sit1'}), ranked('185.63.147.10', '10.104.229.189')], 6);
		const v = judge(v4('185.63.147.10'), v6('2a04:f540:1::b93f:930a'), context(sel));
		expect(v.verdict).toBe('migrated');
		expect(v.reason).toBe('would connect to 2a04:f540:1::b93f:930a from 2001:470:1f1c:666::2 via sit1 (Rule 6: prefer higher precedence)');
	});
	it('v6-not-preferred: good AAAA but IPv4 first, naming the rule', () => {
		const sel = selection([ranked('185.63.147.10', '192.0.2.2'), ranked('2a04:f540:1::b93f:930a', 'fd00::2')], 5);
		const v = judge(v4('185.63.147.10'), v6('2a04:f540:1::b93f:930a'), context(sel));
		expect(v.verdict).toBe('v6-not-preferred');
		expect(v.reason).toMatch(/would try 185\.63\.147\.10 first \(Rule 5/);
	});
	it('v6-not-preferred with Rule 1 says there is no IPv6 route', () => {
		const sel = selection([ranked('185.63.147.10', '192.0.2.2'), ranked('2a04:f540:1::b93f:930a', null)], 1);
		expect(judge(v4('185.63.147.10'), v6('2a04:f540:1::b93f:930a'), context(sel)).reason).toMatch(/no IPv6 source address or route/);
	});
	it('v6-not-preferred when resolv.conf has no-aaaa', () => {
		const sel = selection([ranked('2a04:f540:1::b93f:930a', '2001:470:1f1c:666::2')], null);
		expect(judge(v4('185.63.147.10'), v6('2a04:f540:1::b93f:930a'), context(sel, true)).verdict).toBe('v6-not-preferred');
	});
	it('not-migrated when AAAA is NODATA while A exists, naming the SOA', () => {
		expect(judge(v4('140.82.121.4'), family({family: 'AAAA', status: 'NODATA', soa}), context(null))).toEqual({
			verdict: 'not-migrated',
			reason: 'IPv4 only: AAAA is NODATA (SOA github.com)',
		});
	});
	for (const status of ['SERVFAIL', 'TIMEOUT', 'NXDOMAIN', 'REFUSED'] as const) {
		it(`broken-aaaa when A answers and AAAA is ${status} (RFC 4074)`, () => {
			expect(judge(v4('192.0.2.1'), family({family: 'AAAA', status}), context(null)).verdict).toBe('broken-aaaa');
		});
	}
	it('synthetic when every AAAA is inside a DNS64 prefix', () => {
		const sel = selection([ranked('64:ff9b::c000:201', 'fd00::2', {synthesized: '64:ff9b::/96'}), ranked('192.0.2.1', '192.0.2.2')], 6);
		const v = judge(v4('192.0.2.1'), v6('64:ff9b::c000:201'), context(sel));
		expect(v.verdict).toBe('synthetic');
		expect(v.reason).toContain('64:ff9b::/96');
	});
	for (const bogus of ['::', '::1', '::ffff:192.0.2.1', 'fe80::1', '2001:db8::1', 'ff02::1']) {
		it(`bogus-aaaa when the only AAAA is ${bogus}`, () => expect(judge(v4('192.0.2.1'), v6(bogus), context(null)).verdict).toBe('bogus-aaaa'));
	}
	it('error for an invalid name and when both families failed; unresolved for a clean NXDOMAIN', () => {
		expect(judge(family({status: 'INVALID', problem: {kind: 'invalid-name', detail: 'empty label'}}), family({status: 'INVALID'}), context(null)).verdict).toBe('error');
		expect(judge(family({status: 'TIMEOUT'}), family({family: 'AAAA', status: 'TIMEOUT'}), context(null)).verdict).toBe('error');
		expect(judge(family({status: 'NXDOMAIN'}), family({family: 'AAAA', status: 'NXDOMAIN'}), context(null)).verdict).toBe('unresolved');
	});
});

describe('hostBlock', () => {
	const result: HostResult = {
		index: 0,
		input: 'github.com',
		name: 'github.com',
		unicode: null,
		a: family({qname: 'github.com', addresses: [{address: '140.82.121.4', ttl: 60}]}),
		aaaa: family({family: 'AAAA', qname: 'github.com', status: 'NODATA', soa}),
		selection: selection([ranked('140.82.121.4', '192.0.2.2')], null),
		verdict: 'not-migrated',
		reason: 'IPv4 only: AAAA is NODATA (SOA github.com)',
	};
	it('prints dig-style rows, the SOA of the negative answer and the order, no timings', () => {
		expect(hostBlock(result)).toBe(
			[
				'github.com',
				'  A     NOERROR   127.0.0.1:53/udp',
				'        github.com.  60  IN  A  140.82.121.4',
				'  AAAA  NODATA    127.0.0.1:53/udp',
				'        github.com.  60  IN  SOA  ns1.p16.dynect.net. hostmaster.github.com. 1461162636 3600 600 604800 60',
				'  order   glibc',
				'        1  140.82.121.4  from 192.0.2.2 (eth0)',
				'  verdict  not-migrated: IPv4 only: AAAA is NODATA (SOA github.com)',
				'',
				'',
			].join('\n'),
		);
	});
	it('escapes a hostile input and keeps JSON free of raw control bytes', () => {
		const hostile = {...result, input: 'evil\u001b[2J.example', name: 'evil\u001b[2J.example'};
		expect(hostBlock(hostile)).toContain('evil\\027[2J.example');
		expect(hostBlock(hostile)).not.toContain('\u001b');
		expect(JSON.stringify(hostJson(hostile))).not.toContain('\u001b');
	});
});
