// Records out as NDJSON, CSV or one JSON document, buffered briefly and flushed as they finish.
import {closeSync, openSync, writeSync} from 'node:fs';
import {csvHeader, csvLine, csvRow} from './csv.js';
import {JsonBytes} from '../report/json-bytes.js';
import {outputBacklog} from '../report/chunked-output.js';
import type {BatchRecord} from './record.js';
import type {BatchSummary} from './tally.js';

export type BatchFormat = 'ndjson' | 'csv' | 'json';
export const batchFormats: readonly BatchFormat[] = ['ndjson', 'csv', 'json'];

/** Where the bytes go: a file descriptor we own, or standard output. */
export interface ByteSink {
	write(chunk: string): void;
	/** `bytes` may be reused once this returns. */
	writeBytes(bytes: Uint8Array): void;
	close(): void;
	/** A promise to wait for before more records are made (the output is behind), or null; see outputBacklog. */
	backlog?(): Promise<void> | null;
}

/** `-o FILE`: written with write(2) straight from the flush, so a flushed record is in the kernel. */
export function fileSink(path: string, append: boolean): ByteSink {
	const fd = openSync(path, append ? 'a' : 'w');
	// Decision: one scratch buffer for every flush. writeSync(fd, string) makes a fresh 64 KiB Buffer per
	// call, and at tens of thousands of records a second those wait for a GC as external memory (14 MB of
	// a 1M-name run's peak RSS).
	const scratch = Buffer.allocUnsafe(256 * 1024);
	return {
		write: (chunk) => {
			if (chunk.length * 3 > scratch.length) {
				writeSync(fd, chunk);
				return;
			}
			const length = scratch.write(chunk, 0, 'utf8');
			for (let done = 0; done < length; ) done += writeSync(fd, scratch, done, length - done);
		},
		writeBytes: (bytes) => {
			for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
		},
		close: () => closeSync(fd),
	};
}

/**
 * Bytes queued on standard output before the batch takes no new name until they drain. Decision: a
 * file or /dev/null is written synchronously, but a pipe is not: its writes queue in memory while the
 * reader is behind (`| less`, a slow `| jq`), and a 1M-name run into one queued every record. 8 MiB
 * is ~8,000 records: far more than a flush, never more than a few MB of the run's memory.
 */
const stdoutQueueLimit = 8 << 20;

/** Standard output: a file or /dev/null written synchronously; a pipe's queue held to stdoutQueueLimit (backlog). */
export function stdoutSink(): ByteSink {
	// A copy: the writer reuses its bytes, and a pipe's write may still hold them after returning.
	return {
		write: (chunk) => void process.stdout.write(chunk),
		writeBytes: (bytes) => void process.stdout.write(Buffer.from(bytes)),
		close: () => undefined,
		backlog: () => outputBacklog(process.stdout, stdoutQueueLimit),
	};
}

/**
 * Decision: records are gathered for at most `flushMs` (or 64 KiB) and written in one call. A write
 * per record costs a syscall each (10% of a core at 20k names/s); a kill loses at most that window,
 * and --resume does those lines again.
 */
export class RecordWriter {
	readonly #format: BatchFormat;
	readonly #sink: ByteSink;
	readonly #flushMs: number;
	#buffer = '';
	/** NDJSON records, written as bytes (report/json-text.ts). */
	readonly #bytes = new JsonBytes();
	#timer: NodeJS.Timeout | null = null;
	#records = 0;

	constructor(format: BatchFormat, sink: ByteSink, flushMs = 200) {
		this.#format = format;
		this.#sink = sink;
		this.#flushMs = flushMs;
	}

	/** What goes before the first record: the CSV header (unless appending to one), `{"records":[`. */
	start(withHeader: boolean): void {
		if (this.#format === 'csv' && withHeader) this.#add(csvHeader());
		if (this.#format === 'json') this.#add('{"records":[\n');
		this.flush();
	}

	record(record: BatchRecord): void {
		if (this.#format === 'csv') this.#add(csvLine(csvRow(record.json)));
		else if (this.#format === 'json') this.#add((this.#records > 0 ? ',\n' : '') + record.line().trimEnd());
		else {
			record.write(this.#bytes);
			this.#added(this.#bytes.length);
		}
		this.#records++;
	}

	/** The JSON document's end with the summary as its last member; nothing for NDJSON and CSV. */
	finish(summary: BatchSummary): void {
		if (this.#format === 'json') this.#add(`${this.#records > 0 ? '\n' : ''}],\n"summary":${JSON.stringify(summary)}}\n`);
		this.flush();
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	flush(): void {
		if (this.#buffer !== '') {
			const chunk = this.#buffer;
			this.#buffer = '';
			this.#sink.write(chunk);
		}
		if (this.#bytes.length > 0) {
			this.#sink.writeBytes(this.#bytes.buffer.subarray(0, this.#bytes.length));
			this.#bytes.clear();
		}
	}

	/** The sink's backlog (ByteSink.backlog): a promise to wait for before more records, or null. */
	backlog(): Promise<void> | null {
		return this.#sink.backlog?.() ?? null;
	}

	close(): void {
		this.flush();
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
		this.#sink.close();
	}

	#add(text: string): void {
		this.#buffer += text;
		this.#added(this.#buffer.length);
	}

	/**
	 * Flushes at 64 KiB, else within `flushMs`. Decision: a flush at 64 KiB leaves the timer running
	 * (it then flushes whatever came since, earlier than due): clearing it there and arming a new one
	 * for the next record made a timer every ~56 records, ~2% of a batch.
	 */
	#added(size: number): void {
		if (size >= 65536) this.flush();
		else if (this.#timer === null) {
			this.#timer = setTimeout(() => {
				this.#timer = null;
				this.flush();
			}, this.#flushMs);
			this.#timer.unref();
		}
	}
}
