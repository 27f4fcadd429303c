// A host still in flight: a spinner on its title, finished families in full, the others as progress.
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {Family} from '../../resolve/types.js';
import {formatServer} from '../../report/format.js';
import {escapeText} from '../../wire/name.js';
import type {FamilyProgress, PendingHost} from '../state.js';
import {FamilyRows, columns} from './FamilyRows.js';
import {usePalette} from './palette.js';

type ProgressRowProps = {
	readonly family: Family;
	readonly progress: FamilyProgress;
};

/** A family not done yet: what is being asked of whom, or that nothing has been sent yet. */
function ProgressRow({family, progress}: ProgressRowProps) {
	const palette = usePalette();
	const last = progress.last;
	const retry = progress.queries > 1 ? ` (query ${progress.queries})` : '';
	return (
		<Box paddingLeft={columns.indent}>
			<Box width={columns.family} flexShrink={0}>
				<Text bold={palette.bold}>{family}</Text>
			</Box>
			<Box width={columns.status} flexShrink={0}>
				<Text dimColor={palette.dim}>{last === null ? 'waiting' : 'asking'}</Text>
			</Box>
			{last === null ? null : (
				<Text dimColor={palette.dim}>{`${last.qname} @ ${formatServer(last.server, last.transport)}${retry}`}</Text>
			)}
		</Box>
	);
}

type PendingHostBlockProps = {
	readonly host: PendingHost;
};

const families: readonly Family[] = ['A', 'AAAA'];

export function PendingHostBlock({host}: PendingHostBlockProps) {
	// Only the raw input is known before host-done: the queried name arrives with the result.
	const title = escapeText(host.input);
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Spinner label={title} />
			{families.map((family) => {
				const progress = host.families[family];
				return progress.outcome === null ? (
					<ProgressRow key={family} family={family} progress={progress} />
				) : (
					// The search list may have changed the name; the host's name is not known yet, so
					// compare with the qname itself (no "as …" note until the host is done).
					<FamilyRows key={family} outcome={progress.outcome} hostName={progress.outcome.qname} />
				);
			})}
		</Box>
	);
}
