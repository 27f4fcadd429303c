// The lookup command's core: many hosts, bounded concurrency, one event stream for every view.
import {createHostChecker, type HostCheckOptions} from './host-check.js';
import type {HostResult} from './host-result.js';
import {EventQueue} from './event-queue.js';
import type {LookupEvent, RunSummary} from './events.js';
import {monotonicMs} from '../transport/clock.js';

export interface LookupRunOptions extends HostCheckOptions {
	/** Hosts resolved at once; each holds one socket. */
	readonly concurrency: number;
	readonly signal?: AbortSignal;
}

const failedStatus = new Set(['TIMEOUT', 'ERROR', 'INVALID']);

/** Running totals for the summary (no result is kept, so memory does not grow with the inputs). */
export class Tally {
	hosts = 0;
	failed = 0;
	anyReply = false;
	readonly verdicts: Record<string, number> = {};

	add(result: HostResult): void {
		this.hosts++;
		this.verdicts[result.verdict] = (this.verdicts[result.verdict] ?? 0) + 1;
		if (failedStatus.has(result.a.status) || failedStatus.has(result.aaaa.status)) this.failed++;
		if (result.a.rttMs !== null || result.aaaa.rttMs !== null) this.anyReply = true;
	}

	summary(elapsedMs: number): RunSummary {
		return {hosts: this.hosts, answered: this.hosts - this.failed, failed: this.failed, anyReply: this.anyReply, verdicts: {...this.verdicts}, elapsedMs: Math.round(elapsedMs)};
	}
}

/** Resolves `inputs` and yields the events; ends with exactly one `run-end`. Never throws for DNS trouble. */
export function runLookups(inputs: readonly string[], options: LookupRunOptions): AsyncIterable<LookupEvent> {
	const queue = new EventQueue<LookupEvent>();
	const checker = createHostChecker(options);
	const started = monotonicMs();
	const tally = new Tally();
	let next = 0;

	const one = async (index: number): Promise<void> => {
		const input = inputs[index] as string;
		queue.push({kind: 'host-start', index, input});
		const result = await checker.check(input, index, {
			onSend: (family, qname, server, transport) => queue.push({kind: 'query-sent', index, family, qname, server, transport}),
			onFamily: (outcome) => queue.push({kind: 'family-done', index, outcome}),
		});
		tally.add(result);
		queue.push({kind: 'host-done', result});
	};

	const worker = async (): Promise<void> => {
		while (next < inputs.length && !options.signal?.aborted) await one(next++);
	};

	queue.push({kind: 'run-start', config: options.config, hosts: inputs, stack: options.selection.stack, sources: options.selection.label});
	const workers = Array.from({length: Math.max(1, Math.min(options.concurrency, inputs.length))}, worker);
	Promise.all(workers).then(
		() => {
			queue.push({kind: 'run-end', summary: tally.summary(monotonicMs() - started)});
			queue.end();
		},
		(error: unknown) => queue.end(error),
	);
	return queue;
}
