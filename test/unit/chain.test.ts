// CNAME chain walking: the seed's chains, loops, the hop limit, and follow-up bookkeeping.
import {describe, expect, it} from 'vitest';
import {maxChainHops, walkChain} from '../../src/resolve/chain.js';
import type {WireRecord} from '../../src/wire/codec.js';

const rr = (name: string, type: string, data: string, ttl = 60): WireRecord => ({name, type, class: 'IN', ttl, data});

describe('walkChain', () => {
	it('follows the seed linkedin chain of two CNAMEs to the AAAA', () => {
		const answers = [
			rr('www.linkedin.com', 'CNAME', 'glb-any-eu.www.linkedin.com', 88),
			rr('glb-any-eu.www.linkedin.com', 'CNAME', 'any-eu.www.linkedin.com', 88),
			rr('any-eu.www.linkedin.com', 'AAAA', '2a04:f540:1::b93f:930a', 1869),
		];
		const walk = walkChain(answers, 'www.linkedin.com', 'AAAA');
		expect(walk.end).toBe('addresses');
		expect(walk.chain).toEqual([
			{name: 'www.linkedin.com', target: 'glb-any-eu.www.linkedin.com', ttl: 88},
			{name: 'glb-any-eu.www.linkedin.com', target: 'any-eu.www.linkedin.com', ttl: 88},
		]);
		expect(walk.end === 'addresses' && walk.addresses).toEqual([{address: '2a04:f540:1::b93f:930a', ttl: 1869}]);
	});

	it('is order-independent and case-insensitive (RFC 4343)', () => {
		const answers = [rr('B.example', 'A', '192.0.2.1'), rr('a.EXAMPLE', 'CNAME', 'b.example')];
		const walk = walkChain(answers, 'A.example', 'A');
		expect(walk.end).toBe('addresses');
		expect(walk.tail).toBe('b.example');
	});

	it('ignores records of the asked type owned by a name off the chain', () => {
		const walk = walkChain([rr('other.example', 'A', '192.0.2.9')], 'a.example', 'A');
		expect(walk).toEqual({end: 'stopped', chain: [], tail: 'a.example'});
	});

	it('stops at the tail when the chain leaves the answer (the client must follow)', () => {
		const walk = walkChain([rr('out.example', 'CNAME', 'target.other')], 'out.example', 'AAAA');
		expect(walk.end).toBe('stopped');
		expect(walk.tail).toBe('target.other');
	});

	it('reports a loop as such', () => {
		const walk = walkChain([rr('a.example', 'CNAME', 'b.example'), rr('b.example', 'CNAME', 'a.example')], 'a.example', 'A');
		expect(walk.end).toBe('loop');
		expect(walk.chain).toHaveLength(2);
	});

	it('stops a 20-hop chain at 16 hops', () => {
		const answers = Array.from({length: 20}, (_, i) => rr(`h${i}.example`, 'CNAME', `h${i + 1}.example`));
		answers.push(rr('h20.example', 'A', '192.0.2.1'));
		const walk = walkChain(answers, 'h0.example', 'A');
		expect(walk.end).toBe('too-long');
		expect(walk.chain).toHaveLength(maxChainHops);
	});

	it('counts hops and loops across follow-up replies through `prior`', () => {
		const prior = [{name: 'a.example', target: 'b.example', ttl: 1}];
		expect(walkChain([rr('b.example', 'CNAME', 'a.example')], 'b.example', 'A', prior).end).toBe('loop');
		const long = Array.from({length: 16}, (_, i) => ({name: `p${i}`, target: `p${i + 1}`, ttl: 1}));
		expect(walkChain([rr('p16', 'CNAME', 'p17')], 'p16', 'A', long).end).toBe('too-long');
	});
});
