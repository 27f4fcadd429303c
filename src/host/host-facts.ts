// What this host knows about its own addresses: the I/O seam over /proc, /sys and os.networkInterfaces.
import {readFileSync, readdirSync} from 'node:fs';
import {networkInterfaces} from 'node:os';
import {join} from 'node:path';
import ipaddr from 'ipaddr.js';
import {parseIfInet6} from './if-inet6.js';
import {classifyLinkType, type LinkType} from './link-types.js';

/** One local address with the attributes RFC 6724 rules 3, 4, 7 and 9 read. */
export interface LocalAddress {
	readonly address: string;
	readonly family: 4 | 6;
	readonly prefixLen: number;
	readonly deprecated: boolean;
	readonly home: boolean;
	readonly interface: string;
	readonly link: LinkType;
}

export interface HostFacts {
	readonly addresses: readonly LocalAddress[];
}

/** Paths are parameters so tests can point at a fake tree (tunnel devices are not creatable everywhere). */
export interface FactPaths {
	readonly ifInet6: string;
	readonly sysClassNet: string;
}

export const systemPaths: FactPaths = {ifInet6: '/proc/net/if_inet6', sysClassNet: '/sys/class/net'};

function readOr(path: string, fallback: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return fallback;
	}
}

/** The link type of every interface under sysClassNet. */
export function readLinkTypes(sysClassNet: string): Map<string, LinkType> {
	const links = new Map<string, LinkType>();
	let names: string[] = [];
	try {
		names = readdirSync(sysClassNet);
	} catch {
		return links;
	}
	for (const name of names) {
		const type = Number(readOr(join(sysClassNet, name, 'type'), '').trim());
		if (Number.isInteger(type) && type > 0) links.set(name, classifyLinkType(type));
	}
	return links;
}

/** Reads the host's addresses: IPv6 from if_inet6 (flags, prefix), IPv4 from the OS (netmask). */
export function readHostFacts(paths: FactPaths = systemPaths): HostFacts {
	const links = readLinkTypes(paths.sysClassNet);
	const linkOf = (name: string): LinkType => links.get(name) ?? classifyLinkType(1);
	const addresses: LocalAddress[] = parseIfInet6(readOr(paths.ifInet6, '')).map((a) => ({
		address: a.address,
		family: 6,
		prefixLen: a.prefixLen,
		deprecated: a.deprecated,
		home: a.home,
		interface: a.interface,
		link: linkOf(a.interface),
	}));
	for (const [name, list] of Object.entries(networkInterfaces())) {
		for (const info of list ?? []) {
			if (info.family !== 'IPv4') continue;
			const prefixLen = info.cidr === null ? 32 : Number(info.cidr.split('/')[1] ?? 32);
			addresses.push({address: info.address, family: 4, prefixLen, deprecated: false, home: false, interface: name, link: linkOf(name)});
		}
	}
	return {addresses};
}

/** The local address record for a source the kernel picked (compared in canonical form). */
export function findLocal(facts: HostFacts, source: string): LocalAddress | undefined {
	const key = canonical(source);
	return facts.addresses.find((a) => canonical(a.address) === key);
}

/** Memoised (a capture's inventory looks the same few sources up for every name); bounded by starting over. */
const canonicalForms = new Map<string, string>();

function canonical(address: string): string {
	let form = canonicalForms.get(address);
	if (form !== undefined) return form;
	const bare = address.split('%')[0] ?? address;
	form = ipaddr.isValid(bare) ? ipaddr.process(bare).toNormalizedString() : bare;
	if (canonicalForms.size >= 4096) canonicalForms.clear();
	canonicalForms.set(address, form);
	return form;
}
