// RecordWriter's flushing: at 64 KiB, else within flushMs of a record, with one timer at a time.
import {afterEach, describe, expect, it, vi} from 'vitest';
import {RecordWriter, type ByteSink} from '../../src/batch/output.js';
import type {BatchRecord} from '../../src/batch/record.js';
import type {JsonBytes} from '../../src/report/json-bytes.js';

/** A record of `size` bytes (its line and newline). */
function recordOf(size: number, n: number): BatchRecord {
	const text = `{"n":${n},"pad":"${'x'.repeat(Math.max(0, size - 16 - String(n).length))}"}\n`;
	return {json: {}, brief: {verdict: 'migrated', a: 'NOERROR', aaaa: 'NOERROR'}, queries: 2, write: (out: JsonBytes) => out.ascii(text), line: () => text} as unknown as BatchRecord;
}

function sink(): ByteSink & {writes: number[]} {
	const writes: number[] = [];
	return {writes, write: (chunk) => void writes.push(chunk.length), writeBytes: (bytes) => void writes.push(bytes.length), close: () => undefined};
}

describe('RecordWriter (ndjson)', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('writes at 64 KiB, and a record after that within flushMs of being added, with one timer at a time', () => {
		vi.useFakeTimers();
		const out = sink();
		const writer = new RecordWriter('ndjson', out, 200);
		writer.record(recordOf(1000, 0));
		expect(out.writes).toEqual([]);
		expect(vi.getTimerCount()).toBe(1);
		vi.advanceTimersByTime(50);
		// 65 more records pass 64 KiB: one write of all 66, and the timer is still the one armed first.
		for (let n = 1; n <= 65; n++) writer.record(recordOf(1000, n));
		expect(out.writes).toEqual([66_000]);
		writer.record(recordOf(1000, 66));
		expect(vi.getTimerCount()).toBe(1);
		// That record goes out when the first timer fires (150 ms on), sooner than its own 200 ms.
		vi.advanceTimersByTime(149);
		expect(out.writes).toEqual([66_000]);
		vi.advanceTimersByTime(1);
		expect(out.writes).toEqual([66_000, 1000]);
		expect(vi.getTimerCount()).toBe(0);
		// Nothing pending: no timer, no empty write; the next record arms one again.
		vi.advanceTimersByTime(1000);
		expect(out.writes).toEqual([66_000, 1000]);
		writer.record(recordOf(1000, 67));
		expect(vi.getTimerCount()).toBe(1);
		vi.advanceTimersByTime(200);
		expect(out.writes).toEqual([66_000, 1000, 1000]);
	});

	it('close writes what is left and leaves no timer', () => {
		vi.useFakeTimers();
		const out = sink();
		const writer = new RecordWriter('ndjson', out, 200);
		writer.record(recordOf(500, 1));
		writer.close();
		expect(out.writes).toEqual([500]);
		expect(vi.getTimerCount()).toBe(0);
	});
});
