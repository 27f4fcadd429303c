// Endpoints (server address + port) and their parsing from dig-style `@server[:port]` arguments.
import {isIP} from 'node:net';
import ipaddr from 'ipaddr.js';

/** The transport a query travelled over. */
export type Transport = 'udp' | 'tcp';

/** A DNS server: an IP address, a port and, for link-local IPv6, a zone (scope) id. */
export interface Endpoint {
	readonly address: string;
	readonly port: number;
	/** RFC 4007 zone id (`fe80::1%eth0`), or null. */
	readonly scope: string | null;
}

/** The `family` argument for node:dgram/node:net. */
export function ipFamily(endpoint: Endpoint): 4 | 6 {
	return isIP(endpoint.address) === 6 ? 6 : 4;
}

/** The address as sockets want it: with `%scope` appended when there is one. */
export function socketAddress(endpoint: Endpoint): string {
	return endpoint.scope === null ? endpoint.address : `${endpoint.address}%${endpoint.scope}`;
}

/** `127.0.0.1:53`, `[::1]:53`, `[fe80::1%eth0]:53`: unambiguous, and what JSON carries. */
export function formatEndpoint(endpoint: Endpoint): string {
	const host = socketAddress(endpoint);
	return isIP(endpoint.address) === 6 ? `[${host}]:${endpoint.port}` : `${host}:${endpoint.port}`;
}

/** Thrown for a server argument that is not an IP address with an optional port. */
export class EndpointSyntaxError extends Error {
	override readonly name = 'EndpointSyntaxError';
}

/**
 * Parses `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353`, `fe80::1%eth0`, `[fe80::1%eth0]:53`.
 * A bare IPv6 address never takes a port (it would be ambiguous); use brackets.
 */
export function parseEndpoint(text: string, defaultPort = 53): Endpoint {
	let host = text;
	let port = defaultPort;
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
	if (bracketed) {
		host = bracketed[1] ?? '';
		if (bracketed[2] !== undefined) port = parsePort(bracketed[2], text);
	} else if (text.includes('.') && /^[^:]+:\d+$/.test(text)) {
		const at = text.lastIndexOf(':');
		host = text.slice(0, at);
		port = parsePort(text.slice(at + 1), text);
	}
	let scope: string | null = null;
	const percent = host.indexOf('%');
	if (percent >= 0) {
		scope = host.slice(percent + 1);
		host = host.slice(0, percent);
		if (scope === '' || !/^[\w.-]+$/.test(scope)) throw new EndpointSyntaxError(`bad zone id in server '${text}'`);
	}
	const family = isIP(host);
	if (family === 0) throw new EndpointSyntaxError(`server '${text}' is not an IP address (write @1.2.3.4, @1.2.3.4:5353 or @[::1]:5353)`);
	if (scope !== null && family !== 6) throw new EndpointSyntaxError(`zone id only goes with IPv6 in server '${text}'`);
	return {address: host, port, scope};
}

function parsePort(digits: string, text: string): number {
	const port = Number(digits);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new EndpointSyntaxError(`bad port in server '${text}' (1-65535)`);
	return port;
}

/** Two endpoints are the same server when address, port and scope agree (RFC 5452 §9.1 source check). */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
	return a.port === b.port && a.scope === b.scope && normalizeIp(a.address) === normalizeIp(b.address);
}

/** Canonical text of an IP address so that `::0001` and `::1` compare equal; IPv4-mapped IPv6 folds to IPv4. */
export function normalizeIp(address: string): string {
	if (!ipaddr.isValid(address)) return address;
	const parsed = ipaddr.process(address); // folds ::ffff:a.b.c.d to IPv4
	return parsed.kind() === 'ipv6' ? parsed.toNormalizedString() : parsed.toString();
}
