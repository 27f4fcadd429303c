// The Ink view of a batch run on stderr: a progress bar, rate, ETA and a live tally per verdict, then the summary.
import {useEffect, useState} from 'react';
import {Box, Text, render, useApp} from 'ink';
import {ProgressBar} from '@inkjs/ui';
import {formatDuration, inFlight, summaryText, type ProgressSnapshot} from '../batch/progress.js';
import type {BatchSummary} from '../batch/tally.js';
import {PaletteProvider, colorWanted, usePalette, verdictHue} from './components/palette.js';

export interface BatchViewInfo {
	/** `127.0.0.1:53, [::1]:53 · concurrency 256 · no packet cap`: what the run is doing, one line. */
	readonly heading: string;
	/** Why --qps is what it is (the AWS VPC resolver), shown in yellow; or null. */
	readonly note: string | null;
}

type ViewProps = {
	readonly info: BatchViewInfo;
	readonly snapshot: ProgressSnapshot | null;
	readonly summary: BatchSummary | null;
};

/** The tally, one verdict after the other in its colour. */
function Tally({verdicts}: {readonly verdicts: Readonly<Record<string, number>>}) {
	const palette = usePalette();
	const entries = Object.entries(verdicts).sort(([a], [b]) => a.localeCompare(b));
	if (entries.length === 0) return <Text dimColor={palette.dim}>no records yet</Text>;
	return (
		<Text>
			{entries.map(([verdict, n], i) => (
				<Text key={verdict}>
					{i > 0 ? ' · ' : ''}
					<Text color={palette.hue(verdictHue(verdict))}>{verdict}</Text>
					{` ${n}`}
				</Text>
			))}
		</Text>
	);
}

function Progress({snapshot}: {readonly snapshot: ProgressSnapshot}) {
	const palette = usePalette();
	const total = snapshot.totalLines;
	const percent = total === null ? null : total === 0 ? 100 : Math.min(100, (snapshot.linesDone / total) * 100);
	const lines = total === null ? `${snapshot.linesDone} lines` : `${snapshot.linesDone}/${total} lines`;
	const eta = snapshot.etaSeconds === null ? '' : ` · ETA ${formatDuration(snapshot.etaSeconds)}`;
	return (
		<Box flexDirection="column">
			<Box>
				{percent === null ? null : (
					<Box width={32} marginRight={1}>
						<ProgressBar value={percent} />
					</Box>
				)}
				<Text wrap="truncate-end">
					{percent === null ? '' : `${Math.floor(percent)}% `}
					{lines}
					<Text dimColor={palette.dim}>{` · ${Math.round(snapshot.rate)} lines/s${eta} · ${inFlight(snapshot, true)}`}</Text>
				</Text>
			</Box>
			<Tally verdicts={snapshot.verdicts} />
		</Box>
	);
}

/** The pure view, for tests that want a frame without a run. */
export function BatchView({info, snapshot, summary}: ViewProps) {
	const palette = usePalette();
	return (
		<Box flexDirection="column">
			<Text bold={palette.bold}>{`he6-dns batch · ${info.heading}`}</Text>
			{info.note === null ? null : <Text color={palette.hue('yellow')}>{info.note}</Text>}
			{summary !== null ? <Text>{summaryText(summary).trimEnd()}</Text> : snapshot !== null ? <Progress snapshot={snapshot} /> : null}
		</Box>
	);
}

type AppProps = {
	readonly info: BatchViewInfo;
	readonly sample: () => ProgressSnapshot;
	readonly done: Promise<BatchSummary>;
	readonly color: boolean;
};

/** Samples progress four times a second; shows the summary once the run is done, then unmounts. */
export function BatchApp({info, sample, done, color}: AppProps) {
	const {exit} = useApp();
	const [snapshot, setSnapshot] = useState<ProgressSnapshot | null>(null);
	const [summary, setSummary] = useState<BatchSummary | null>(null);
	const [failure, setFailure] = useState<Error | null>(null);

	useEffect(() => {
		setSnapshot(sample());
		const timer = setInterval(() => setSnapshot(sample()), 250);
		let live = true;
		done.then(
			(s) => live && setSummary(s),
			(error: unknown) => live && setFailure(error instanceof Error ? error : new Error(String(error))),
		);
		return () => {
			live = false;
			clearInterval(timer);
		};
	}, [sample, done]);

	useEffect(() => {
		if (summary === null && failure === null) return;
		// One macrotask later, so the frame with the summary is committed before Ink unmounts.
		const timer = setTimeout(() => exit(failure ?? undefined), 0);
		return () => clearTimeout(timer);
	}, [exit, summary, failure]);

	return (
		<PaletteProvider color={color}>
			<BatchView info={info} snapshot={snapshot} summary={summary} />
		</PaletteProvider>
	);
}

/** Draws on stderr (records may go to stdout) until the run is done; rejects if the run fails. */
export async function renderBatchView(info: BatchViewInfo, sample: () => ProgressSnapshot, done: Promise<BatchSummary>): Promise<void> {
	const instance = render(<BatchApp info={info} sample={sample} done={done} color={colorWanted(process.env)} />, {
		stdout: process.stderr,
		// No useInput: Ctrl+C stays a SIGINT for the command's graceful stop.
		exitOnCtrlC: false,
		patchConsole: false,
	});
	await instance.waitUntilExit();
}
