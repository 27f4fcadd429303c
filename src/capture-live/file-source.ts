// A capture file as a FrameSource: libpcap's offline reader (pcap, pcapng, BPF), or our own classic-pcap reader without it.
import {closeSync, fstatSync, openSync, readFileSync, readSync} from 'node:fs';
import {frameFromPcapHeader, PcapFormatError, readPcap, readPcapHeader, scanPcapRecords, type PcapFileHeader, type PcapScan} from '../capture/pcap-file.js';
import {linktypeFromPcapName} from '../capture/link.js';
import type {FrameHandlers, FrameSource, SourceEnd} from './frame-source.js';
import {CaptureSetupError, pcapMissingHint, type PcapModule, type PcapSession} from './pcap-binding.js';

export interface FileSourceOptions {
	readonly path: string;
	/** A BPF filter (needs libpcap), or null to read every frame. */
	readonly filter: string | null;
}

/** The file opened for reading, or a set-up error naming why not. */
function openForReading(path: string): number {
	try {
		return openSync(path, 'r');
	} catch (error) {
		throw new CaptureSetupError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
}

/** What a capture file is by its first four bytes. */
export type FileKind = 'pcap' | 'pcapng' | 'other';

/**
 * The first four bytes: classic pcap (either byte order, µs or ns) or pcapng's section header. Throws
 * the set-up error of an unreadable file. Decision: the caller reads it before loading node_pcap, which a
 * classic file without a filter never needs (its ES module import, the ESM loader with it and the native
 * binding cost ~50 ms of such a `capture -r`), and hands it to openFileSource.
 */
export function fileMagic(path: string): FileKind {
	const fd = openForReading(path);
	try {
		const b = Buffer.alloc(4);
		const n = readSync(fd, b, 0, 4, 0);
		if (n < 4) return 'other';
		const le = b.readUInt32LE(0);
		const be = b.readUInt32BE(0);
		if ([le, be].some((m) => m === 0xa1b2c3d4 || m === 0xa1b23c4d)) return 'pcap';
		return le === 0x0a0d0d0a ? 'pcapng' : 'other';
	} finally {
		closeSync(fd);
	}
}

/** Where a classic pcap file stops making sense, in our reader's words (byte offset and why). */
function describeDamage(path: string): string | null {
	try {
		const contents = readPcap(readFileSync(path));
		return contents.error === null ? null : `${contents.error.detail} (at byte ${contents.error.offset})`;
	} catch (error) {
		return error instanceof PcapFormatError ? error.message : null;
	}
}

/**
 * Checks that the file opens now; reads it in run(). Decision: classic pcap without a filter is read
 * by capture/pcap-file.ts in big chunks (node_pcap's per-packet native callback and header copy cost
 * more than the whole decode), so `-r` also works on a machine without libpcap-dev; libpcap reads
 * the rest (pcapng, BPF filters).
 */
export function openFileSource(pcap: PcapModule | null, options: FileSourceOptions, kind: FileKind = fileMagic(options.path)): FrameSource {
	if (pcap === null) {
		if (options.filter !== null) throw new CaptureSetupError(`--filter/--port on a file needs libpcap: ${pcapMissingHint}`);
		if (kind === 'pcapng') throw new CaptureSetupError(`${options.path} is pcapng, which needs libpcap: ${pcapMissingHint}`);
	}
	let stopped = false;
	const base = {label: options.path, live: false, filter: options.filter, holdsEventLoop: false, drops: () => 0, classicFile: kind === 'pcap' && options.filter === null ? options.path : null};
	return {
		...base,
		stop() {
			stopped = true;
		},
		run(handlers: FrameHandlers): Promise<SourceEnd> {
			if (pcap === null || (kind === 'pcap' && options.filter === null)) return readClassic(options.path, handlers, () => stopped);
			return readOffline(pcap, options, kind, handlers, () => stopped);
		},
	};
}

/** Bytes read per chunk: large enough that reads cost nothing next to decoding, small enough to stay flat in memory. */
const chunkBytes = 4 << 20;

/**
 * Reads a classic pcap file chunk by chunk; a record cut by a chunk's end is carried to the next.
 * Between chunks it waits while the consumer says so (handlers.ready: output piped to a slower reader).
 */
function readClassic(path: string, handlers: FrameHandlers, stopped: () => boolean): Promise<SourceEnd> {
	const onFrame = (frame: Parameters<FrameHandlers['onFrame']>[0]): void => {
		if (!stopped()) handlers.onFrame(frame);
	};
	return readClassicChunks(path, {onOpen: (header) => handlers.onOpen(header.linktype), stopped, ...(handlers.ready === undefined ? {} : {ready: handlers.ready})}, (buffer, start, filled, final, header) =>
		scanPcapRecords(buffer.subarray(0, filled), start, header, final, onFrame),
	);
}

/** One chunk's records from `start` to `filled`: where the first record not consumed starts, or the damage found (scanPcapRecords' result). */
export type ChunkReader = (buffer: Buffer, start: number, filled: number, final: boolean, header: PcapFileHeader) => PcapScan;

export interface ChunkOptions {
	readonly onOpen: (header: PcapFileHeader) => void;
	readonly stopped: () => boolean;
	/** Awaited between chunks (the output's backpressure). */
	readonly ready?: () => Promise<void> | null;
}

/**
 * The chunked reading of a classic pcap file, with `read` for each chunk's records: readClassic's
 * scanPcapRecords, or the native capture lane's scan (capture-live/native-lane.ts). Damage is reported
 * with its byte offset in the file, in the scanner's words.
 */
export async function readClassicChunks(path: string, options: ChunkOptions, read: ChunkReader): Promise<SourceEnd> {
	const fd = openForReading(path);
	try {
		let buffer = Buffer.allocUnsafe(chunkBytes);
		let filled = readFull(fd, buffer, 0);
		let header: PcapFileHeader;
		try {
			header = readPcapHeader(buffer.subarray(0, filled));
		} catch (error) {
			throw new CaptureSetupError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
		}
		options.onOpen(header);
		let start = 24;
		// File offset of buffer[0], for the byte offset in a damage report.
		let base = 0;
		const fileSize = fstatSync(fd).size;
		for (;;) {
			// The end of the file is in the buffer: an incomplete record now is a cut-off one.
			const final = filled < buffer.length || base + filled >= fileSize;
			const scan = read(buffer, start, filled, final, header);
			if (scan.error !== null) return {error: `${path}: ${scan.error} (at byte ${base + scan.offset})`};
			if (final || options.stopped()) return {error: null};
			const wait = options.ready?.();
			if (wait != null) await wait;
			if (options.stopped()) return {error: null};
			// Move the incomplete record to the front, growing the buffer for a record larger than a chunk
			// (a snaplen above 256 KiB allows one), but never beyond what the file still holds.
			const rest = filled - scan.offset;
			const needed = rest >= 16 ? 16 + caplenAt(buffer, scan.offset, header) : 16;
			const size = needed > buffer.length ? Math.max(rest, Math.min(needed, fileSize - base - scan.offset)) : buffer.length;
			const next = size > buffer.length ? Buffer.allocUnsafe(size) : buffer;
			buffer.copy(next, 0, scan.offset, filled);
			buffer = next;
			base += scan.offset;
			start = 0;
			filled = rest + readFull(fd, buffer, rest);
		}
	} finally {
		closeSync(fd);
	}
}

const caplenAt = (buffer: Buffer, at: number, header: PcapFileHeader): number => (header.little ? buffer.readUInt32LE(at + 8) : buffer.readUInt32BE(at + 8));

/** Fills `buffer` from `at` as far as the file goes; returns the bytes read. */
function readFull(fd: number, buffer: Buffer, at: number): number {
	let total = 0;
	for (;;) {
		const n = readSync(fd, buffer, at + total, buffer.length - at - total, null);
		if (n === 0) return total;
		total += n;
		if (at + total === buffer.length) return total;
	}
}

/**
 * node_pcap's offline session reads the whole file in one setImmediate and then emits `complete`,
 * but never tells whether pcap_dispatch ended at the end of the file (0) or on an error (-1: a
 * truncated record); we wrap the native dispatch to see its last return value. On `complete`,
 * close() plus one more dispatch makes libpcap free the handle (else each session leaks an fd).
 */
function readOffline(pcap: PcapModule, options: FileSourceOptions, kind: string, handlers: FrameHandlers, stopped: () => boolean): Promise<SourceEnd> {
	return new Promise((resolve, reject) => {
		let session: PcapSession;
		try {
			session = pcap.createOfflineSession(options.path, options.filter === null ? {} : {filter: options.filter});
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			if (options.filter !== null && /syntax error|parse filter/i.test(message)) return reject(new CaptureSetupError(`bad capture filter '${options.filter}': ${message}`));
			const prefix = message.startsWith(options.path) ? '' : `${options.path}: `;
			return reject(new CaptureSetupError(`cannot read ${prefix}${message}`));
		}
		const linktype = linktypeFromPcapName(session.link_type);
		if (linktype === null) return reject(new CaptureSetupError(`${options.path}: unknown link type '${session.link_type}'`));
		const native = session.session;
		const dispatch = native.dispatch.bind(native);
		let last = 0;
		native.dispatch = (buf, header) => (last = dispatch(buf, header));
		handlers.onOpen(linktype);
		session.on('packet', (packet) => {
			if (!stopped()) handlers.onFrame(frameFromPcapHeader(packet.header, packet.buf, linktype));
		});
		session.on('complete', () => {
			const failed = last < 0;
			session.close();
			dispatch(session.buf, session.header);
			if (!failed) return resolve({error: null});
			const why = kind === 'pcap' ? describeDamage(options.path) : null;
			resolve({error: `${options.path}: ${why ?? 'libpcap stopped with a read error: the file is truncated or corrupt'}`});
		});
	});
}
