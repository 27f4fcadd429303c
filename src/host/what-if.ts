// `--sources FILE`: a what-if map of Source(D) and source attributes, instead of asking the kernel.
import {isIP} from 'node:net';
import ipaddr from 'ipaddr.js';
import {parseIp, parsePlainIp, prefixMatches} from '../select/policy.js';
import {formatIpv6} from '../wire/address-text.js';

/**
 * The file's shape (issue 3): `{"sources": {"<destination>": "<source>" | null},
 * "attrs": {"<source>": {"deprecated": bool, "home": bool, "native": bool, "prefixLen": n, "interface": "name"}}}`.
 * Extension: a `sources` key may be a prefix (`"::/0"`, `"0.0.0.0/0"`, `"2a04::/16"`), so a lookup whose
 * destinations come from DNS can be asked "what if"; an exact address wins, then the longest prefix.
 */
export interface WhatIf {
	readonly sources: ReadonlyMap<string, string | null>;
	readonly attrs: ReadonlyMap<string, SourceAttrs>;
	/** The prefix keys, parsed once and longest first (lookups run per destination, per host). */
	readonly prefixes: readonly {readonly family: 4 | 6; readonly bytes: readonly number[]; readonly length: number; readonly source: string | null}[];
}

export interface SourceAttrs {
	readonly deprecated: boolean;
	readonly home: boolean;
	readonly native: boolean;
	readonly prefixLen: number;
	readonly interface: string | null;
}

export class WhatIfError extends Error {
	override readonly name = 'WhatIfError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and validates the file's JSON text; a bad entry is an error naming it (nothing is guessed). */
export function parseWhatIf(text: string): WhatIf {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		throw new WhatIfError(`not JSON: ${(error as Error).message}`);
	}
	if (!isObject(data) || !isObject(data['sources'])) throw new WhatIfError('expected {"sources": {...}, "attrs": {...}}');
	const sources = new Map<string, string | null>();
	for (const [destination, source] of Object.entries(data['sources'])) {
		const key = destination.includes('/') ? checkPrefix(destination) : checkAddress(destination, 'destination');
		if (source !== null && typeof source !== 'string') throw new WhatIfError(`source of ${destination} must be an address or null`);
		sources.set(key, source === null ? null : checkAddress(source, 'source'));
	}
	const attrs = new Map<string, SourceAttrs>();
	const rawAttrs = data['attrs'] ?? {};
	if (!isObject(rawAttrs)) throw new WhatIfError('"attrs" must be an object');
	for (const [source, value] of Object.entries(rawAttrs)) {
		if (!isObject(value)) throw new WhatIfError(`attrs of ${source} must be an object`);
		const family = ipaddr.parse(checkAddress(source, 'source')).kind();
		const prefixLen = value['prefixLen'] ?? (family === 'ipv6' ? 64 : 32);
		if (typeof prefixLen !== 'number' || !Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > (family === 'ipv6' ? 128 : 32)) {
			throw new WhatIfError(`prefixLen of ${source} must be a whole number within the address length`);
		}
		attrs.set(checkAddress(source, 'source'), {
			deprecated: value['deprecated'] === true,
			home: value['home'] === true,
			native: value['native'] !== false,
			prefixLen,
			interface: typeof value['interface'] === 'string' ? value['interface'] : null,
		});
	}
	const prefixes = [...sources]
		.filter(([key]) => key.includes('/'))
		.map(([key, source]) => {
			const [prefix, length] = ipaddr.parseCIDR(key);
			const ip = parseIp(prefix.toString());
			return {family: ip.family, bytes: ip.bytes, length, source};
		})
		.sort((a, b) => b.length - a.length);
	return {sources, attrs, prefixes};
}

function checkAddress(text: string, what: string): string {
	if (!ipaddr.isValid(text)) throw new WhatIfError(`${what} '${text}' is not an IP address`);
	return ipaddr.parse(text).toString();
}

function checkPrefix(text: string): string {
	try {
		const [ip, length] = ipaddr.parseCIDR(text);
		return `${ip.toString()}/${length}`;
	} catch {
		throw new WhatIfError(`'${text}' is not an address prefix`);
	}
}

/** Source(D) for a destination under the what-if map: exact address, else the longest matching prefix. */
export function whatIfSource(whatIf: WhatIf, destination: string): string | null | undefined {
	// The plain forms DNS answers come in skip net.isIP's regex (parsePlainIp takes only what it accepts).
	const plain = parsePlainIp(destination);
	if (plain === null && isIP(destination) === 0) return whatIf.sources.get(destination);
	// A zone id (fe80::1%eth0) keeps ipaddr.js's reading; every other address goes by its bytes (memoised).
	if (plain === null && destination.includes('%')) return whatIfSourceSlow(whatIf, destination);
	const ip = plain ?? parseIp(destination);
	// Exact keys are looked up by canonical text; a map of prefixes only (the usual batch what-if) has none.
	if (whatIf.sources.size > whatIf.prefixes.length) {
		const canonical = ip.family === 4 ? ip.bytes.join('.') : formatIpv6(Uint8Array.from(ip.bytes), 0);
		if (whatIf.sources.has(canonical)) return whatIf.sources.get(canonical);
	}
	for (const {family, bytes, length, source} of whatIf.prefixes) {
		if (family === ip.family && prefixMatches(ip.bytes, bytes, length)) return source;
	}
	return undefined;
}

function whatIfSourceSlow(whatIf: WhatIf, destination: string): string | null | undefined {
	const canonical = ipaddr.parse(destination).toString();
	if (whatIf.sources.has(canonical)) return whatIf.sources.get(canonical);
	const ip = ipaddr.parse(canonical);
	for (const {family, bytes, length, source} of whatIf.prefixes) {
		if (family === (ip.kind() === 'ipv6' ? 6 : 4) && prefixMatches(ip.toByteArray(), bytes, length)) return source;
	}
	return undefined;
}
