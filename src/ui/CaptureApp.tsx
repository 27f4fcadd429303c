// The Ink view of `he6-dns capture`: counters, then the scrolling exchanges or the inventory; p, /, v and q keys.
import {useEffect, useReducer, useRef, useState} from 'react';
import {Box, render, Text, useApp, useInput, useStdin, useStdout} from 'ink';
import type {ExchangeEvent} from '../capture/events.js';
import {CaptureExchanges, CaptureInventory} from './components/CaptureBody.js';
import {CaptureFooter, CaptureHeader} from './components/CaptureChrome.js';
import {colorWanted, PaletteProvider} from './components/palette.js';
import {initialCaptureState, matchesFilter, reduceCapture, type CaptureFeed, type CaptureViewState} from './capture-state.js';

export type CaptureViewMode = 'exchanges' | 'inventory';

export interface CaptureUi {
	readonly view: CaptureViewMode;
	/** The exchanges frozen at the moment of pausing, or null while scrolling. */
	readonly frozen: readonly ExchangeEvent[] | null;
	readonly filter: string;
	readonly editing: boolean;
}

export const initialUi: CaptureUi = {view: 'exchanges', frozen: null, filter: '', editing: false};

type ViewProps = {
	readonly state: CaptureViewState;
	readonly ui: CaptureUi;
	readonly color: boolean;
	readonly keys: boolean;
	readonly rows: number;
	readonly columns: number;
};

/** The pure view of a state, for tests that want a frame without a feed. */
export function CaptureView({state, ui, color, keys, rows, columns}: ViewProps) {
	// Three header lines (one spare for the counters wrapping), a rule, the footer: the rest is the
	// body, so the live region never grows past the screen (Ink would then scroll and leave copies).
	const body = Math.max(3, rows - 7);
	const exchanges = (ui.frozen ?? state.exchanges).filter((e) => matchesFilter(e.qname, ui.filter));
	const names = state.names.filter((n) => matchesFilter(n.name, ui.filter));
	return (
		<PaletteProvider color={color}>
			<Box flexDirection="column">
				<CaptureHeader state={state} paused={ui.frozen !== null} view={ui.view} />
				<Text dimColor={color}>{'─'.repeat(Math.max(10, Math.min(columns, 200) - 1))}</Text>
				{ui.view === 'exchanges' ? <CaptureExchanges exchanges={exchanges} rows={body} /> : <CaptureInventory names={names} rows={body} width={columns} />}
				<CaptureFooter filter={ui.filter} editing={ui.editing} keys={keys} paused={ui.frozen !== null} error={state.error} ended={state.summary !== null} />
			</Box>
		</PaletteProvider>
	);
}

/** Key handling as a pure step, so tests can drive it without a terminal. */
type KeyFlags = {readonly return?: boolean; readonly escape?: boolean; readonly backspace?: boolean; readonly delete?: boolean};

export function applyKey(ui: CaptureUi, input: string, key: KeyFlags, state: CaptureViewState): CaptureUi | 'quit' {
	// Ink hands over a paste, or keys typed faster than it reads (`zzz` + Enter), as one string: one key at a time.
	if (input.length > 1 && key.return !== true && key.escape !== true) {
		let next: CaptureUi | 'quit' = ui;
		for (const c of input) {
			if (next === 'quit') break;
			const flags: KeyFlags = c === '\r' || c === '\n' ? {return: true} : c === '\x7f' || c === '\b' ? {backspace: true} : c === '\x1b' ? {escape: true} : {};
			next = applyKey(next, Object.keys(flags).length > 0 ? '' : c, flags, state);
		}
		return next;
	}
	if (ui.editing) {
		if (key.return === true) return {...ui, editing: false};
		if (key.escape === true) return {...ui, editing: false, filter: ''};
		if (key.backspace === true || key.delete === true) return {...ui, filter: ui.filter.slice(0, -1)};
		// Printable text only: the filter is shown on screen.
		return /^[\x21-\x7e]+$/.test(input) ? {...ui, filter: ui.filter + input} : ui;
	}
	if (input === 'q') return 'quit';
	if (input === 'p') return {...ui, frozen: ui.frozen === null ? state.exchanges : null};
	if (input === 'v') return {...ui, view: ui.view === 'exchanges' ? 'inventory' : 'exchanges'};
	if (input === '/') return {...ui, editing: true};
	if (key.escape === true) return {...ui, filter: ''};
	return ui;
}

type AppProps = {
	readonly feed: CaptureFeed;
	readonly color: boolean;
	/** Called on q or Ctrl-C: the CLI stops the capture, flushes, and the feed's `end` closes the view. */
	readonly onQuit: () => void;
};

export function CaptureApp({feed, color, onQuit}: AppProps) {
	const [state, dispatch] = useReducer(reduceCapture, initialCaptureState);
	const [ui, setUi] = useState<CaptureUi>(initialUi);
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	const {stdout} = useStdout();
	const [size, setSize] = useState({rows: stdout.rows ?? 24, columns: stdout.columns ?? 80});

	useEffect(() => feed.subscribe(dispatch), [feed]);
	useEffect(() => {
		const resize = (): void => setSize({rows: stdout.rows ?? 24, columns: stdout.columns ?? 80});
		stdout.on('resize', resize);
		return () => void stdout.off('resize', resize);
	}, [stdout]);
	// Unmount one macrotask after `end` is drawn (as LookupApp does), so the last frame stays on screen.
	useEffect(() => {
		if (state.summary === null) return;
		const timer = setTimeout(() => exit(), 0);
		return () => clearTimeout(timer);
	}, [exit, state.summary]);
	// Without raw mode (stdin not a TTY) useInput would throw; Ctrl-C is then a plain SIGINT for the CLI.
	// Refs, not the render's values: keys that arrive in one tick (typed fast, or `zzz` then Enter from
	// tmux) must each see the previous one's result, which a closure over `ui` would not.
	const uiRef = useRef(ui);
	const stateRef = useRef(state);
	stateRef.current = state;
	useInput(
		(input, key) => {
			if (key.ctrl && input === 'c') return onQuit();
			const next = applyKey(uiRef.current, input, key, stateRef.current);
			if (next === 'quit') return onQuit();
			uiRef.current = next;
			setUi(next);
		},
		{isActive: isRawModeSupported === true},
	);
	return <CaptureView state={state} ui={ui} color={color} keys={isRawModeSupported === true} rows={size.rows} columns={size.columns} />;
}

/**
 * Renders until the feed's `end` has been drawn. Ink's own Ctrl-C exit is off: in raw mode the
 * view turns Ctrl-C into onQuit, so the capture is flushed and summarised like on q.
 */
export async function renderCaptureView(feed: CaptureFeed, onQuit: () => void, streams: {stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream} = {}): Promise<void> {
	const instance = render(<CaptureApp feed={feed} color={colorWanted(process.env)} onQuit={onQuit} />, {
		stdout: streams.stdout ?? process.stdout,
		stdin: streams.stdin ?? process.stdin,
		exitOnCtrlC: false,
	});
	await instance.waitUntilExit();
}
