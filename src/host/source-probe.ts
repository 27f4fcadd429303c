// Source(D) as getaddrinfo gets it: connect a UDP socket to D (no packet is sent), read the local address.
import dgram from 'node:dgram';
import {isIP} from 'node:net';

/** The discard port; any port works, nothing is sent (Go uses 9, glibc the port asked for). */
const probePort = 9;

/** The kernel's source address for one destination, or null when connect() fails (no route: unusable). */
export function probeSource(destination: string): Promise<string | null> {
	const bare = destination.split('%')[0] ?? destination;
	const family = isIP(bare);
	if (family === 0) return Promise.resolve(null);
	return new Promise((resolve) => {
		const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
		const done = (source: string | null): void => {
			socket.close();
			resolve(source);
		};
		socket.on('error', () => done(null));
		socket.connect(probePort, destination, () => {
			try {
				const local = socket.address().address;
				// An unspecified local address means the kernel found no source (e.g. fe80:: without a zone).
				done(local === '::' || local === '0.0.0.0' ? null : local);
			} catch {
				done(null);
			}
		});
	});
}

/** Probes every destination once (duplicates share a probe). */
export async function probeSources(destinations: readonly string[]): Promise<Map<string, string | null>> {
	const unique = [...new Set(destinations)];
	const sources = await Promise.all(unique.map((d) => probeSource(d)));
	return new Map(unique.map((d, i) => [d, sources[i] ?? null]));
}
