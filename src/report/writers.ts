// Stream consumers for the non-Ink views: NDJSON and plain text, both in input order, both streamed.
import type {LookupEvent, RunSummary} from '../core/events.js';
import type {HostResult} from '../core/host-result.js';
import {hostLine} from './json.js';
import {hostBlock, summaryLine} from './text.js';

/** Something to write to: process.stdout in the CLI, an array in tests. */
export interface Sink {
	write(chunk: string): unknown;
}

/**
 * Writes each host as soon as it and every host before it are done, so the output order is the input
 * order while results still stream. Returns the run summary.
 */
async function inOrder(events: AsyncIterable<LookupEvent>, emit: (result: HostResult) => void): Promise<RunSummary> {
	const waiting = new Map<number, HostResult>();
	let nextIndex = 0;
	let summary: RunSummary | null = null;
	for await (const event of events) {
		if (event.kind === 'host-done') {
			waiting.set(event.result.index, event.result);
			for (let ready = waiting.get(nextIndex); ready !== undefined; ready = waiting.get(nextIndex)) {
				waiting.delete(nextIndex++);
				emit(ready);
			}
		} else if (event.kind === 'run-end') {
			summary = event.summary;
		}
	}
	if (summary === null) throw new Error('lookup stream ended without a summary');
	return summary;
}

export function writeNdjson(events: AsyncIterable<LookupEvent>, sink: Sink): Promise<RunSummary> {
	return inOrder(events, (result) => sink.write(hostLine(result)));
}

export async function writeText(events: AsyncIterable<LookupEvent>, sink: Sink): Promise<RunSummary> {
	const summary = await inOrder(events, (result) => sink.write(hostBlock(result)));
	sink.write(summaryLine(summary));
	return summary;
}
