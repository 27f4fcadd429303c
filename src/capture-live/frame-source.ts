// Where frames come from (a libpcap live session, or a file): one interface for the capture run.
import type {Frame} from '../capture/pcap-file.js';

export interface FrameHandlers {
	/** Called once, before any frame, with the link type every frame will carry. */
	readonly onOpen: (linktype: number) => void;
	/**
	 * Called for each frame. `frame.data` may be a view of a buffer libpcap reuses for the next packet:
	 * use it before returning (the pipeline and the pcap writer do).
	 */
	readonly onFrame: (frame: Frame) => void;
	/**
	 * The consumer's backpressure: a promise to wait for before more frames are read, or null to go on.
	 * A file reader asks between chunks (see capture-run.ts); a live session cannot pause the wire.
	 */
	readonly ready?: () => Promise<void> | null;
}

/** How reading ended: `error` is null at a clean end of file or after stop(). */
export interface SourceEnd {
	readonly error: string | null;
}

export interface FrameSource {
	/** The interface name or the file path, as the user gave it. */
	readonly label: string;
	readonly live: boolean;
	/** The BPF filter in force, or null (a file read without one). */
	readonly filter: string | null;
	/** Delivers frames until the end of the file, stop() or a read error. Call once. */
	run(handlers: FrameHandlers): Promise<SourceEnd>;
	/** Ends the run: no frame is delivered after this returns. Safe to call more than once. */
	stop(): void;
	/** Frames libpcap dropped (ps_drop) so far; 0 for files. */
	drops(): number;
	/**
	 * True for live sessions: node_pcap's close() leaves its poll handle referenced, so the process
	 * stays alive until it exits explicitly (ecosystem.md §1).
	 */
	readonly holdsEventLoop: boolean;
	/** The path of a classic pcap file read without a filter (the native capture lane can read it), else null or absent. */
	readonly classicFile?: string | null;
}

/** libpcap's MAXIMUM_SNAPLEN, what tcpdump takes by default (and what pcap-file.ts writes). */
export const snapLength = 262144;

/** The human name of a link type for the "listening on" line, tcpdump's words. */
export function linktypeLabel(linktype: number): string {
	const names: Record<number, string> = {
		0: 'NULL (BSD loopback)',
		1: 'EN10MB (Ethernet)',
		12: 'RAW (Raw IP)',
		101: 'RAW (Raw IP)',
		108: 'LOOP (OpenBSD loopback)',
		113: 'LINUX_SLL (Linux cooked v1)',
		228: 'IPV4 (Raw IPv4)',
		229: 'IPV6 (Raw IPv6)',
		276: 'LINUX_SLL2 (Linux cooked v2)',
	};
	return names[linktype] ?? `${linktype} (not decoded by he6-dns)`;
}
