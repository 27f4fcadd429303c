// One capture from start to summary: frames from a source through the pipeline, -w, and every way to stop.
import type {CaptureEvent, SummaryEvent} from '../capture/events.js';
import {frameTime, openPcapWriter, type PcapWriter} from '../capture/pcap-file.js';
import {createPipeline, type Pipeline, type PipelineOptions} from '../core/capture-pipeline.js';
import type {FrameSource} from './frame-source.js';
import {CaptureSetupError} from './pcap-binding.js';

export type StopReason = 'end-of-file' | 'duration' | 'count' | 'signal' | 'quit';

export interface CaptureRunOptions extends Omit<PipelineOptions, 'onEvent'> {
	readonly source: FrameSource;
	/** Every pipeline event, in order (exchanges while running, then names and the summary). */
	readonly onEvent: (event: CaptureEvent) => void;
	/** Called once the source is open, with its link type (before any event). */
	readonly onOpen?: (linktype: number) => void;
	/** Stop after this long: wall-clock time live, packet time from the first frame in a file. */
	readonly durationMs?: number | null;
	/** Stop after this many exchanges (answered, unanswered or unsolicited). */
	readonly count?: number | null;
	/** Write every frame read to this classic pcap file (same link type). */
	readonly writePath?: string | null;
	/** How often a quiet live capture moves time on, so unanswered queries time out (ms). */
	readonly tickMs?: number;
	/** The output's backpressure (FrameHandlers.ready), asked between a file's chunks and the inventory's. */
	readonly ready?: () => Promise<void> | null;
}

export interface CaptureResult {
	readonly summary: SummaryEvent;
	readonly stoppedBy: StopReason;
	/** A read error of the file (truncated, corrupt), reported after everything read before it. */
	readonly error: string | null;
	readonly written: number | null;
}

export interface CaptureRun {
	readonly pipeline: Pipeline;
	/** Ends the capture; the result follows once the pipeline is flushed. */
	stop(reason: StopReason): void;
	readonly done: Promise<CaptureResult>;
}

export function startCapture(options: CaptureRunOptions): CaptureRun {
	const {source} = options;
	let stoppedBy: StopReason | null = null;
	let exchanges = 0;
	const stop = (reason: StopReason): void => {
		if (stoppedBy !== null) return;
		stoppedBy = reason;
		source.stop();
	};
	const pipeline = createPipeline({
		...options,
		onEvent: (event) => {
			options.onEvent(event);
			if (event.kind === 'exchange' && options.count != null && ++exchanges >= options.count) stop('count');
		},
	});

	const run = async (): Promise<CaptureResult> => {
		let writer: PcapWriter | null = null;
		let firstTime: number | null = null;
		const timers: NodeJS.Timeout[] = [];
		try {
			const end = await source.run({
				onOpen: (linktype) => {
					if (options.writePath != null) {
						try {
							writer = openPcapWriter(options.writePath, {linktype});
						} catch (error) {
							source.stop();
							throw new CaptureSetupError(`cannot write ${options.writePath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
						}
					}
					options.onOpen?.(linktype);
					if (source.live) {
						timers.push(setInterval(() => pipeline.tick(Date.now()), options.tickMs ?? 250));
						if (options.durationMs != null) timers.push(setTimeout(() => stop('duration'), options.durationMs));
					}
				},
				...(options.ready === undefined ? {} : {ready: options.ready}),
				onFrame: (frame) => {
					if (stoppedBy !== null) return;
					if (!source.live && options.durationMs != null) {
						const t = frameTime(frame);
						firstTime ??= t;
						if (t - firstTime > options.durationMs) return stop('duration');
					}
					writer?.write(frame);
					pipeline.push(frame);
				},
			});
			for (const timer of timers) clearTimeout(timer);
			const written = writer === null ? null : (writer as PcapWriter).frames;
			(writer as PcapWriter | null)?.close();
			const summary = await pipeline.flush({pcapDrops: source.drops()});
			return {summary, stoppedBy: stoppedBy ?? 'end-of-file', error: end.error, written};
		} finally {
			for (const timer of timers) clearTimeout(timer);
			(writer as PcapWriter | null)?.close();
		}
	};

	return {pipeline, stop, done: run()};
}
