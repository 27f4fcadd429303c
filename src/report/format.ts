// Small pure formatters shared by the plain-text and Ink views: TTLs, RTTs, endpoints, statuses.
import {formatEndpoint, type Endpoint, type Transport} from '../transport/endpoint.js';

/** A TTL the way operators read it: `59s`, `14m05s`, `2h00m`, `3d04h`. */
export function formatTtl(seconds: number): string {
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad(seconds % 60)}s`;
	if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${pad(Math.floor((seconds % 3600) / 60))}m`;
	return `${Math.floor(seconds / 86400)}d${pad(Math.floor((seconds % 86400) / 3600))}h`;
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/** `0.4 ms`, `12 ms`, `1.20 s`. */
export function formatRtt(ms: number | null): string {
	if (ms === null) return '-';
	if (ms < 10) return `${ms.toFixed(1)} ms`;
	if (ms < 1000) return `${Math.round(ms)} ms`;
	return `${(ms / 1000).toFixed(2)} s`;
}

/** `127.0.0.1:53/udp`, or `-` when no server answered. */
export function formatServer(server: Endpoint | null, transport: Transport | null): string {
	if (server === null) return '-';
	return transport === null ? formatEndpoint(server) : `${formatEndpoint(server)}/${transport}`;
}
