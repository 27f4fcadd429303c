// The batch's Ink view as frames: progress bar, rate, ETA, the capped in-flight note, the AWS note, the summary.
import {createElement} from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {ProgressMeter, progressLine, summaryText, type ProgressSnapshot} from '../../src/batch/progress.js';
import {BatchTally} from '../../src/batch/tally.js';
import type {BatchSummary} from '../../src/batch/tally.js';
import {BatchView} from '../../src/ui/BatchApp.js';
import {PaletteProvider} from '../../src/ui/components/palette.js';

const snapshot: ProgressSnapshot = {
	elapsedMs: 4000,
	linesDone: 5000,
	totalLines: 20000,
	records: 4990,
	inFlight: 900,
	limit: 900,
	concurrency: 2000,
	rate: 1250,
	etaSeconds: 12,
	verdicts: {migrated: 2700, 'not-migrated': 1500, unresolved: 790},
	failed: 0,
};

const summary: BatchSummary = {
	lines: 20005,
	records: 20206,
	checked: 20000,
	duplicates: 206,
	invalid: 0,
	resumed: 0,
	skipped: {comment: 1, blank: 4, header: 0, otherShard: 0},
	verdicts: {migrated: 11112, 'not-migrated': 6063, unresolved: 3031},
	status: {A: {NOERROR: 17175, NXDOMAIN: 2021, SERVFAIL: 1010}, AAAA: {NODATA: 6063, NOERROR: 11112, NXDOMAIN: 2021, SERVFAIL: 1010}},
	migratedShare: 0.5499,
	queries: 42000,
	elapsedMs: 10_500,
	namesPerSecond: 1905,
	queriesPerSecond: 4000,
	qps: null,
	interrupted: null,
	unfinished: 0,
};

const frame = (props: Parameters<typeof BatchView>[0]): string =>
	render(createElement(PaletteProvider, {color: false, children: createElement(BatchView, props)})).lastFrame() ?? '';

describe('batch view', () => {
	it('draws a progress bar with percentage, rate, ETA, the in-flight cap and the tally, cut to the width', () => {
		const text = frame({info: {heading: '127.0.0.1:53 · concurrency 2000 · no packet cap', note: null}, snapshot, summary: null});
		expect(text).toContain('he6-dns batch · 127.0.0.1:53');
		expect(text).toMatch(/█+░+ 25% 5000\/20000 lines · 1250 lines\/s · ETA 12s · 900 in flight \(capped/);
		expect(text).toContain('migrated 2700 · not-migrated 1500 · unresolved 790');
	});

	it('shows why --qps is what it is, and the summary at the end', () => {
		const note = '--qps 900: 169.254.169.253:53 is the AWS VPC resolver, which silently drops every packet over 1024/s';
		const text = frame({info: {heading: 'x', note}, snapshot, summary});
		expect(text).toContain('is the AWS VPC resolver');
		expect(text).toContain('batch: 20206 records from 20005 lines · 55.0% migrated');
		expect(text).not.toContain('lines/s ·');
	});

	it('has plain-text twins for stderr without a terminal', () => {
		expect(progressLine(snapshot)).toBe(
			'batch: 5000/20000 lines (25%) · 1250 lines/s · ETA 12s · 900 in flight (capped at 900 of 2000: this process is the bottleneck) · migrated 2700, not-migrated 1500, unresolved 790\n',
		);
		expect(summaryText(summary)).toBe(
			[
				'batch: 20206 records from 20005 lines · 55.0% migrated',
				'  checked   20000 names in 11s (1905/s), 42000 queries (4000/s); 206 duplicates',
				'  verdicts  migrated 11112, not-migrated 6063, unresolved 3031',
				'  A         NOERROR 17175, NXDOMAIN 2021, SERVFAIL 1010',
				'  AAAA      NODATA 6063, NOERROR 11112, NXDOMAIN 2021, SERVFAIL 1010',
				'  no record 1 comment, 4 blank',
				'',
			].join('\n'),
		);
	});
});

describe('ProgressMeter', () => {
	it('takes the total from a count still running: unknown (no percentage, no ETA) until it is in', async () => {
		let finish: (n: number | null) => void = () => {};
		const count = new Promise<number | null>((resolve) => (finish = resolve));
		let t = 0;
		const engine = {progress: () => ({linesRead: 10 * t, bytesRead: 0, inFlight: 0, limit: 8})};
		const meter = new ProgressMeter(engine, new BatchTally(), count, 8, () => t * 1000);
		t = 1;
		const before = meter.sample();
		expect(before.totalLines).toBeNull();
		expect(before.etaSeconds).toBeNull();
		expect(progressLine(before)).not.toMatch(/%/);
		finish(40);
		await count;
		t = 2;
		const after = meter.sample();
		expect(after.totalLines).toBe(40);
		expect(after.etaSeconds).toBe(2);
		expect(progressLine(after)).toMatch(/20\/40 lines \(50(\.0)?%\)/);
		// A count that fails leaves the total unknown, as a list from stdin.
		const failed = new ProgressMeter(engine, new BatchTally(), Promise.reject(new Error('EIO')), 8, () => 0);
		await new Promise((resolve) => setImmediate(resolve));
		expect(failed.sample().totalLines).toBeNull();
	});
});
