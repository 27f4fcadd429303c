// The capture view's body: the scrolling dialog (one decoded tcpdump-like line per exchange) or the per-name inventory table.
import {Box, Text} from 'ink';
import type {ExchangeEvent, NameEvent} from '../../capture/events.js';
import {clockTime, exchangeParts, familyCell, processesText} from '../../report/capture-text.js';
import {usePalette, verdictHue, type Hue} from './palette.js';

type ExchangesProps = {
	readonly exchanges: readonly ExchangeEvent[];
	/** Lines available; the tail that fits is shown. */
	readonly rows: number;
};

function replyHue(e: ExchangeEvent): Hue {
	if (e.status !== 'answered') return 'red';
	if (e.rcode !== 'NOERROR') return e.rcode === 'NXDOMAIN' ? 'yellow' : 'red';
	return e.answers.length === 0 ? 'yellow' : 'green';
}

export function CaptureExchanges({exchanges, rows}: ExchangesProps) {
	const palette = usePalette();
	const shown = exchanges.slice(-Math.max(1, rows));
	if (shown.length === 0) return <Text dimColor={palette.dim}>no DNS exchange yet</Text>;
	return (
		<Box flexDirection="column">
			{shown.map((e, i) => {
				const p = exchangeParts(e);
				return (
					// Keys by position: the list is a window over a stream, and exchanges have no unique id.
					<Text key={i} wrap="truncate-end">
						<Text dimColor={palette.dim}>{p.time}</Text>
						{` ${p.route} `}
						<Text bold={palette.bold}>{p.question}</Text>
						{' '}
						<Text color={palette.hue(replyHue(e))}>{p.reply}</Text>
						{p.extras === '' ? '' : <Text dimColor={palette.dim}>{` ${p.extras}`}</Text>}
					</Text>
				);
			})}
		</Box>
	);
}

type InventoryProps = {
	readonly names: readonly NameEvent[];
	readonly rows: number;
	readonly width: number;
};

const cut = (text: string, width: number): string => (text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`);

/** Most recently seen first: on a long capture the active names stay on screen. */
export function CaptureInventory({names, rows, width}: InventoryProps) {
	const palette = usePalette();
	if (names.length === 0) return <Text dimColor={palette.dim}>no A or AAAA query seen yet</Text>;
	const sorted = [...names].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, Math.max(1, rows - 1));
	const nameWidth = Math.min(40, Math.max(4, ...sorted.map((n) => n.name.length)));
	// LAST SEEN only on a wide terminal; name, count, verdict, process and the gaps come first, the
	// two families share the rest (one column spare: Ink wraps a line that fills the width).
	const wide = width >= 120;
	const fixed = nameWidth + 4 + 16 + 12 + (wide ? 14 : 0) + 10;
	const family = Math.max(12, Math.min(28, Math.floor((width - 1 - fixed) / 2)));
	const last = (text: string): string => (wide ? `  ${text}` : '');
	return (
		<Box flexDirection="column">
			<Text bold={palette.bold} wrap="truncate-end">
				{`${cut('NAME', nameWidth)}  ${cut('N', 4)}  ${cut('A', family)}  ${cut('AAAA', family)}  ${cut('VERDICT', 16)}  ${cut('PROCESS', 12)}${last('LAST SEEN')}`}
			</Text>
			{sorted.map((n) => (
				<Text key={n.name} wrap="truncate-end">
					{`${cut(n.name, nameWidth)}  ${cut(String(n.count), 4)}  ${cut(familyCell(n.a), family)}  ${cut(familyCell(n.aaaa), family)}  `}
					<Text color={n.verdict === null ? undefined : palette.hue(verdictHue(n.verdict))}>{cut(n.verdict ?? 'not judged', 16)}</Text>
					{`  ${cut(processesText(n), 12)}${last(clockTime(n.lastSeen))}`}
				</Text>
			))}
			{names.length > sorted.length ? <Text dimColor={palette.dim}>{`… ${names.length - sorted.length} more`}</Text> : null}
		</Box>
	);
}
