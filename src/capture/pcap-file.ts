// Classic pcap files (pcap-savefile(5)): a writer for `-w` that tcpdump and tshark read, and a pure reader.
import {closeSync, openSync, writeSync} from 'node:fs';
import {endianness} from 'node:os';

/** One captured frame: when, on what link type, and the bytes kept. */
export interface Frame {
	/** Capture time: whole seconds since the epoch… */
	readonly seconds: number;
	/** …and nanoseconds within that second (0–999 999 999). */
	readonly nanos: number;
	readonly linktype: number;
	/** The captured bytes (caplen of them). */
	readonly data: Uint8Array;
	/** The frame's length on the wire (len); defaults to the captured length. */
	readonly originalLength?: number;
}

/** Capture time of a frame in ms since the epoch (a float; below µs it rounds). */
export const frameTime = (frame: Frame): number => frame.seconds * 1000 + frame.nanos / 1e6;

/**
 * A frame from the pcap package's `packet` event: `header` is its 16-byte copy of struct pcap_pkthdr
 * (tv_sec, tv_usec, caplen, len as 32-bit values in host byte order), `buf` its shared buffer.
 * No copy: `data` is a view of `buf`, valid until the next packet; the pipeline and the writer do not
 * keep it (copy it to keep it longer).
 */
export function frameFromPcapHeader(header: Uint8Array, buf: Uint8Array, linktype: number, littleEndian = endianness() === 'LE'): Frame {
	const view = new DataView(header.buffer, header.byteOffset, 16);
	const caplen = Math.min(view.getUint32(8, littleEndian), buf.length);
	return {
		seconds: view.getUint32(0, littleEndian),
		nanos: view.getUint32(4, littleEndian) * 1000,
		linktype,
		data: buf.subarray(0, caplen),
		originalLength: view.getUint32(12, littleEndian),
	};
}

/** Magic numbers as written in the file's own byte order: µs and ns timestamp resolution. */
const magicMicros = 0xa1b2c3d4;
const magicNanos = 0xa1b23c4d;
/** pcapng's Section Header Block type, for a clear refusal (libpcap reads those). */
const pcapngMagic = 0x0a0d0d0a;
/** libpcap's MAXIMUM_SNAPLEN: what tcpdump writes by default; a record longer than this is corrupt. */
export const defaultSnaplen = 262144;

export interface PcapHeaderOptions {
	readonly linktype: number;
	readonly snaplen?: number;
	/** Nanosecond timestamps (magic a1b23c4d); default microseconds, which every reader takes. */
	readonly nanos?: boolean;
}

/** The 24-byte global header, little-endian, version 2.4. */
export function pcapHeader(options: PcapHeaderOptions): Buffer {
	const b = Buffer.alloc(24);
	b.writeUInt32LE(options.nanos === true ? magicNanos : magicMicros, 0);
	b.writeUInt16LE(2, 4); // version_major
	b.writeUInt16LE(4, 6); // version_minor
	b.writeInt32LE(0, 8); // thiszone: always 0 (times are UTC)
	b.writeUInt32LE(0, 12); // sigfigs: always 0
	b.writeUInt32LE(options.snaplen ?? defaultSnaplen, 16);
	b.writeUInt32LE(options.linktype, 20);
	return b;
}

/** A 16-byte record header plus the data, cut to `snaplen`. */
export function pcapRecord(frame: Frame, options: {readonly snaplen?: number; readonly nanos?: boolean} = {}): Buffer {
	const data = frame.data.subarray(0, options.snaplen ?? defaultSnaplen);
	const b = Buffer.alloc(16 + data.length);
	b.writeUInt32LE(frame.seconds >>> 0, 0);
	b.writeUInt32LE(options.nanos === true ? frame.nanos : Math.floor(frame.nanos / 1000), 4);
	b.writeUInt32LE(data.length, 8); // incl_len
	b.writeUInt32LE(Math.max(frame.originalLength ?? frame.data.length, data.length), 12); // orig_len
	b.set(data, 16);
	return b;
}

export interface PcapWriter {
	readonly path: string;
	/** Frames written so far. */
	readonly frames: number;
	write(frame: Frame): void;
	close(): void;
}

/**
 * Opens `path` for writing (truncating it) with the link type of the source. Decision: synchronous
 * writes, one per frame, so every frame is in the file the moment `write` returns — the pcap package
 * forces `process.exit()` at the end of a live capture, which would lose anything buffered.
 * A frame of another link type than the file's is refused (classic pcap has one per file).
 */
export function openPcapWriter(path: string, options: PcapHeaderOptions): PcapWriter {
	const fd = openSync(path, 'w');
	writeSync(fd, pcapHeader(options));
	let frames = 0;
	let open = true;
	return {
		path,
		get frames() {
			return frames;
		},
		write(frame) {
			if (!open) throw new Error(`pcap writer for ${path} is closed`);
			if (frame.linktype !== options.linktype) throw new Error(`frame of link type ${frame.linktype} in a file of link type ${options.linktype}`);
			writeSync(fd, pcapRecord(frame, options));
			frames++;
		},
		close() {
			if (!open) return;
			open = false;
			closeSync(fd);
		},
	};
}

/** What a classic pcap file held, and where and why reading stopped early, if it did. */
export interface PcapContents {
	readonly linktype: number;
	readonly snaplen: number;
	readonly nanos: boolean;
	readonly frames: Frame[];
	/** Null when the file was read to its end; otherwise what was wrong at which byte offset. */
	readonly error: {readonly offset: number; readonly detail: string} | null;
}

export class PcapFormatError extends Error {
	override readonly name = 'PcapFormatError';
}

/** The global header's facts a record scan needs. */
export interface PcapFileHeader {
	readonly little: boolean;
	readonly nanos: boolean;
	readonly snaplen: number;
	readonly linktype: number;
}

/** Reads the 24-byte global header; throws PcapFormatError when it is not classic pcap. */
export function readPcapHeader(bytes: Uint8Array): PcapFileHeader {
	if (bytes.length < 24) throw new PcapFormatError(`${bytes.length} bytes: too short for a pcap file header (24 bytes)`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const raw = view.getUint32(0, true);
	const little = raw === magicMicros || raw === magicNanos;
	const magic = little ? raw : view.getUint32(0, false);
	if (magic !== magicMicros && magic !== magicNanos) {
		if (raw === pcapngMagic) throw new PcapFormatError('this is a pcapng file; only classic pcap is read without libpcap');
		throw new PcapFormatError(`not a pcap file (magic 0x${raw.toString(16).padStart(8, '0')})`);
	}
	// The upper bits hold the FCS length (pcap-savefile(5)); the link type is the low 16 bits.
	return {little, nanos: magic === magicNanos, snaplen: view.getUint32(16, little), linktype: view.getUint32(20, little) & 0xffff};
}

/** Where a record scan stopped: `offset` is the first byte not consumed; `error` says why it cannot go on. */
export interface PcapScan {
	readonly offset: number;
	readonly error: string | null;
}

/**
 * Hands every complete record in `bytes` from `offset` on to `onFrame` (data is a view of `bytes`).
 * Stops at the first incomplete record (error null: more bytes may follow; `final` makes it an
 * error) or at a corrupt one. Decision: one scanner for the whole-file reader and the chunked file
 * source, so both report damage in the same words at the same byte offsets (`base` + offset).
 * `limit`: at most this many records (the native capture lane hands over one at a time).
 */
export function scanPcapRecords(bytes: Uint8Array, offset: number, header: PcapFileHeader, final: boolean, onFrame: (frame: Frame) => void, limit = Infinity): PcapScan {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const {little, nanos, snaplen, linktype} = header;
	const maxCaplen = Math.max(snaplen, defaultSnaplen);
	const fractionLimit = nanos ? 1e9 : 1e6;
	const fractionScale = nanos ? 1 : 1000;
	const length = bytes.length;
	let at = offset;
	for (let read = 0; at < length && read < limit; read++) {
		if (at + 16 > length) return {offset: at, error: final ? `record header cut off after ${length - at} of 16 bytes` : null};
		const seconds = view.getUint32(at, little);
		const fraction = view.getUint32(at + 4, little);
		const caplen = view.getUint32(at + 8, little);
		if (caplen > maxCaplen) return {offset: at, error: `record of ${caplen} bytes exceeds the snapshot length ${snaplen}: the file is corrupt`};
		if (fraction >= fractionLimit) return {offset: at, error: `timestamp fraction ${fraction} out of range: the file is corrupt`};
		if (at + 16 + caplen > length) return {offset: at, error: final ? `record data cut off after ${length - at - 16} of ${caplen} bytes` : null};
		onFrame({seconds, nanos: fraction * fractionScale, linktype, data: bytes.subarray(at + 16, at + 16 + caplen), originalLength: view.getUint32(at + 12, little)});
		at += 16 + caplen;
	}
	return {offset: at, error: null};
}

/**
 * Reads a classic pcap file of either byte order and either timestamp resolution. A file cut short
 * keeps the frames before the cut and reports the cut (a capture killed mid-write ends that way).
 * Throws PcapFormatError only when there is no pcap global header at all.
 */
export function readPcap(bytes: Uint8Array): PcapContents {
	const header = readPcapHeader(bytes);
	const frames: Frame[] = [];
	const scan = scanPcapRecords(bytes, 24, header, true, (frame) => frames.push(frame));
	return {linktype: header.linktype, snaplen: header.snaplen, nanos: header.nanos, frames, error: scan.error === null ? null : {offset: scan.offset, detail: scan.error}};
}
