// Fake lookup events for the view tests: the seed's hosts (linkedin via 2 CNAMEs, github NODATA) plus an invalid and a timed-out one.
import type {LookupEvent, RunSummary} from '../../src/core/events.js';
import {describeRule} from '../../src/select/rfc6724.js';
import {judge} from '../../src/core/verdict.js';
import type {ResolverConfig} from '../../src/resolve/resolv-conf.js';
import type {FamilyOutcome} from '../../src/resolve/types.js';
import type {HostResult} from '../../src/core/host-result.js';
import type {Endpoint} from '../../src/transport/endpoint.js';

export const server: Endpoint = {address: '127.0.0.1', port: 5353, scope: null};

export const config: ResolverConfig = {
	nameservers: [server],
	search: [],
	ndots: 1,
	timeout: 2,
	attempts: 5,
	rotate: false,
	singleRequest: false,
	singleRequestReopen: false,
	noAaaa: false,
	edns0: false,
	trustAd: false,
	useVc: false,
	source: 'demo',
	ignored: [],
};

/** An answered family with the seed's shape; override what differs. */
export function outcome(family: 'A' | 'AAAA', qname: string, fields: Partial<FamilyOutcome>): FamilyOutcome {
	return {
		family,
		status: 'NOERROR',
		qname,
		chain: [],
		addresses: [],
		soa: null,
		otherRecords: [],
		server,
		transport: 'udp',
		rttMs: 0.4,
		queries: 1,
		mismatched: 0,
		flags: {ad: false, aa: true},
		problem: null,
		...fields,
	};
}

/** The seed's `dig AAAA www.linkedin.com`: two CNAME hops with TTL 88, then the AAAA with TTL 1869. */
const linkedinChain = [
	{name: 'www.linkedin.com', target: 'glb-any-eu.www.linkedin.com', ttl: 88},
	{name: 'glb-any-eu.www.linkedin.com', target: 'any-eu.www.linkedin.com', ttl: 88},
];

export const linkedin = {
	a: outcome('A', 'www.linkedin.com', {chain: linkedinChain, addresses: [{address: '13.107.42.14', ttl: 1869}]}),
	aaaa: outcome('AAAA', 'www.linkedin.com', {chain: linkedinChain, addresses: [{address: '2a04:f540:1::b93f:930a', ttl: 1869}]}),
};

/** The seed's `dig AAAA github.com`: no answer, the zone's SOA in the authority section. */
export const github = {
	a: outcome('A', 'github.com', {addresses: [{address: '140.82.121.4', ttl: 60}]}),
	aaaa: outcome('AAAA', 'github.com', {
		status: 'NODATA',
		soa: {
			name: 'github.com',
			ttl: 60,
			mname: 'ns1.p16.dynect.net',
			rname: 'hostmaster.github.com',
			serial: 1461162636,
			refresh: 3600,
			retry: 600,
			expire: 604800,
			minimum: 60,
		},
	}),
};

/** Raw user input with an ESC byte: it must reach the terminal as `\027`, never as a control byte. */
export const evilInput = 'evil\u001b[31mhost';

const invalid = (family: 'A' | 'AAAA'): FamilyOutcome =>
	outcome(family, evilInput, {
		status: 'INVALID',
		server: null,
		transport: null,
		rttMs: null,
		queries: 0,
		flags: null,
		problem: {kind: 'invalid-name', detail: 'name contains a space or a control character'},
	});

const timedOut = (family: 'A' | 'AAAA'): FamilyOutcome =>
	outcome(family, 'slow.example', {status: 'TIMEOUT', server: null, transport: null, rttMs: null, queries: 2, flags: null, problem: {kind: 'timeout', tries: 2}});

function host(index: number, input: string, name: string, a: FamilyOutcome, aaaa: FamilyOutcome): HostResult {
	// No selection in these fixtures: the verdict comes from the DNS outcomes alone.
	return {index, input, name, unicode: null, a, aaaa, selection: null, ...judge(a, aaaa, {selection: null, noAaaa: false, describeRule})};
}

export const results: readonly HostResult[] = [
	host(0, 'www.linkedin.com', 'www.linkedin.com', linkedin.a, linkedin.aaaa),
	host(1, 'github.com', 'github.com', github.a, github.aaaa),
	host(2, evilInput, evilInput, invalid('A'), invalid('AAAA')),
	host(3, 'slow.example', 'slow.example', timedOut('A'), timedOut('AAAA')),
];

export const summary: RunSummary = {
	hosts: 4,
	answered: 2,
	failed: 2,
	anyReply: true,
	verdicts: {migrated: 1, 'not-migrated': 1, error: 2},
	elapsedMs: 4012,
};

const r = (i: number): HostResult => results[i] as HostResult;

/** Per-host events up to (not including) host-done; invalid input sends nothing. */
export function hostEvents(i: number): LookupEvent[] {
	const result = r(i);
	const start: LookupEvent = {kind: 'host-start', index: i, input: result.input};
	if (result.a.status === 'INVALID') return [start];
	const sent = (family: 'A' | 'AAAA'): LookupEvent => ({kind: 'query-sent', index: i, family, qname: result.name, server, transport: 'udp'});
	return [start, sent('A'), sent('AAAA'), {kind: 'family-done', index: i, outcome: result.a}, {kind: 'family-done', index: i, outcome: result.aaaa}];
}

/**
 * A whole run with concurrency in it: all four hosts start, github (1) finishes before linkedin (0),
 * the timeout (3) last; the view must still print them in input order.
 */
export function runEvents(): LookupEvent[] {
	return [
		{kind: 'run-start', stack: 'glibc', sources: 'this host (kernel)', config, hosts: results.map((x) => x.input)},
		...hostEvents(0),
		...hostEvents(1),
		{kind: 'host-done', result: r(1)},
		...hostEvents(2),
		{kind: 'host-done', result: r(2)},
		{kind: 'host-done', result: r(0)},
		...hostEvents(3),
		{kind: 'host-done', result: r(3)},
		{kind: 'run-end', summary},
	];
}
