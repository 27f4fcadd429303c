// The search list order of glibc's res_search.
import {describe, expect, it} from 'vitest';
import {searchCandidates} from '../../src/resolve/search.js';

const config = {search: ['corp.example', 'example.net'], ndots: 1};

describe('searchCandidates', () => {
	it('asks a name with at least ndots dots as is first', () => {
		expect(searchCandidates('github.com', false, config)).toEqual(['github.com', 'github.com.corp.example', 'github.com.example.net']);
	});
	it('asks a single label with the suffixes first, as is last', () => {
		expect(searchCandidates('intranet', false, config)).toEqual(['intranet.corp.example', 'intranet.example.net', 'intranet']);
	});
	it('honours a larger ndots (Kubernetes-style ndots:5)', () => {
		expect(searchCandidates('www.github.com', false, {...config, ndots: 5})[0]).toBe('www.github.com.corp.example');
	});
	it('asks an absolute name, or any name with --no-search, only as is', () => {
		expect(searchCandidates('github.com', true, config)).toEqual(['github.com']);
		expect(searchCandidates('intranet', false, config, false)).toEqual(['intranet']);
	});
});
