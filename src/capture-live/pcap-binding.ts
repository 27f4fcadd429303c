// The slice of the `pcap` package (node_pcap 3.1.0) he6-dns uses, typed, loaded lazily with a one-line error.
//
// Decision: the package's own pcap.d.ts is partial (decoders typed `any`, no `session`, `buf` or
// `findalldevs`), so this file declares what we call and the module is cast to it once, here.
// We never call its decoders: they console.log on link types they do not know (SLL2), which would
// land in the Ink view, and we decode L2–L4 ourselves (src/capture/).

/** What a `packet` event carries: the shared buffer (reused for every packet) and the 16-byte pcap_pkthdr copy. */
export interface PcapPacket {
	readonly buf: Buffer;
	readonly header: Buffer;
	readonly link_type: string;
}

export interface PcapStats {
	readonly ps_recv: number;
	readonly ps_drop: number;
	readonly ps_ifdrop: number;
}

/** The native handle behind a session (the package's private `session` field). */
export interface PcapNativeSession {
	/** pcap_dispatch until nothing is left: >0 packets, 0 end of file / nothing ready, -1 error, -2 break. */
	dispatch(buf: Buffer, header: Buffer): number;
}

export interface PcapSession {
	/** `LINKTYPE_ETHERNET`, `LINKTYPE_LINUX_SLL`, … or `Unknown linktype N` (see capture/link.ts). */
	readonly link_type: string;
	readonly buf: Buffer;
	readonly header: Buffer;
	readonly session: PcapNativeSession;
	on(event: 'packet', listener: (packet: PcapPacket) => void): this;
	on(event: 'complete', listener: () => void): this;
	/** pcap_breakloop only: the libuv poll handle stays referenced (the process will not exit by itself). */
	close(): void;
	stats(): PcapStats;
}

export interface LiveSessionOptions {
	readonly filter: string;
	readonly buffer_size?: number;
	readonly snap_length: number;
	/** 0 or less: pcap_set_immediate_mode (the default 1000 ms delays delivery by up to a second). */
	readonly buffer_timeout: number;
	/** The package defaults to true; a DNS tool only needs this host's own traffic. */
	readonly promiscuous: boolean;
}

export interface PcapDevice {
	readonly name: string;
	readonly description?: string;
	readonly flags?: string;
}

export interface PcapModule {
	createSession(device: string, options: LiveSessionOptions): PcapSession;
	createOfflineSession(path: string, options: {readonly filter?: string}): PcapSession;
	findalldevs(): PcapDevice[];
	readonly lib_version: string;
	/** Called with libpcap's warnings (pcap_lookupnet failing on an interface without IPv4); console.warn by default. */
	warningHandler: (text: string) => void;
}

/** Set-up failures of a capture, each with a one-line message meant for the user as it is. */
export class CaptureSetupError extends Error {
	override readonly name = 'CaptureSetupError';
}

export const pcapMissingHint = 'apt-get install libpcap-dev && npm rebuild pcap';

let loaded: Promise<PcapModule> | null = null;

/**
 * Imports the package once. `pcap` is an optional dependency: without libpcap-dev at install time it
 * is absent (ERR_MODULE_NOT_FOUND), and after a Node upgrade its binding fails to load
 * (NODE_MODULE_VERSION); both give the same one-line hint.
 */
export function loadPcap(): Promise<PcapModule> {
	loaded ??= import('pcap').then(
		(mod: unknown) => {
			const pcap = (mod as {default: PcapModule}).default;
			// Its warnings go to console.warn, which the Ink view would print in the middle of a frame.
			pcap.warningHandler = () => {};
			return pcap;
		},
		(error: unknown) => {
			loaded = null;
			const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
			throw new CaptureSetupError(`capture needs the pcap package built against libpcap: ${pcapMissingHint} (${detail})`);
		},
	);
	return loaded;
}
