// A finished host: its name, both families with their evidence, and the verdict line.
import {Box, Text} from 'ink';
import type {HostResult} from '../../core/host-result.js';
import {escapeText} from '../../wire/name.js';
import {FamilyRows, columns} from './FamilyRows.js';
import {usePalette, verdictHue} from './palette.js';

type TitleProps = {
	readonly result: HostResult;
};

/**
 * The queried name, then the Unicode form of an IDN, then the raw input when it differs from both
 * (a trailing dot, capitals, a search-list short name). `name` came through the wire layer and is
 * escaped already; `input` is raw user text, so it goes through escapeText. An invalid host's `name`
 * is its input, so there only the escaped input is shown.
 */
export function HostTitle({result}: TitleProps) {
	const palette = usePalette();
	if (result.a.status === 'INVALID') return <Text bold={palette.bold}>{escapeText(result.input)}</Text>;
	const showInput = result.input !== result.name && result.input !== result.unicode;
	return (
		<Text>
			<Text bold={palette.bold}>{result.name}</Text>
			{result.unicode === null ? null : <Text>{` (${result.unicode})`}</Text>}
			{showInput ? <Text dimColor={palette.dim}>{`  ← ${escapeText(result.input)}`}</Text> : null}
		</Text>
	);
}

type VerdictProps = {
	readonly result: HostResult;
};

export function VerdictLine({result}: VerdictProps) {
	const palette = usePalette();
	return (
		<Box paddingLeft={columns.indent}>
			<Box width={columns.family + columns.status} flexShrink={0}>
				<Text color={palette.hue(verdictHue(result.verdict))} bold={palette.bold}>
					{result.verdict}
				</Text>
			</Box>
			<Text>{result.reason}</Text>
		</Box>
	);
}

/** An invalid input was never sent: one row instead of two identical family rows. */
function InvalidRow({result}: {readonly result: HostResult}) {
	const palette = usePalette();
	return (
		<Box paddingLeft={columns.indent}>
			<Box width={columns.family} flexShrink={0}>
				<Text dimColor={palette.dim}>-</Text>
			</Box>
			<Box width={columns.status} flexShrink={0}>
				<Text color={palette.hue('red')} bold={palette.bold}>
					INVALID
				</Text>
			</Box>
			<Text dimColor={palette.dim}>not sent</Text>
		</Box>
	);
}

/** The RFC 6724 order this host would try, one address a line, with Source(D) and its interface. */
function OrderRows({result}: {readonly result: HostResult}) {
	const palette = usePalette();
	const order = result.selection?.order ?? [];
	if (order.length === 0) return null;
	const width = Math.max(...order.map((r) => r.address.length));
	return (
		<Box flexDirection="column" paddingLeft={columns.indent}>
			{order.map((r, i) => (
				<Text key={r.address}>
					<Text dimColor={palette.dim}>{i === 0 ? 'order ' : '      '}</Text>
					<Text>{`${i + 1}  ${r.address.padEnd(width)}  `}</Text>
					<Text dimColor={palette.dim}>{r.source === null ? 'unusable: no source address' : `from ${r.source}${r.interface === null ? '' : ` (${escapeText(r.interface)})`}`}</Text>
					{r.synthesized === null ? null : <Text color={palette.hue('yellow')}>{`  DNS64 ${r.synthesized}`}</Text>}
				</Text>
			))}
		</Box>
	);
}

type HostBlockProps = {
	readonly result: HostResult;
};

export function HostBlock({result}: HostBlockProps) {
	return (
		<Box flexDirection="column" marginBottom={1}>
			<HostTitle result={result} />
			{result.a.status === 'INVALID' ? (
				<InvalidRow result={result} />
			) : (
				<>
					<FamilyRows outcome={result.a} hostName={result.name} />
					<FamilyRows outcome={result.aaaa} hostName={result.name} />
				</>
			)}
			<OrderRows result={result} />
			<VerdictLine result={result} />
		</Box>
	);
}
