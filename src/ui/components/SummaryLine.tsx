// The last line of the live region: progress while the run goes on, the totals once it has ended.
import {Box, Text} from 'ink';
import type {RunSummary} from '../../core/events.js';
import {formatRtt} from '../../report/format.js';
import {usePalette, verdictHue} from './palette.js';

type ProgressProps = {
	readonly done: number;
	readonly total: number;
	/** Finished hosts held back until an earlier host finishes (output stays in input order). */
	readonly held: number;
};

export function ProgressLine({done, total, held}: ProgressProps) {
	const palette = usePalette();
	return (
		<Text dimColor={palette.dim}>
			{`${done}/${total} host${total === 1 ? '' : 's'} done`}
			{held > 0 ? ` · ${held} more done, held back to keep the input order` : ''}
		</Text>
	);
}

type SummaryProps = {
	readonly summary: RunSummary;
	/** Whether any query went out (all-invalid input sends nothing, and that is no resolver problem). */
	readonly anySent: boolean;
};

/** Same counts and order as the plain-text summary (report/text.ts), with each verdict in its colour. */
export function SummaryLine({summary, anySent}: SummaryProps) {
	const palette = usePalette();
	const verdicts = Object.entries(summary.verdicts).sort(([a], [b]) => a.localeCompare(b));
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold={palette.bold}>{`${summary.hosts} host${summary.hosts === 1 ? '' : 's'}: `}</Text>
				{verdicts.map(([verdict, n], i) => (
					<Text key={verdict}>
						{i > 0 ? ', ' : ''}
						<Text color={palette.hue(verdictHue(verdict))}>{`${n} ${verdict}`}</Text>
					</Text>
				))}
				{summary.failed > 0 ? <Text color={palette.hue('red')}>{`; ${summary.failed} failed`}</Text> : null}
				<Text dimColor={palette.dim}>{` in ${formatRtt(summary.elapsedMs)}`}</Text>
			</Text>
			{/* Every host failing with no reply at all usually means the resolver is unreachable, not the hosts. */}
			{anySent && !summary.anyReply ? (
				<Text color={palette.hue('yellow')}>no reply from any server: is the resolver reachable?</Text>
			) : null}
		</Box>
	);
}
