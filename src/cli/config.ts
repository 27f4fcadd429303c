// Builds the ResolverConfig for a run: resolv.conf (the one I/O here) plus command-line overrides.
import {readFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {EndpointSyntaxError, parseEndpoint} from '../transport/endpoint.js';
import {parseResolvConf, type ResolverConfig} from '../resolve/resolv-conf.js';
import {UsageError} from './errors.js';

export interface ConfigOverrides {
	readonly resolvConf?: string | undefined;
	/** dig-style `@server[:port]` arguments, without the `@`. */
	readonly servers: readonly string[];
	readonly timeout?: string | undefined;
	readonly attempts?: string | undefined;
	readonly singleRequest?: boolean | undefined;
	readonly singleRequestReopen?: boolean | undefined;
	readonly tcp?: boolean | undefined;
}

export const systemResolvConf = '/etc/resolv.conf';

/** Reads resolv.conf (glibc: a missing file means defaults) and applies the overrides. */
export function loadConfig(overrides: ConfigOverrides): ResolverConfig {
	const path = overrides.resolvConf ?? systemResolvConf;
	let text = '';
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		// An explicit file must exist; the system one may be absent (glibc then uses 127.0.0.1).
		if (overrides.resolvConf !== undefined || code !== 'ENOENT') {
			throw new UsageError(`cannot read resolver configuration ${path}: ${code ?? String(error)}; pass --resolv-conf FILE or @server`);
		}
	}
	const parsed = parseResolvConf(text, text === '' && overrides.resolvConf === undefined ? 'default' : path, hostname(), {
		LOCALDOMAIN: process.env.LOCALDOMAIN,
		RES_OPTIONS: process.env.RES_OPTIONS,
	});
	let config: ResolverConfig = parsed;
	if (overrides.servers.length > 0) {
		try {
			config = {...config, nameservers: overrides.servers.map((s) => parseEndpoint(s)), source: 'command line'};
		} catch (error) {
			if (error instanceof EndpointSyntaxError) throw new UsageError(error.message);
			throw error;
		}
	}
	if (overrides.timeout !== undefined) {
		const seconds = Number(overrides.timeout);
		if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) throw new UsageError(`--timeout takes seconds between 0 and 300, not '${overrides.timeout}'`);
		config = {...config, timeout: seconds};
	}
	if (overrides.attempts !== undefined) {
		const attempts = Number(overrides.attempts);
		if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) throw new UsageError(`--attempts takes a whole number from 1 to 10, not '${overrides.attempts}'`);
		config = {...config, attempts};
	}
	if (overrides.singleRequest) config = {...config, singleRequest: true};
	if (overrides.singleRequestReopen) config = {...config, singleRequestReopen: true};
	if (overrides.tcp) config = {...config, useVc: true};
	return config;
}
