// The Ink view of the lookup command: finished hosts in <Static>, hosts in flight and the summary live.
import {useEffect, useMemo} from 'react';
import {Box, Static, useApp} from 'ink';
import type {LookupEvent} from '../core/events.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import type {HostResult} from '../core/host-result.js';
import {Header} from './components/Header.js';
import {HostBlock} from './components/HostBlock.js';
import {PaletteProvider} from './components/palette.js';
import {PendingHostBlock} from './components/PendingHostBlock.js';
import {ProgressLine, SummaryLine} from './components/SummaryLine.js';
import {useLookupEvents} from './hooks/use-lookup-events.js';
import {doneCount, type LookupViewState} from './state.js';

/** What <Static> prints, once each, top to bottom: the header, then hosts in input order. */
type StaticItem =
	| {
			readonly kind: 'header';
			readonly config: ResolverConfig;
			readonly total: number;
			readonly selection: LookupViewState['selection'];
	  }
	| {readonly kind: 'host'; readonly result: HostResult};

type ViewProps = {
	readonly state: LookupViewState;
	/** False under NO_COLOR: no colours, no dim, no bold. */
	readonly color: boolean;
};

/** The pure view of a state, for tests that want a frame without a stream. */
export function LookupView({state, color}: ViewProps) {
	const {config, total, finished, selection} = state;
	// <Static> prints only items past the count it has seen, so the list may only ever grow at the end.
	// The header goes first, which is why nothing is listed before run-start brings the config.
	const items = useMemo<StaticItem[]>(
		() => (config === null ? [] : [{kind: 'header', config, total, selection}, ...finished.map((result) => ({kind: 'host' as const, result}))]),
		[config, total, selection, finished],
	);
	return (
		<PaletteProvider color={color}>
			<Static items={items}>
				{(item) =>
					item.kind === 'header' ? (
						<Header key="header" config={item.config} total={item.total} selection={item.selection} />
					) : (
						<HostBlock key={item.result.index} result={item.result} />
					)
				}
			</Static>
			<Box flexDirection="column">
				{state.running.map((host) => (
					<PendingHostBlock key={host.index} host={host} />
				))}
				{state.summary !== null ? (
					<SummaryLine summary={state.summary} anySent={state.anySent} />
				) : config !== null ? (
					<ProgressLine done={doneCount(state)} total={total} held={state.waiting.length} />
				) : null}
			</Box>
		</PaletteProvider>
	);
}

type AppProps = {
	readonly events: AsyncIterable<LookupEvent>;
	readonly color: boolean;
};

/**
 * Consumes the stream and unmounts once run-end is on screen: the effect runs after the commit that
 * rendered the summary, and Ink's unmount flushes any throttled frame before it lets go. A stream that
 * fails, or ends without run-end, unmounts with an error, so waitUntilExit() rejects with it.
 */
export function LookupApp({events, color}: AppProps) {
	const {state, stream} = useLookupEvents(events);
	const {exit} = useApp();
	const finished = state.summary !== null;

	useEffect(() => {
		let outcome: Error | undefined | null = null;
		if (stream.kind === 'failed') outcome = stream.error instanceof Error ? stream.error : new Error(String(stream.error));
		else if (finished) outcome = undefined;
		else if (stream.kind === 'ended') outcome = new Error('lookup stream ended without a run-end event');
		if (outcome === null) return;
		// Exit one macrotask later, not in this effect: when the last hosts and run-end land in one
		// commit, <Static> has written its new items but its own re-render (which empties them) is not
		// committed yet, and unmounting now makes Ink's final render write them a second time (seen in
		// CI mode, where Ink appends static output instead of redrawing).
		const timer = setTimeout(() => exit(outcome), 0);
		return () => clearTimeout(timer);
	}, [exit, finished, stream]);

	return <LookupView state={state} color={color} />;
}
