// The guarded decoder: the checks dns-packet lacks, as Results, never a throw.
import {describe, expect, it} from 'vitest';
import dnsPacket from 'dns-packet';
import {decodeMessage, encodeQuery, ednsPayloadSize} from '../../src/wire/codec.js';

const reply = dnsPacket.encode({
	type: 'response',
	id: 9,
	questions: [{type: 'A', name: 'a.example'}],
	answers: [{type: 'A', name: 'a.example', ttl: 5, data: '192.0.2.1'}],
});

describe('decodeMessage', () => {
	it('decodes a complete reply', () => {
		const decoded = decodeMessage(reply);
		expect(decoded.ok && decoded.value.answers[0]?.data).toBe('192.0.2.1');
	});
	it('refuses a message shorter than the header', () => expect(decodeMessage(reply.subarray(0, 11))).toEqual({ok: false, error: {kind: 'short-header', length: 11}}));
	it('refuses header counts that cannot fit before decoding (0xFFFF amplification)', () => {
		const header = Buffer.from([0, 1, 0x81, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
		expect(decodeMessage(header)).toMatchObject({ok: false, error: {kind: 'counts-exceed-length'}});
	});
	it('refuses truncated RDATA that dns-packet would accept quietly', () => {
		const cut = reply.subarray(0, reply.length - 2);
		const decoded = decodeMessage(cut);
		expect(decoded.ok).toBe(false);
	});
	it('refuses a TXT cut inside its strings, which dns-packet decodes into garbage records', () => {
		const txt = dnsPacket.encode({
			type: 'response',
			id: 3,
			questions: [{type: 'TXT', name: 'x.example'}],
			answers: [{type: 'TXT', name: 'x.example', ttl: 5, data: ['hello', 'world']}, {type: 'A', name: 'x.example', ttl: 5, data: '192.0.2.1'}],
		});
		for (let cut = 12; cut < txt.length; cut++) expect(decodeMessage(txt.subarray(0, cut)).ok, `cut at ${cut}`).toBe(false);
		expect(decodeMessage(txt).ok).toBe(true);
	});
	it('refuses a record whose RDLENGTH disagrees with what its type reads', () => {
		const bad = Buffer.from(reply);
		bad.writeUInt16BE(3, bad.length - 6); // the A record's RDLENGTH says 3, its RDATA is 4 bytes
		expect(decodeMessage(bad).ok).toBe(false);
	});
	it.each([
		['NS', 2, [], [1, 0x78, 0]],
		['SRV', 33, [0, 1, 0, 2, 0, 53], [1, 0x78, 0]],
	])('refuses an %s whose name stops short of its RDLENGTH or runs past it (dns-packet advances by RDLENGTH)', (_type, type, fixed, target) => {
		const record = (rdata: number[]): number[] => [0xc0, 12, 0, type, 0, 1, 0, 0, 0, 60, 0, rdata.length, ...rdata];
		const message = (records: number[][]): Buffer => Buffer.from([0, 9, 0x81, 0x80, 0, 1, 0, records.length, 0, 0, 0, 0, 1, 0x71, 0, 0, type, 0, 1, ...records.flat()]);
		const exact = [...fixed, ...target];
		expect(decodeMessage(message([record(exact)])).ok).toBe(true);
		expect(decodeMessage(message([record([...exact, 0xff])])).ok).toBe(false);
		// The name's root byte cut from the RDATA: the name would end on the next record's owner, the root
		// name `.`, and everything after would still line up.
		const rootA = [0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
		expect(decodeMessage(message([record(exact), rootA])).ok).toBe(true);
		expect(decodeMessage(message([record(exact.slice(0, -1)), rootA])).ok).toBe(false);
	});
	it('turns a bad compression pointer into a bad-name error', () => {
		const bad = Buffer.from(reply);
		bad[12] = 0xc0;
		bad[13] = 0x20; // points forwards
		expect(decodeMessage(bad)).toMatchObject({ok: false, error: {kind: 'bad-name'}});
	});
	it('never throws on random bytes', () => {
		for (let i = 0; i < 2000; i++) {
			const junk = Buffer.from(Array.from({length: (i % 80) + 1}, () => Math.floor(Math.random() * 256)));
			expect(() => decodeMessage(junk)).not.toThrow();
		}
	});
});

describe('encodeQuery', () => {
	it('sets RD, the id, the question and an OPT with 1232 bytes (RFC 6891)', () => {
		const decoded = dnsPacket.decode(encodeQuery({id: 4660, name: 'www.linkedin.com', type: 'AAAA', edns: true, ad: false}));
		expect(decoded.id).toBe(4660);
		expect(decoded.flag_rd).toBe(true);
		expect(decoded.questions).toEqual([{name: 'www.linkedin.com', type: 'AAAA', class: 'IN'}]);
		expect(decoded.additionals?.[0]).toMatchObject({type: 'OPT', udpPayloadSize: ednsPayloadSize});
	});
	it('sets AD with trust-ad and leaves OPT out without EDNS', () => {
		const decoded = dnsPacket.decode(encodeQuery({id: 1, name: 'a.example', type: 'A', edns: false, ad: true}));
		expect(decoded.flag_ad).toBe(true);
		expect(decoded.additionals).toEqual([]);
	});
});
