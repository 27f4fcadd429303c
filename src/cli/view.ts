// Chooses the view for a lookup stream (the only place that decides) and runs it to the end.
import isInCi from 'is-in-ci';
import type {LookupEvent, RunSummary} from '../core/events.js';
import {writeNdjson, writeText} from '../report/writers.js';

export type ViewChoice = 'json' | 'text' | 'ink';

/** Ink only on a real terminal outside CI; `--plain` and `--json` always win. */
export function chooseView(options: {json?: boolean | undefined; plain?: boolean | undefined}, stdout: NodeJS.WriteStream = process.stdout): ViewChoice {
	if (options.json) return 'json';
	if (options.plain || !stdout.isTTY || isInCi) return 'text';
	return 'ink';
}

/** Consumes the stream with the chosen view and returns the run summary. */
export async function showLookup(events: AsyncIterable<LookupEvent>, view: ViewChoice): Promise<RunSummary> {
	if (view === 'json') return writeNdjson(events, process.stdout);
	if (view === 'text') return writeText(events, process.stdout);
	// React and Ink are loaded only when a terminal view is shown (start-up time of the plain path).
	let summary: RunSummary | null = null;
	const tee = async function* (): AsyncIterable<LookupEvent> {
		for await (const event of events) {
			if (event.kind === 'run-end') summary = event.summary;
			yield event;
		}
	};
	const {renderLookupView} = await import('../ui/render.js');
	await renderLookupView(tee(), {});
	if (summary === null) throw new Error('lookup stream ended without a summary');
	return summary;
}
