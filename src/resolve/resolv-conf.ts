// resolv.conf(5) parsing with glibc's semantics (resolv/res_init.c), as a pure function over text.
import {isIP} from 'node:net';
import type {Endpoint} from '../transport/endpoint.js';

/** The resolver configuration a lookup runs with; mirrors glibc's `struct __res_state` where it matters. */
export interface ResolverConfig {
	/** At most 3 servers (MAXNS), in file order. */
	readonly nameservers: readonly Endpoint[];
	/** The search list (`search`, or the single `domain`, or derived from the host name). */
	readonly search: readonly string[];
	/** `options ndots:n`: names with at least this many dots are tried as-is first. Default 1, max 15. */
	readonly ndots: number;
	/** `options timeout:n`, seconds per try. Default 5, max 30. */
	readonly timeout: number;
	/** `options attempts:n`: rounds over all servers. Default 2, max 5. */
	readonly attempts: number;
	readonly rotate: boolean;
	/** `single-request`: send A, wait for its reply, then AAAA (same socket). */
	readonly singleRequest: boolean;
	/** `single-request-reopen`: like glibc, the second query goes out on a new socket. */
	readonly singleRequestReopen: boolean;
	/** `no-aaaa` (glibc 2.36): getaddrinfo never asks for AAAA on this host. */
	readonly noAaaa: boolean;
	/** `edns0`: glibc adds an OPT record only with this option. */
	readonly edns0: boolean;
	/** `trust-ad`: glibc sets the AD bit in queries and keeps it in replies only with this option. */
	readonly trustAd: boolean;
	/** `use-vc`: always TCP. */
	readonly useVc: boolean;
	/** Where this came from, for the view: a file path, or 'default'. */
	readonly source: string;
	/** Lines glibc would ignore, kept so the view can say so: [line number, text]. */
	readonly ignored: readonly (readonly [number, string])[];
}

/** glibc's defaults (resolv/resolv.h: RES_TIMEOUT 5, RES_DFLRETRY 2; MAXNS 3; RES_MAXNDOTS 15...). */
export const defaults = {
	timeout: 5,
	attempts: 2,
	ndots: 1,
	maxNameservers: 3,
	maxNdots: 15,
	maxTimeout: 30,
	maxAttempts: 5,
} as const;

type Mutable<T> = {-readonly [K in keyof T]: T[K]};

/**
 * Parses resolv.conf text. `hostname` feeds the default search domain (glibc takes the part after the
 * first dot of gethostname() when the file has neither `search` nor `domain`). `env` applies
 * LOCALDOMAIN and RES_OPTIONS, which glibc reads after the file.
 */
export function parseResolvConf(
	text: string,
	source: string,
	hostname = '',
	env: {readonly LOCALDOMAIN?: string | undefined; readonly RES_OPTIONS?: string | undefined} = {},
): ResolverConfig {
	const config: Mutable<ResolverConfig> = {
		nameservers: [],
		search: [],
		ndots: defaults.ndots,
		timeout: defaults.timeout,
		attempts: defaults.attempts,
		rotate: false,
		singleRequest: false,
		singleRequestReopen: false,
		noAaaa: false,
		edns0: false,
		trustAd: false,
		useVc: false,
		source,
		ignored: [],
	};
	const nameservers: Endpoint[] = [];
	const ignored: (readonly [number, string])[] = [];
	let search: string[] | null = null;
	const lines = text.split(/\r?\n/);
	lines.forEach((raw, i) => {
		const line = raw.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
		const [keyword = '', ...args] = line.split(/\s+/);
		switch (keyword) {
			case 'nameserver': {
				const server = parseNameserver(args[0] ?? '');
				if (server === null || nameservers.length >= defaults.maxNameservers) ignored.push([i + 1, raw]);
				else nameservers.push(server);
				return;
			}
			// `domain` and `search` are mutually exclusive; the last one in the file wins.
			case 'domain':
				search = args[0] === undefined ? [] : [stripDot(args[0])];
				return;
			case 'search':
				search = args.map(stripDot).filter((d) => d !== '');
				return;
			case 'options':
				applyOptions(config, args, ignored, i + 1, raw);
				return;
			case 'sortlist':
				return; // affects only gethostbyname's IPv4 order; not modelled
			default:
				ignored.push([i + 1, raw]);
		}
	});
	if (env.LOCALDOMAIN !== undefined) search = env.LOCALDOMAIN.split(/\s+/).map(stripDot).filter((d) => d !== '');
	if (env.RES_OPTIONS !== undefined) applyOptions(config, env.RES_OPTIONS.trim().split(/\s+/), ignored, 0, 'RES_OPTIONS');
	if (search === null) {
		const dot = hostname.indexOf('.');
		search = dot >= 0 && dot < hostname.length - 1 ? [stripDot(hostname.slice(dot + 1))] : [];
	}
	// glibc: with no nameserver line the resolver uses the loopback address.
	config.nameservers = nameservers.length > 0 ? nameservers : [{address: '127.0.0.1', port: 53, scope: null}];
	config.search = search;
	config.ignored = ignored;
	return config;
}

function stripDot(domain: string): string {
	return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

function parseNameserver(text: string): Endpoint | null {
	const percent = text.indexOf('%');
	const address = percent >= 0 ? text.slice(0, percent) : text;
	const scope = percent >= 0 ? text.slice(percent + 1) : null;
	const family = isIP(address);
	if (family === 0 || (scope !== null && (family !== 6 || scope === ''))) return null;
	return {address, port: 53, scope};
}

function clampInt(value: string, max: number, min = 0): number | null {
	if (!/^\d+$/.test(value)) return null;
	return Math.max(min, Math.min(max, Number(value)));
}

function applyOptions(
	config: Mutable<ResolverConfig>,
	options: readonly string[],
	ignored: (readonly [number, string])[],
	lineNumber: number,
	raw: string,
): void {
	for (const option of options) {
		const [name = '', value = ''] = option.split(':', 2);
		let known = true;
		switch (name) {
			case 'ndots': {
				const n = clampInt(value, defaults.maxNdots);
				if (n === null) known = false;
				else config.ndots = n;
				break;
			}
			case 'timeout': {
				const n = clampInt(value, defaults.maxTimeout, 1);
				if (n === null) known = false;
				else config.timeout = n;
				break;
			}
			case 'attempts': {
				const n = clampInt(value, defaults.maxAttempts, 1);
				if (n === null) known = false;
				else config.attempts = n;
				break;
			}
			case 'rotate':
				config.rotate = true;
				break;
			case 'single-request':
				config.singleRequest = true;
				break;
			case 'single-request-reopen':
				config.singleRequestReopen = true;
				break;
			case 'no-aaaa':
				config.noAaaa = true;
				break;
			case 'edns0':
				config.edns0 = true;
				break;
			case 'trust-ad':
				config.trustAd = true;
				break;
			case 'use-vc':
				config.useVc = true;
				break;
			// Known to glibc, no effect on what he6-dns models.
			case 'debug':
			case 'inet6':
			case 'ip6-bytestring':
			case 'ip6-dotint':
			case 'no-ip6-dotint':
			case 'no-check-names':
			case 'no-tld-query':
			case 'no-reload':
			case 'insecure1':
			case 'insecure2':
				break;
			default:
				known = false;
		}
		if (!known) ignored.push([lineNumber, `${raw} (${option})`]);
	}
}
