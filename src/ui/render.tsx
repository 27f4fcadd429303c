// Entry point of the Ink view; the CLI imports this lazily so plain and JSON output never load React.
import {render} from 'ink';
import type {LookupEvent} from '../core/events.js';
import {LookupApp} from './LookupApp.js';
import {colorWanted} from './components/palette.js';

export interface RenderLookupOptions {
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
}

/**
 * Renders the lookup view until the run ends. Resolves once run-end has been drawn and Ink has
 * unmounted; rejects if the stream fails. The caller decides whether a TTY warrants Ink at all
 * (stdout.isTTY and not CI): in a pipe, ink 6.8 writes erase sequences between frames.
 *
 * No useInput anywhere: without raw mode Ctrl+C stays a plain SIGINT for the CLI to handle, and a
 * non-TTY stdin cannot crash the view ("Raw mode is not supported").
 */
export async function renderLookupView(events: AsyncIterable<LookupEvent>, options: RenderLookupOptions = {}): Promise<void> {
	const instance = render(<LookupApp events={events} color={colorWanted(process.env)} />, {
		stdout: options.stdout ?? process.stdout,
		stdin: options.stdin ?? process.stdin,
		// Ink's exit handler would only matter in raw mode, which this view never enters.
		exitOnCtrlC: false,
	});
	await instance.waitUntilExit();
}
