// A live libpcap session as a FrameSource: not promiscuous, immediate mode, privilege and interface errors on one line.
import {frameFromPcapHeader} from '../capture/pcap-file.js';
import {linktypeFromPcapName} from '../capture/link.js';
import type {FrameHandlers, FrameSource, SourceEnd} from './frame-source.js';
import {snapLength} from './frame-source.js';
import {CaptureSetupError, type PcapModule, type PcapSession} from './pcap-binding.js';

export interface LiveSourceOptions {
	readonly iface: string;
	readonly filter: string;
}

export const privilegeMessage =
	'capture needs root or CAP_NET_RAW: run as root, or sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))';

/** libpcap's texts for a refused socket()/bind (EPERM, EACCES) on Linux. */
const privilegeError = /Operation not permitted|Permission denied|don't have permission/i;

/** The interface names libpcap lists, for the unknown-interface message. */
export function interfaceNames(pcap: PcapModule): string[] {
	try {
		return pcap.findalldevs().map((d) => d.name);
	} catch {
		return [];
	}
}

/**
 * Opens the session now (so every set-up error surfaces before a view starts). The interface is
 * checked against findalldevs() first: that works without privilege, so a typo is reported as a typo
 * even for a user who could not capture anyway.
 */
export function openLiveSource(pcap: PcapModule, options: LiveSourceOptions): FrameSource {
	const names = interfaceNames(pcap);
	if (names.length > 0 && !names.includes(options.iface)) {
		throw new CaptureSetupError(`no interface '${options.iface.replace(/[^\x21-\x7e]/g, '?')}' to capture on; interfaces: ${names.join(', ')}`);
	}
	let session: PcapSession;
	try {
		session = pcap.createSession(options.iface, {filter: options.filter, buffer_timeout: 0, promiscuous: false, snap_length: snapLength});
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (privilegeError.test(message)) throw new CaptureSetupError(privilegeMessage);
		if (/syntax error|can't parse filter|illegal/i.test(message)) throw new CaptureSetupError(`bad capture filter '${options.filter}': ${message}`);
		throw new CaptureSetupError(`cannot capture on ${options.iface}: ${message}`);
	}
	const linktype = linktypeFromPcapName(session.link_type);
	if (linktype === null) {
		session.close();
		throw new CaptureSetupError(`cannot capture on ${options.iface}: unknown link type '${session.link_type}'`);
	}

	let stopped = false;
	let lastDrops = 0;
	let finish: ((end: SourceEnd) => void) | null = null;
	const drops = (): number => {
		// stats() throws once libpcap has closed the handle; keep the last value then.
		if (!stopped) {
			try {
				lastDrops = session.stats().ps_drop;
			} catch {
				/* closed */
			}
		}
		return lastDrops;
	};

	return {
		label: options.iface,
		live: true,
		filter: options.filter,
		holdsEventLoop: true,
		drops,
		run(handlers: FrameHandlers): Promise<SourceEnd> {
			handlers.onOpen(linktype);
			return new Promise((resolve) => {
				finish = resolve;
				if (stopped) return resolve({error: null});
				session.on('packet', (packet) => {
					// close() removes the listener, but a dispatch already under way delivers the rest of its batch.
					if (stopped) return;
					handlers.onFrame(frameFromPcapHeader(packet.header, packet.buf, linktype));
				});
			});
		},
		stop() {
			if (stopped) return;
			drops();
			stopped = true;
			session.close();
			finish?.({error: null});
		},
	};
}
