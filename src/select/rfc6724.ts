// RFC 6724 §6 destination address selection as a pure function, with glibc's, Go's and musl's departures.
import ipaddr from 'ipaddr.js';
import {parseIp} from './policy.js';
import {candidateOf, stackProfile, type Candidate, type StackProfile} from './stacks.js';
import type {Decision, GaiConf, RuleId, SortResult, SourceInfo, Stack} from './types.js';

const ruleNames: Record<RuleId, string> = {
	1: 'avoid unusable destinations',
	2: 'prefer matching scope',
	3: 'avoid deprecated addresses',
	4: 'prefer home addresses',
	5: 'prefer matching label',
	6: 'prefer higher precedence',
	7: 'prefer native transport',
	8: 'prefer smaller scope',
	9: 'use longest matching prefix',
	10: 'otherwise, leave the order unchanged',
};

/** Each rule's text, made once: every name's reason names one. */
const ruleTexts = new Map<RuleId, string>(Object.entries(ruleNames).map(([rule, name]) => [Number(rule) as RuleId, `Rule ${rule}: ${name}`]));

/** "Rule 6: prefer higher precedence". */
export function describeRule(rule: RuleId): string {
	return ruleTexts.get(rule) ?? `Rule ${rule}: ${ruleNames[rule]}`;
}

/** The outcome of one comparison: which destination goes first and the rule that said so. */
interface Verdict {
	readonly prefer: 'da' | 'db' | null;
	readonly rule: RuleId;
}

const preferDa = (rule: RuleId): Verdict => ({prefer: 'da', rule});
const preferDb = (rule: RuleId): Verdict => ({prefer: 'db', rule});
const equal: Verdict = {prefer: null, rule: 10};

/** A rule of the form "if P(DA) and not P(DB), prefer DA; if P(DB) and not P(DA), prefer DB". */
function either(rule: RuleId, a: boolean, b: boolean): Verdict | null {
	if (a && !b) return preferDa(rule);
	if (!a && b) return preferDb(rule);
	return null;
}

/** Whichever of the two numbers is larger wins (`larger = false`: smaller wins). */
function byNumber(rule: RuleId, a: number, b: number, larger: boolean): Verdict | null {
	if (a === b) return null;
	return a > b === larger ? preferDa(rule) : preferDb(rule);
}

/** Compares DA with DB, RFC 6724 §6, as `profile`'s stack does. */
function compare(da: Candidate, db: Candidate, profile: StackProfile): Verdict {
	const sourceDa = da.source;
	const sourceDb = db.source;

	// Rule 1: Avoid unusable destinations.
	// If DB is known to be unreachable or if Source(DB) is undefined, then prefer DA. Similarly, if DA
	// is known to be unreachable or if Source(DA) is undefined, then prefer DB.
	if (sourceDa !== null && sourceDb === null) return preferDa(1);
	if (sourceDa === null && sourceDb !== null) return preferDb(1);
	// Departure (Go): two unusable destinations are "equal" and keep their order. The RFC says nothing
	// of this case; read literally it falls through, and glibc and musl do so: only Rules 6 and 8 (and
	// 10) can then decide, since every other rule needs Source(D).
	const haveSources = sourceDa !== null && sourceDb !== null;
	if (!haveSources && profile.bothUnusableEqual) return equal;
	const sa = da.sourceAttrs;
	const sb = db.sourceAttrs;

	// Rule 2: Prefer matching scope.
	// If Scope(DA) = Scope(Source(DA)) and Scope(DB) <> Scope(Source(DB)), then prefer DA. Similarly,
	// if Scope(DA) <> Scope(Source(DA)) and Scope(DB) = Scope(Source(DB)), then prefer DB.
	if (sa !== null && sb !== null) {
		const verdict = either(2, da.attrs.scope === sa.scope, db.attrs.scope === sb.scope);
		if (verdict) return verdict;
	}

	// Rule 3: Avoid deprecated addresses.
	// If Source(DA) is deprecated and Source(DB) is not, then prefer DB. Similarly, if Source(DA) is
	// not deprecated and Source(DB) is deprecated, then prefer DA.
	// Departure (Go, musl): not implemented.
	if (profile.avoidDeprecated && sourceDa !== null && sourceDb !== null) {
		const verdict = either(3, !sourceDa.deprecated, !sourceDb.deprecated);
		if (verdict) return verdict;
	}

	// Rule 4: Prefer home addresses.
	// If Source(DA) is simultaneously a home address and care-of address and Source(DB) is not, then
	// prefer DA. Similarly, if Source(DB) is simultaneously a home address and care-of address and
	// Source(DA) is not, then prefer DB. If Source(DA) is just a home address and Source(DB) is just a
	// care-of address, then prefer DA. Similarly, if Source(DA) is just a care-of address and
	// Source(DB) is just a home address, then prefer DB.
	// Departure (all): a source carries one home flag (the kernel's IFA_F_HOMEADDRESS), so the
	// "simultaneously" clause cannot be told apart and a home address simply beats one that is not,
	// as glibc does. Go and musl do not implement the rule.
	if (profile.preferHome && sourceDa !== null && sourceDb !== null) {
		const verdict = either(4, sourceDa.home, sourceDb.home);
		if (verdict) return verdict;
	}

	// Rule 5: Prefer matching label.
	// If Label(Source(DA)) = Label(DA) and Label(Source(DB)) <> Label(DB), then prefer DA. Similarly,
	// if Label(Source(DA)) <> Label(DA) and Label(Source(DB)) = Label(DB), then prefer DB.
	if (sa !== null && sb !== null) {
		const verdict = either(5, sa.label === da.attrs.label, sb.label === db.attrs.label);
		if (verdict) return verdict;
	}

	// Rule 6: Prefer higher precedence.
	// If Precedence(DA) > Precedence(DB), then prefer DA. Similarly, if Precedence(DA) <
	// Precedence(DB), then prefer DB.
	const rule6 = byNumber(6, da.attrs.precedence, db.attrs.precedence, true);
	if (rule6) return rule6;

	// Rule 7: Prefer native transport.
	// If DA is reached via an encapsulating transition mechanism (e.g., IPv6 in IPv4) and DB is not,
	// then prefer DB. Similarly, if DB is reached via encapsulation and DA is not, then prefer DA.
	// Departure (glibc): only when the two sources are on different interfaces ("The same interface
	// index means the same interface which means there is no difference in transport"); an unknown
	// interface counts as one interface. Departure (Go, musl): not implemented.
	if (profile.nativeTransport !== 'off' && sourceDa !== null && sourceDb !== null) {
		if (profile.nativeTransport === 'rfc6724' || sourceDa.interface !== sourceDb.interface) {
			const verdict = either(7, sourceDa.native, sourceDb.native);
			if (verdict) return verdict;
		}
	}

	// Rule 8: Prefer smaller scope.
	// If Scope(DA) < Scope(DB), then prefer DA. Similarly, if Scope(DA) > Scope(DB), then prefer DB.
	const rule8 = byNumber(8, da.attrs.scope, db.attrs.scope, false);
	if (rule8) return rule8;

	// Rule 9: Use longest matching prefix.
	// When DA and DB belong to the same address family (both are IPv6 or both are IPv4): If
	// CommonPrefixLen(Source(DA), DA) > CommonPrefixLen(Source(DB), DB), then prefer DA. Similarly, if
	// CommonPrefixLen(Source(DA), DA) < CommonPrefixLen(Source(DB), DB), then prefer DB.
	// Departures: glibc's IPv4 prefix only counts inside the source's subnet and its IPv6 one runs over
	// 128 bits; Go applies the rule to IPv6 pairs only, over at most 64 bits; musl compares 128-bit
	// mapped prefixes whatever the families (see commonPrefixLen and stackProfile).
	const lengths = haveSources ? profile.prefixLengths(da, db) : null;
	if (lengths) {
		const rule9 = byNumber(9, lengths[0], lengths[1], true);
		if (rule9) return rule9;
	}

	// Rule 10: Otherwise, leave the order unchanged.
	// If DA preceded DB in the original list, prefer DA. Otherwise, prefer DB.
	return equal;
}

/**
 * A stable insertion sort, as Go's sort.Stable is for up to 20 items. The rules need not form a
 * transitive order (Rule 9 in particular), and then the algorithm matters; this one keeps every
 * adjacent pair either decided by a rule or in its original order, which is what `decisions` reports.
 * glibc 2.36 uses a merge sort and musl a single sort key, so a non-transitive set may differ there.
 */
function insertionSort(items: readonly Candidate[], profile: StackProfile): Candidate[] {
	const out: Candidate[] = [];
	for (const item of items) {
		// Shifted into place by hand: splice was most of a two-address sort.
		let at = out.length;
		out.push(item);
		while (at > 0) {
			const previous = out[at - 1] as Candidate;
			if (compare(item, previous, profile).prefer !== 'da') break;
			out[at] = previous;
			at--;
		}
		out[at] = item;
	}
	return out;
}

/** Source(D) for `destination`: by the exact text, else by its canonical form. */
function sourceFor(sources: ReadonlyMap<string, SourceInfo | null>, destination: string): SourceInfo | null {
	// One lookup: a value is never undefined, so get() tells presence (a capture's map holds ~100k).
	const exact = sources.get(destination);
	if (exact !== undefined) return exact;
	const ip = parseIp(destination);
	// ipaddr.js writes IPv6 as RFC 5952 text.
	return ip.family === 4 ? null : (sources.get(ipaddr.fromByteArray([...ip.bytes]).toString()) ?? null);
}

/**
 * Sorts `destinations` as `stack` would before connecting, given each destination's Source(D)
 * (`null` or missing: undefined, so unusable). `options.gaiConf` is /etc/gai.conf parsed by
 * parseGaiConf; only glibc reads it. Every address must be valid IPv4 (dotted quad) or IPv6 text.
 */
export function sortDestinations(
	destinations: readonly string[],
	sources: ReadonlyMap<string, SourceInfo | null>,
	stack: Stack,
	options: {gaiConf?: GaiConf} = {},
): SortResult {
	const profile = stackProfile(stack, options.gaiConf);
	const candidates = destinations.map((destination, index) => candidateOf(destination, index, sourceFor(sources, destination), profile));
	// musl: "No further processing is needed if there are fewer than 2 results or if there are only
	// IPv4 results." (A v4-mapped AAAA is AF_INET6 there, so it does not count as IPv4.)
	const sorts = profile.sortsIpv4Only || candidates.some((c) => c.d.family === 6);
	const sorted = sorts ? insertionSort(candidates, profile) : [...candidates];
	const decisions: Decision[] = [];
	for (let i = 0; i + 1 < sorted.length; i++) {
		const a = sorted[i];
		const b = sorted[i + 1];
		if (a === undefined || b === undefined) continue;
		const verdict = sorts ? compare(a, b, profile) : equal;
		decisions.push({a: a.destination, b: b.destination, rule: verdict.prefer === 'da' ? verdict.rule : 10});
	}
	return {order: sorted.map((c) => c.destination), decisions};
}
