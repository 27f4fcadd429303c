// What each stack feeds the RFC 6724 §6 rules: its tables, its scopes, and which rules it runs.
import {
	classifyScope,
	commonPrefixLen,
	glibcDefaultLabels,
	glibcDefaultPrecedence,
	glibcDefaultScopes,
	goPolicyTable,
	lookupPrefix,
	muslPolicyTable,
	parseIp,
	rfc6724PolicyTable,
	unmap,
	type Ip,
} from './policy.js';
import type {GaiConf, PolicyRow, PrefixRow, SourceInfo, Stack} from './types.js';

/** Scope, label and precedence of one address (RFC 6724 §2.1, §3). */
export interface AddressAttributes {
	readonly scope: number;
	readonly label: number;
	readonly precedence: number;
}

/** A destination with everything the rules compare; the names follow RFC 6724 §6. */
export interface Candidate {
	readonly destination: string;
	/** Position in the original list (Rule 10). */
	readonly index: number;
	readonly d: Ip;
	readonly attrs: AddressAttributes;
	/** Source(D); null when undefined (no route, connect() failed). */
	readonly source: SourceInfo | null;
	readonly sourceIp: Ip | null;
	readonly sourceAttrs: AddressAttributes | null;
}

/** One stack's departures from RFC 6724 §6, read by the comparator in rfc6724.ts. */
export interface StackProfile {
	readonly stack: Stack;
	/** How the stack sees an address: Go's net.IP cannot tell ::ffff:a.b.c.d from a.b.c.d. */
	readonly view: (ip: Ip) => Ip;
	readonly attributes: (ip: Ip) => AddressAttributes;
	/** Rule 1 with both sources undefined: Go stops ("equal"); the others fall through. */
	readonly bothUnusableEqual: boolean;
	/** Rules 3 and 4 (Go and musl have no deprecated or home data). */
	readonly avoidDeprecated: boolean;
	readonly preferHome: boolean;
	/** Rule 7: off, the RFC's native flag, or glibc's "only across different interfaces". */
	readonly nativeTransport: 'off' | 'rfc6724' | 'glibc';
	/** Rule 9's two CommonPrefixLen values, or null when the stack does not apply it to this pair. */
	readonly prefixLengths: (da: Candidate, db: Candidate) => readonly [number, number] | null;
	/** musl returns a list of IPv4 addresses as it came. */
	readonly sortsIpv4Only: boolean;
}

function tableAttributes(table: readonly PolicyRow[], stack: Stack): (ip: Ip) => AddressAttributes {
	return (ip) => {
		// Every table here ends with ::/0 and IPv4 is looked up mapped, so a row always matches.
		const match = lookupPrefix(table, ip);
		return {scope: classifyScope(ip, stack), label: match?.label ?? 1, precedence: match?.precedence ?? 40};
	};
}

function glibcAttributes(gaiConf: GaiConf | undefined): (ip: Ip) => AddressAttributes {
	const labels: readonly PrefixRow[] = gaiConf?.labels ?? glibcDefaultLabels;
	const precedences: readonly PrefixRow[] = gaiConf?.precedences ?? glibcDefaultPrecedence;
	const scopeTable = gaiConf?.scopes ?? glibcDefaultScopes;
	return (ip) => ({
		scope: classifyScope(ip, 'glibc', scopeTable),
		label: lookupPrefix(labels, ip)?.value ?? 1,
		precedence: lookupPrefix(precedences, ip)?.value ?? 40,
	});
}

/** Both CommonPrefixLen values, each against its own source's prefix length. */
function bothPrefixLengths(stack: Stack, da: Candidate, db: Candidate): readonly [number, number] | null {
	if (da.sourceIp === null || db.sourceIp === null || da.source === null || db.source === null) return null;
	return [
		commonPrefixLen(da.sourceIp, da.d, stack, da.source.prefixLen),
		commonPrefixLen(db.sourceIp, db.d, stack, db.source.prefixLen),
	];
}

const identity = (ip: Ip): Ip => ip;

/** Profiles without a gai.conf, and per parsed gai.conf, by stack. */
const profiles = new Map<Stack, StackProfile>();
const gaiProfiles = new WeakMap<GaiConf, Map<Stack, StackProfile>>();

/**
 * The profile of `stack`; `gaiConf` only matters to glibc (Go and musl never read the file).
 * Memoised: a batch sorts every name's addresses, and a profile is a dozen closures and tables.
 */
export function stackProfile(stack: Stack, gaiConf?: GaiConf): StackProfile {
	let byStack = profiles;
	if (gaiConf !== undefined) {
		let mine = gaiProfiles.get(gaiConf);
		if (mine === undefined) {
			mine = new Map<Stack, StackProfile>();
			gaiProfiles.set(gaiConf, mine);
		}
		byStack = mine;
	}
	let profile = byStack.get(stack);
	if (profile === undefined) {
		profile = makeProfile(stack, gaiConf);
		byStack.set(stack, profile);
	}
	return profile;
}

function makeProfile(stack: Stack, gaiConf?: GaiConf): StackProfile {
	switch (stack) {
		case 'rfc6724':
			return {
				stack,
				view: identity,
				attributes: tableAttributes(rfc6724PolicyTable, stack),
				bothUnusableEqual: false,
				avoidDeprecated: true,
				preferHome: true,
				nativeTransport: 'rfc6724',
				// "When DA and DB belong to the same address family".
				prefixLengths: (da, db) => (da.d.family === db.d.family ? bothPrefixLengths(stack, da, db) : null),
				sortsIpv4Only: true,
			};
		case 'glibc':
			return {
				stack,
				view: identity,
				attributes: glibcAttributes(gaiConf),
				bothUnusableEqual: false,
				avoidDeprecated: true,
				preferHome: true,
				nativeTransport: 'glibc',
				prefixLengths: (da, db) => (da.d.family === db.d.family ? bothPrefixLengths(stack, da, db) : null),
				sortsIpv4Only: true,
			};
		case 'go':
			return {
				stack,
				view: unmap,
				attributes: tableAttributes(goPolicyTable, stack),
				bothUnusableEqual: true,
				avoidDeprecated: false, // "TODO(bradfitz): implement? low priority for now."
				preferHome: false,
				nativeTransport: 'off',
				// "applying this rule to IPv4 addresses causes problems (see issues 13283 and 18518), so limit to IPv6."
				prefixLengths: (da, db) => (da.d.family === 6 && db.d.family === 6 ? bothPrefixLengths(stack, da, db) : null),
				sortsIpv4Only: true,
			};
		case 'musl':
			return {
				stack,
				view: identity,
				attributes: tableAttributes(muslPolicyTable, stack),
				bothUnusableEqual: false,
				// "Rules 3, 4, and 7 are omitted for having excessive runtime and code size cost and dubious benefit."
				avoidDeprecated: false,
				preferHome: false,
				nativeTransport: 'off',
				// The prefix length is a field of one sort key, compared whatever the two families are;
				// an unusable destination's field is 0.
				prefixLengths: (da, db) => [
					da.sourceIp === null ? 0 : commonPrefixLen(da.sourceIp, da.d, stack),
					db.sourceIp === null ? 0 : commonPrefixLen(db.sourceIp, db.d, stack),
				],
				sortsIpv4Only: false,
			};
	}
}

/** Builds the candidate for one destination as `profile` sees it. */
export function candidateOf(destination: string, index: number, source: SourceInfo | null, profile: StackProfile): Candidate {
	const d = profile.view(parseIp(destination));
	const sourceIp = source === null ? null : profile.view(parseIp(source.address));
	return {
		destination,
		index,
		d,
		attrs: profile.attributes(d),
		source,
		sourceIp,
		sourceAttrs: sourceIp === null ? null : sourceAttributes(profile, sourceIp),
	};
}

/** A host has a few source addresses: their attributes are kept per profile and parsed address. */
const sourceAttrsMemo = new WeakMap<StackProfile, WeakMap<Ip, AddressAttributes>>();

function sourceAttributes(profile: StackProfile, ip: Ip): AddressAttributes {
	let memo = sourceAttrsMemo.get(profile);
	if (memo === undefined) {
		memo = new WeakMap();
		sourceAttrsMemo.set(profile, memo);
	}
	let attrs = memo.get(ip);
	if (attrs === undefined) {
		attrs = profile.attributes(ip);
		memo.set(ip, attrs);
	}
	return attrs;
}

/** Scope, label and precedence of `address` under `stack` (for views that explain a decision). */
export function attributesOf(address: string, stack: Stack, options: {gaiConf?: GaiConf} = {}): AddressAttributes {
	const profile = stackProfile(stack, options.gaiConf);
	return profile.attributes(profile.view(parseIp(address)));
}

/** A prefix of the 16-byte address space (IPv4 as ::ffff:a.b.c.d), as the native name judge partitions it. */
export interface MappedPrefix {
	readonly bytes: readonly number[];
	readonly bits: number;
}

const mappedPrefix = (text: string, bits: number): MappedPrefix => {
	const ip = parseIp(text);
	return {bytes: ip.mapped, bits: ip.family === 4 ? 96 + bits : bits};
};

/**
 * Every prefix whose containment `stack`'s attributes of an address read (its policy rows, its scope
 * rules), so that two addresses inside the same set of them get the same scope, label and precedence —
 * except IPv6 multicast (ff00::/8, listed), whose scope is a field the caller must leave aside. The
 * native name judge (capture-live/native-judge.ts) partitions destinations by them. Kept beside makeProfile:
 * a rule that reads more of an address must add its prefixes here. Null for musl, whose Rule 9
 * compares the two families' whole addresses.
 */
export function attributePrefixes(stack: Stack, gaiConf?: GaiConf): readonly MappedPrefix[] | null {
	// ipv6Scope: the multicast field, fe80::/10, ::1, fec0::/10.
	const ipv6Scopes = [mappedPrefix('ff00::', 8), mappedPrefix('fe80::', 10), mappedPrefix('::1', 128), mappedPrefix('fec0::', 10)];
	// ipv4Scope: 127/8 and 169.254/16.
	const ipv4Scopes = [mappedPrefix('127.0.0.0', 8), mappedPrefix('169.254.0.0', 16)];
	const rows = (table: readonly {readonly prefix: string; readonly bits: number}[]): MappedPrefix[] => table.map((row) => mappedPrefix(row.prefix, row.bits));
	switch (stack) {
		case 'rfc6724':
			return [...rows(rfc6724PolicyTable), ...ipv6Scopes, ...ipv4Scopes];
		case 'go':
			return [...rows(goPolicyTable), ...ipv6Scopes, ...ipv4Scopes];
		case 'glibc':
			return [
				...rows(gaiConf?.labels ?? glibcDefaultLabels),
				...rows(gaiConf?.precedences ?? glibcDefaultPrecedence),
				...ipv6Scopes,
				...(gaiConf?.scopes ?? glibcDefaultScopes).map((row) => mappedPrefix(row.prefix, row.bits)),
			];
		case 'musl':
			return null;
	}
}
