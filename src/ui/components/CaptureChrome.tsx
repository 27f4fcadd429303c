// The frame around the capture view's body: the top lines (what, state, counters: rate, A vs AAAA, IPv6-ready, drops) and the key line.
import {Box, Text} from 'ink';
import {escapeText} from '../../wire/name.js';
import {queryRate, readyShare, type CaptureViewState} from '../capture-state.js';
import {usePalette} from './palette.js';

type Props = {
	readonly state: CaptureViewState;
	readonly paused: boolean;
	readonly view: 'exchanges' | 'inventory';
};

const seconds = (ms: number): string => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`);

export function CaptureHeader({state, paused, view}: Props) {
	const palette = usePalette();
	const {counts} = state;
	const {ready, judged} = readyShare(state.names);
	const share = judged === 0 ? '-' : `${ready}/${judged} (${Math.round((100 * ready) / judged)}%)`;
	const where = state.source === null ? 'opening…' : `${state.live ? 'live on' : 'file'} ${escapeText(state.source)}`;
	const mode = state.summary !== null ? 'ended' : paused ? 'paused' : state.live ? 'capturing' : 'reading';
	const elapsed = state.startedAt === null ? '' : ` · ${seconds(Math.max(0, state.now - state.startedAt))}`;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text bold={palette.bold}>he6-dns capture</Text>
				{` · ${where}${elapsed} · `}
				<Text color={palette.hue(paused ? 'yellow' : state.summary !== null ? 'blue' : 'green')}>{mode}</Text>
				<Text dimColor={palette.dim}>{` · view: ${view}`}</Text>
			</Text>
			<Text wrap="truncate-end" dimColor={palette.dim}>
				{[state.linktype === '' ? '' : `link-type ${state.linktype}`, state.filter === null ? 'no filter' : `filter "${escapeText(state.filter).replace(/\\032/g, ' ')}"`].filter((x) => x !== '').join(' · ')}
			</Text>
			{/* The counters may wrap on a narrow terminal; the body keeps a line spare for that. */}
			<Text>
				{`queries ${counts.queries} (${queryRate(state).toFixed(1)}/s) · A ${counts.a} · AAAA ${counts.aaaa} · `}
				<Text color={counts.unanswered > 0 ? palette.hue('red') : undefined}>{`unanswered ${counts.unanswered}`}</Text>
				{` · names ${state.names.length} · IPv6-ready ${share} · `}
				<Text color={state.drops > 0 ? palette.hue('red') : undefined}>{`libpcap drops ${state.drops}`}</Text>
			</Text>
		</Box>
	);
}

/** The last line: the keys, the name filter being typed or in force, or a read error. */
type FooterProps = {
	readonly filter: string;
	readonly editing: boolean;
	/** Whether keys work at all (stdin in raw mode); otherwise only Ctrl-C. */
	readonly keys: boolean;
	readonly paused: boolean;
	readonly error: string | null;
	/** The capture has ended: keys do nothing any more. */
	readonly ended: boolean;
};

export function CaptureFooter({filter, editing, keys, paused, error, ended}: FooterProps) {
	const palette = usePalette();
	if (error !== null) return <Text color={palette.hue('red')}>{escapeText(error).replace(/\\032/g, ' ')}</Text>;
	if (editing) return <Text>{`filter by name: ${escapeText(filter)}█  (Enter: apply · Esc: clear)`}</Text>;
	const shown = filter === '' ? '' : ` · showing names containing "${escapeText(filter)}"`;
	if (ended) return <Text dimColor={palette.dim}>{`capture ended${shown}`}</Text>;
	if (!keys) return <Text dimColor={palette.dim}>{`Ctrl-C: stop${shown}`}</Text>;
	return <Text dimColor={palette.dim}>{`p ${paused ? 'resume' : 'pause'} · / filter · v switch view · q quit${shown}`}</Text>;
}
