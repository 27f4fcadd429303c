// Seed messages for fuzzing the DNS decoder: real shapes (chains, SOA, TXT, OPT, compression).
import dnsPacket from 'dns-packet';
import '../../src/wire/codec.js';

export const seedMessages: readonly Buffer[] = [
	dnsPacket.encode({
		type: 'response',
		id: 1,
		flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
		questions: [{type: 'AAAA', name: 'www.linkedin.com'}],
		answers: [
			{type: 'CNAME', name: 'www.linkedin.com', ttl: 88, data: 'glb-any-eu.www.linkedin.com'},
			{type: 'CNAME', name: 'glb-any-eu.www.linkedin.com', ttl: 88, data: 'any-eu.www.linkedin.com'},
			{type: 'AAAA', name: 'any-eu.www.linkedin.com', ttl: 1869, data: '2a04:f540:1::b93f:930a'},
		],
		additionals: [{type: 'OPT', name: '.', udpPayloadSize: 1232} as never],
	}),
	dnsPacket.encode({
		type: 'response',
		id: 2,
		questions: [{type: 'AAAA', name: 'github.com'}],
		authorities: [{type: 'SOA', name: 'github.com', ttl: 60, data: {mname: 'ns1.p16.dynect.net', rname: 'hostmaster.github.com', serial: 1461162636, refresh: 3600, retry: 600, expire: 604800, minimum: 60}}],
	}),
	dnsPacket.encode({
		type: 'response',
		id: 3,
		questions: [{type: 'TXT', name: 'x.example'}],
		answers: [{type: 'TXT', name: 'x.example', ttl: 5, data: ['hello', 'world']}, {type: 'A', name: 'x.example', ttl: 5, data: '192.0.2.1'}],
	}),
];
