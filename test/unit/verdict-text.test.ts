// The issue-2 verdict and the plain-text block: stable, dig-like, escaped.
import {describe, expect, it} from 'vitest';
import {judge} from '../../src/core/verdict.js';
import {hostBlock} from '../../src/report/text.js';
import {hostJson} from '../../src/report/json.js';
import type {FamilyOutcome, HostResult} from '../../src/resolve/types.js';

const server = {address: '127.0.0.1', port: 53, scope: null};
const family = (over: Partial<FamilyOutcome>): FamilyOutcome => ({
	family: 'A',
	status: 'NOERROR',
	qname: 'x.example',
	chain: [],
	addresses: [],
	soa: null,
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

describe('judge', () => {
	it('migrated when AAAA has addresses', () => {
		const v = judge(family({addresses: [{address: '192.0.2.1', ttl: 5}]}), family({family: 'AAAA', addresses: [{address: '2001:db8::1', ttl: 5}], chain: [{name: 'a', target: 'b', ttl: 1}]}));
		expect(v.verdict).toBe('migrated');
		expect(v.reason).toMatch(/via 1 CNAME\)/);
	});
	it('not-migrated when only A has addresses, naming the SOA of the NODATA', () => {
		const v = judge(family({addresses: [{address: '140.82.121.4', ttl: 60}]}), family({family: 'AAAA', status: 'NODATA', soa}));
		expect(v).toEqual({verdict: 'not-migrated', reason: 'IPv4 only: AAAA is NODATA (SOA github.com)'});
	});
	it('error when both families failed, unresolved for a clean NXDOMAIN', () => {
		expect(judge(family({status: 'TIMEOUT'}), family({family: 'AAAA', status: 'TIMEOUT'})).verdict).toBe('error');
		expect(judge(family({status: 'NXDOMAIN'}), family({family: 'AAAA', status: 'NXDOMAIN'})).verdict).toBe('unresolved');
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
		verdict: 'not-migrated',
		reason: 'IPv4 only: AAAA is NODATA (SOA github.com)',
	};
	it('prints dig-style rows and the SOA of the negative answer, no timings', () => {
		expect(hostBlock(result)).toBe(
			[
				'github.com',
				'  A     NOERROR   127.0.0.1:53/udp',
				'        github.com.  60  IN  A  140.82.121.4',
				'  AAAA  NODATA    127.0.0.1:53/udp',
				'        github.com.  60  IN  SOA  ns1.p16.dynect.net. hostmaster.github.com. 1461162636 3600 600 604800 60',
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
