// Answering a question from a fixed set of records as a recursive resolver would: chains, NXDOMAIN, NODATA.
import {parseName} from '../wire/name.js';

/** The SOA RDATA (RFC 1035 §3.3.13), in dns-packet's shape. */
export interface SoaData {
	readonly mname: string;
	readonly rname: string;
	readonly serial: number;
	readonly refresh: number;
	readonly retry: number;
	readonly expire: number;
	readonly minimum: number;
}

interface RecordBase {
	/** Owner name in presentation form; a trailing dot is optional. */
	readonly name: string;
	readonly ttl: number;
}

/** One record the demo server holds; `data` has dns-packet's shape for the type. */
export type ZoneRecord =
	| (RecordBase & {readonly type: 'A' | 'AAAA' | 'CNAME' | 'NS'; readonly data: string})
	| (RecordBase & {readonly type: 'SOA'; readonly data: SoaData})
	| (RecordBase & {readonly type: 'TXT'; readonly data: string | readonly (string | Uint8Array)[]})
	/** Any type by its RFC 3597 name (HTTPS is `TYPE65`), the RDATA as bytes: sent exactly as given. */
	| (RecordBase & {readonly type: `TYPE${number}`; readonly data: Uint8Array});

export type ZoneRecordType = ZoneRecord['type'];

/** RCODEs by name (RFC 1035 §4.1.1, RFC 2136 §2.2); the number goes in the low 4 bits of the flags. */
export const rcodeValues = {
	NOERROR: 0,
	FORMERR: 1,
	SERVFAIL: 2,
	NXDOMAIN: 3,
	NOTIMP: 4,
	REFUSED: 5,
	YXDOMAIN: 6,
	YXRRSET: 7,
	NXRRSET: 8,
	NOTAUTH: 9,
	NOTZONE: 10,
} as const;

export type RcodeName = keyof typeof rcodeValues;

/** The sections of a reply, before encoding. */
export interface ZoneAnswer {
	readonly rcode: RcodeName;
	readonly answers: readonly ZoneRecord[];
	readonly authorities: readonly ZoneRecord[];
}

/** Most CNAMEs followed for one question; far above any client's limit (he6-dns stops at 16). */
export const maxServerHops = 32;

/** A name as its labels, ASCII letters lowercased (RFC 4343); exact for `\DDD` escapes and for dots inside labels. */
function labelsOf(name: string): string[] {
	return parseName(name).map((label) => Array.from(label, (b) => String.fromCharCode(b >= 0x41 && b <= 0x5a ? b | 0x20 : b)).join(''));
}

/** A lookup key for a label list; JSON keeps labels containing dots or NULs distinct. */
const keyOf = (labels: readonly string[]): string => JSON.stringify(labels);

/** True when `labels` is `zone` or lies below it. */
function isWithin(labels: readonly string[], zone: readonly string[]): boolean {
	if (zone.length > labels.length) return false;
	const offset = labels.length - zone.length;
	return zone.every((label, i) => labels[offset + i] === label);
}

type SoaRecord = ZoneRecord & {readonly type: 'SOA'};

interface SoaEntry {
	readonly labels: readonly string[];
	readonly record: SoaRecord;
}

/**
 * The records, indexed by owner. Zones are the owners of SOA records; a name belongs to the zone with
 * the longest matching suffix. Throws (at construction) for an owner name that cannot be encoded.
 */
export class Zones {
	readonly #byOwner = new Map<string, ZoneRecord[]>();
	readonly #owners: string[][] = [];
	readonly #soas: SoaEntry[] = [];

	constructor(records: readonly ZoneRecord[]) {
		for (const record of records) {
			const labels = labelsOf(record.name);
			const key = keyOf(labels);
			let owned = this.#byOwner.get(key);
			if (owned === undefined) {
				owned = [];
				this.#byOwner.set(key, owned);
				this.#owners.push(labels);
			}
			owned.push(record);
			if (record.type === 'SOA') this.#soas.push({labels, record});
		}
	}

	/**
	 * The reply a recursive resolver would give for (`qname`, `qtype`): the CNAME chain from the question
	 * name plus the records of the asked type at its end (RFC 1034 §4.3.2 step 3). The RCODE and the
	 * authority section describe the end of the chain (RFC 6604): NXDOMAIN with the zone's SOA when it
	 * does not exist, NOERROR with the SOA when it exists without the type (RFC 2308 NODATA).
	 *
	 * Decisions where a real resolver differs:
	 * - A loop or more than `maxServerHops` CNAMEs stops the walk and returns the chain so far as NOERROR
	 *   with no authority (Unbound answers SERVFAIL), so that the client's own loop and length checks
	 *   are what a test sees.
	 * - A chain that leaves every zone we hold for a name we have no records of ends there, NOERROR,
	 *   no SOA: what an authoritative server does for an out-of-zone target. The client follows it.
	 * - A question outside every zone, with no records, is REFUSED (we cannot recurse).
	 */
	answer(qname: string, qtype: string): ZoneAnswer {
		const answers: ZoneRecord[] = [];
		let tail = labelsOf(qname);
		const seen = new Set([keyOf(tail)]);
		for (;;) {
			const owned = this.#byOwner.get(keyOf(tail)) ?? [];
			const matching = owned.filter((rr) => rr.type === qtype);
			if (matching.length > 0) return {rcode: 'NOERROR', answers: [...answers, ...matching], authorities: []};
			const cname = qtype === 'CNAME' ? undefined : owned.find((rr) => rr.type === 'CNAME');
			if (cname === undefined || cname.type !== 'CNAME') break;
			answers.push(cname);
			const target = labelsOf(cname.data);
			if (seen.has(keyOf(target)) || answers.length >= maxServerHops) return {rcode: 'NOERROR', answers, authorities: []};
			seen.add(keyOf(target));
			tail = target;
		}
		const soa = this.#zoneOf(tail);
		const authorities = soa === null ? [] : [negativeSoa(soa)];
		if (this.#exists(tail)) return {rcode: 'NOERROR', answers, authorities};
		if (soa !== null) return {rcode: 'NXDOMAIN', answers, authorities};
		return answers.length > 0 ? {rcode: 'NOERROR', answers, authorities: []} : {rcode: 'REFUSED', answers: [], authorities: []};
	}

	/** The SOA of the zone holding `labels` (longest suffix), or null. */
	#zoneOf(labels: readonly string[]): SoaRecord | null {
		let best: SoaEntry | null = null;
		for (const soa of this.#soas) {
			if (isWithin(labels, soa.labels) && (best === null || soa.labels.length > best.labels.length)) best = soa;
		}
		return best?.record ?? null;
	}

	/** A name exists when it owns records or has a descendant that does (an empty non-terminal, RFC 8020). */
	#exists(labels: readonly string[]): boolean {
		return this.#owners.some((owner) => isWithin(owner, labels));
	}
}

/** RFC 2308 §3: the SOA of a negative answer carries min(SOA TTL, SOA MINIMUM). */
function negativeSoa(soa: SoaRecord): ZoneRecord {
	return {...soa, ttl: Math.min(soa.ttl, soa.data.minimum)};
}
