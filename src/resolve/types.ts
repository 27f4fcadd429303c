// The data model of a lookup: what one family (A or AAAA) of one host came to. DNS outcomes are data.
import type {Endpoint, Transport} from '../transport/endpoint.js';

/** The address families he6-dns asks for, named by their RR types (RFC 1035, RFC 3596). */
export type Family = 'A' | 'AAAA';

/**
 * The **status** of one family. Never merged across families.
 * - NOERROR: addresses of the asked type were found (possibly at the end of a CNAME chain).
 * - NODATA: the (tail) name exists but has no record of this type (RFC 2308 §2.2).
 * - NXDOMAIN: the (tail) name does not exist (RFC 2308 §2.1; after a chain, RFC 6604).
 * - SERVFAIL / REFUSED: the resolver's own RCODE.
 * - TIMEOUT: no acceptable reply from any server within the attempts.
 * - ERROR: anything else: malformed reply, CNAME loop, chain over 16 hops, other RCODEs, network error.
 * - INVALID: the input is not a valid domain name; nothing was sent.
 */
export type Status = 'NOERROR' | 'NODATA' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'ERROR' | 'INVALID';

/** One CNAME hop, owner → target, with the TTL of the CNAME record. Names are in presentation form. */
export interface ChainLink {
	readonly name: string;
	readonly target: string;
	readonly ttl: number;
}

/** One address record of the asked type, owned by the tail of the chain. */
export interface AddressRecord {
	readonly address: string;
	readonly ttl: number;
}

/** The SOA of a negative answer (RFC 2308 §3), from the authority section. */
export interface SoaRecord {
	readonly name: string;
	readonly ttl: number;
	readonly mname: string;
	readonly rname: string;
	readonly serial: number;
	readonly refresh: number;
	readonly retry: number;
	readonly expire: number;
	readonly minimum: number;
}

/**
 * A record of a deciding reply that is none of the above: in the answer section, off the chain or
 * of another type (a DNAME, an HTTPS, a TXT…); in the authority section, anything but the SOA and
 * NS. `type` and `class` are mnemonics or RFC 3597 §5 `TYPEn`/`CLASSn`; `data` is presentation text
 * (wire/rdata.ts): names dig-escaped, strings quoted with `\DDD`, undecoded types as `\# len hex`.
 */
export interface OtherRecord {
	readonly section: 'answer' | 'authority';
	readonly name: string;
	readonly ttl: number;
	readonly class: string;
	readonly type: string;
	readonly data: string;
}

/** Why a family ended in ERROR (or TIMEOUT), as data; report/ turns it into words. */
export type LookupProblem =
	| {readonly kind: 'cname-loop'; readonly at: string}
	| {readonly kind: 'chain-too-long'; readonly hops: number}
	| {readonly kind: 'malformed-reply'; readonly detail: string}
	| {readonly kind: 'rcode'; readonly rcode: string}
	| {readonly kind: 'network'; readonly detail: string}
	| {readonly kind: 'timeout'; readonly tries: number}
	| {readonly kind: 'invalid-name'; readonly detail: string};

/** Everything one family of one host came to. */
export interface FamilyOutcome {
	readonly family: Family;
	readonly status: Status;
	/** The name that was asked (after the search list), presentation form, no trailing dot. */
	readonly qname: string;
	readonly chain: readonly ChainLink[];
	readonly addresses: readonly AddressRecord[];
	readonly soa: SoaRecord | null;
	/** The rest of the deciding replies' answer and authority sections (evidence; never changes the status). */
	readonly otherRecords: readonly OtherRecord[];
	/** The server whose reply decided the status, or null if none answered. */
	readonly server: Endpoint | null;
	readonly transport: Transport | null;
	/** Round-trip time of the deciding reply, in milliseconds. */
	readonly rttMs: number | null;
	/** Queries sent for this family, retries, TCP repeats and chain follow-ups included. */
	readonly queries: number;
	/** Replies that were dropped because address, port, id or question did not match (RFC 5452). */
	readonly mismatched: number;
	/** Header flags of the deciding reply: authenticated data (AD) and authoritative answer (AA). */
	readonly flags: {readonly ad: boolean; readonly aa: boolean} | null;
	readonly problem: LookupProblem | null;
}

/** The per-host verdict (issue 3): DNS outcomes plus what RFC 6724 address selection would do. */
export type Verdict = 'migrated' | 'v6-not-preferred' | 'not-migrated' | 'synthetic' | 'bogus-aaaa' | 'broken-aaaa' | 'unresolved' | 'error';
