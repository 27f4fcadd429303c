// The pair tracker under a flood of one name from many sockets: the newest 64 sockets per name are held, pairs among them still found.
import {describe, expect, it} from 'vitest';
import {PairTracker, type PairHalf} from '../../src/capture/gai-pairs.js';

const server = {address: '127.0.0.1', port: 53, scope: null};
let id = 0;
/** A query of `qtype` for `name` from client port `port`, sent at `first` ms. */
const query = (port: number, qtype: 'A' | 'AAAA', first: number, name = 'flood.example'): PairHalf => ({
	transport: 'udp',
	client: {address: '10.0.0.1', port, scope: null},
	server,
	folded: name,
	id: id++ & 0xffff,
	qtype,
	first,
	pair: null,
	answered: null,
	lastOnSocket: false,
	socketNext: null,
});

describe('PairTracker with many sockets asking one name', () => {
	it('pairs every socket while at most 64 ask within the window', () => {
		const tracker = new PairTracker(10);
		for (let port = 1; port <= 64; port++) tracker.track(query(port, 'A', port * 0.01));
		for (let port = 1; port <= 64; port++) tracker.track(query(port, 'AAAA', 1 + port * 0.01));
		expect(tracker.pairs).toBe(64);
	});

	it('holds the newest 64 of a flood: their pairs are found, an older socket’s second half is not paired', () => {
		const tracker = new PairTracker(10);
		for (let port = 1; port <= 1000; port++) tracker.track(query(port, 'A', port * 0.001));
		const newest = query(1000, 'AAAA', 1.5);
		tracker.track(newest);
		expect(newest.pair).not.toBeNull();
		const oldest = query(1, 'AAAA', 1.6);
		tracker.track(oldest);
		expect(oldest.pair).toBeNull();
		expect(tracker.pairs).toBe(1);
		// Other names keep their own buckets.
		tracker.track(query(7, 'A', 2, 'quiet.example'));
		const quiet = query(7, 'AAAA', 2.1, 'quiet.example');
		tracker.track(quiet);
		expect(quiet.pair).not.toBeNull();
	});
});
