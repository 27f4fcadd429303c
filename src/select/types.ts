// The shared vocabulary of destination address selection: stacks, sources, rules, policy rows, gai.conf.

/**
 * A **stack** is one implementation of RFC 6724 §6 whose order we reproduce: the RFC read literally,
 * glibc's getaddrinfo (nss/getaddrinfo.c `rfc3484_sort`), Go's pure resolver (net/addrselect.go) or
 * musl (src/network/lookup_name.c).
 */
export type Stack = 'rfc6724' | 'glibc' | 'go' | 'musl';

/**
 * What the host knows about **Source(D)**, the address the kernel picked for destination D (a UDP
 * `connect()` then `getsockname()`), with the flags the interface list adds to it.
 */
export interface SourceInfo {
	/** The source address, IPv4 dotted quad or IPv6 text. */
	readonly address: string;
	/** The prefix length of the source's subnet (IPv4: 0–32, IPv6: 0–128); Rule 9 reads it. */
	readonly prefixLen: number;
	/** RFC 4862 "deprecated" (glibc also counts IFA_F_OPTIMISTIC): Rule 3. */
	readonly deprecated: boolean;
	/** A Mobile IPv6 home address (IFA_F_HOMEADDRESS): Rule 4. */
	readonly home: boolean;
	/** False when the outgoing interface is a tunnel (sit, ip6tnl, gre…): Rule 7. */
	readonly native: boolean;
	/** The outgoing interface's name, when known; glibc only runs Rule 7 when the two differ. */
	readonly interface: string | null;
}

/** The RFC 6724 §6 rule (1–10) that decided a comparison; 10 means "the original order". */
export type RuleId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** Why `a` comes straight before `b` in the sorted order. */
export interface Decision {
	readonly a: string;
	readonly b: string;
	readonly rule: RuleId;
}

/** The sorted destinations, and for each adjacent pair the rule that put the first one first. */
export interface SortResult {
	readonly order: string[];
	readonly decisions: Decision[];
}

/** One row of a policy table as RFC 6724 §2.1 prints it: prefix, precedence and label together. */
export interface PolicyRow {
	/** IPv6 prefix text (IPv4 is looked up as ::ffff:a.b.c.d). */
	readonly prefix: string;
	readonly bits: number;
	readonly precedence: number;
	readonly label: number;
}

/**
 * One row of a single-valued prefix table: glibc keeps labels and precedences apart, and gai.conf
 * replaces each table on its own. `line` is the gai.conf line it came from, null for a built-in
 * row or the ::/0 row glibc appends.
 */
export interface PrefixRow {
	readonly prefix: string;
	readonly bits: number;
	readonly value: number;
	readonly line: number | null;
}

/** One row of glibc's IPv4 scope table (`default_scopes`, or gai.conf `scopev4` lines). */
export interface ScopeRow {
	/** IPv4 network, dotted quad, host bits cleared. */
	readonly prefix: string;
	/** IPv4 prefix length, 0–32 (a `::ffff:a.b.c.d/n` line is stored as n − 96). */
	readonly bits: number;
	readonly scope: number;
	readonly line: number | null;
}

/** Why a gai.conf line had no effect. */
export type GaiConfIgnoreReason =
	| 'unknown-command'
	| 'bad-prefix'
	| 'bad-prefix-length'
	| 'missing-prefix-length'
	| 'bad-value';

/** A gai.conf line that glibc does not apply, kept so a view can list it. */
export interface GaiConfIgnoredLine {
	/** 1-based line number. */
	readonly line: number;
	/** The line as written, without its newline. */
	readonly text: string;
	readonly reason: GaiConfIgnoreReason;
	/** One sentence for the user. */
	readonly detail: string;
}

/**
 * /etc/gai.conf as glibc applies it. A table is null when no valid line of its kind was given, so
 * the built-in one stays; otherwise it is the whole replacement, sorted longest prefix first, with
 * the ::/0 (or 0.0.0.0/0) default appended when the file gave none.
 */
export interface GaiConf {
	readonly labels: readonly PrefixRow[] | null;
	readonly precedences: readonly PrefixRow[] | null;
	readonly scopes: readonly ScopeRow[] | null;
	/** `reload yes`: re-read the file when its mtime changes (the last `reload` line counts). */
	readonly reload: boolean;
	readonly ignored: readonly GaiConfIgnoredLine[];
}
