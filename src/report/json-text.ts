// hostJson's fields written as JSON bytes directly: the same text as jsonLine(hostJson(...)), without the objects.
//
// Decision: a batch writes tens of thousands of records a second, and building hostJson's objects to
// hand them to JSON.stringify (then scanning the text for C1 controls, then encoding it again) cost
// more than the rest of the record. The shapes are fixed (report/json.ts is the contract), so the
// text is written field by field in that order into a JsonBytes. A string that is not plain printable
// ASCII, and the rare variable parts (problem, other records), still go through jsonLine's own
// escaping, so every byte stays JSON.stringify's; test/unit/json-text.test.ts holds the two to the same text.
import type {HostResult} from '../core/host-result.js';
import type {RankedAddress, Selection} from '../core/selection.js';
import type {ChainLink, FamilyOutcome, SoaRecord} from '../resolve/types.js';
import {formatEndpoint, type Endpoint, type Transport} from '../transport/endpoint.js';
import {jsonText} from './json.js';
import {fragment, type JsonBytes} from './json-bytes.js';

/** Endpoints repeat (a run has a few servers): their JSON bytes are made once per object. */
const endpointBytes = new WeakMap<Endpoint, Uint8Array>();

function writeEndpoint(out: JsonBytes, endpoint: Endpoint): void {
	let bytes = endpointBytes.get(endpoint);
	if (bytes === undefined) {
		bytes = Buffer.from(jsonText(formatEndpoint(endpoint)), 'utf8');
		endpointBytes.set(endpoint, bytes);
	}
	out.bytes(bytes);
}

/*
 * The constant parts of the records, encoded once (JsonBytes.bytes copies each in one go: a third of
 * the time of copying them char code by char code); neighbouring constants and enum values are one fragment.
 */
/** Keys shared with report/capture-json.ts (its answers, endpoints, families and name lines have them too). */
export const nameStart = fragment('{"name":');
export const nextNameStart = fragment(',{"name":');
export const ttlKey = fragment(',"ttl":');
export const serverKey = fragment(',"server":');
const targetKey = fragment(',"target":');

/** A CNAME chain as JSON: `[{"name":…,"target":…,"ttl":…},…]` (a family's and a capture's). */
export function writeChain(out: JsonBytes, chain: readonly ChainLink[]): void {
	if (chain.length === 0) {
		out.ascii('[]');
		return;
	}
	out.ascii('[');
	for (let i = 0; i < chain.length; i++) {
		const link = chain[i] as ChainLink;
		out.bytes(i === 0 ? nameStart : nextNameStart);
		out.string(link.name);
		out.bytes(targetKey);
		out.string(link.target);
		out.bytes(ttlKey);
		out.number(link.ttl);
		out.ascii('}');
	}
	out.ascii(']');
}

const mnameKey = fragment(',"mname":');
const rnameKey = fragment(',"rname":');
const serialKey = fragment(',"serial":');
const refreshKey = fragment(',"refresh":');
const retryKey = fragment(',"retry":');
const expireKey = fragment(',"expire":');
const minimumKey = fragment(',"minimum":');

/** An SOA record as JSON, or null (a family's negative answer, a capture's exchange). */
export function writeSoa(out: JsonBytes, soa: SoaRecord | null): void {
	if (soa === null) {
		out.ascii('null');
		return;
	}
	out.bytes(nameStart);
	out.string(soa.name);
	out.bytes(ttlKey);
	out.number(soa.ttl);
	out.bytes(mnameKey);
	out.string(soa.mname);
	out.bytes(rnameKey);
	out.string(soa.rname);
	out.bytes(serialKey);
	out.number(soa.serial);
	out.bytes(refreshKey);
	out.number(soa.refresh);
	out.bytes(retryKey);
	out.number(soa.retry);
	out.bytes(expireKey);
	out.number(soa.expire);
	out.bytes(minimumKey);
	out.number(soa.minimum);
	out.ascii('}');
}

/** `{"status":"…","qname":` for each status; a status outside the list is written as it comes. */
const statusQname = new Map<string, Uint8Array>();
export const chainKey = fragment(',"chain":');
const addressesStart = fragment(',"addresses":[');
const addressStart = fragment('{"address":');
const nextAddressStart = fragment(',{"address":');
const addressesEndSoa = fragment('],"soa":');
const otherRecordsKey = fragment(',"otherRecords":');
/** `,"transport":…,"rttMs":` for each transport (null under the key 'null'). */
const transportRtt: Readonly<Record<Transport | 'null', Uint8Array>> = {
	null: fragment(',"transport":null,"rttMs":'),
	udp: fragment(',"transport":"udp","rttMs":'),
	tcp: fragment(',"transport":"tcp","rttMs":'),
};
const queriesKey = fragment(',"queries":');
const mismatchedKey = fragment(',"mismatched":');
/** `,"flags":{…},"problem":` by ad·2 + aa, then the null flags. */
const flagsProblem: readonly Uint8Array[] = [0, 1, 2, 3].map((bits) => fragment(`,"flags":{"ad":${(bits & 2) !== 0},"aa":${(bits & 1) !== 0}},"problem":`));
const nullFlagsProblem = fragment(',"flags":null,"problem":');

/** familyJson(outcome) as JSON. */
export function writeFamily(out: JsonBytes, o: FamilyOutcome): void {
	let start = statusQname.get(o.status);
	if (start === undefined) {
		start = fragment(`{"status":${jsonText(o.status)},"qname":`);
		statusQname.set(o.status, start);
	}
	out.bytes(start);
	out.string(o.qname);
	out.bytes(chainKey);
	writeChain(out, o.chain);
	out.bytes(addressesStart);
	for (let i = 0; i < o.addresses.length; i++) {
		const r = o.addresses[i];
		if (r === undefined) continue;
		out.bytes(i === 0 ? addressStart : nextAddressStart);
		out.string(r.address);
		out.bytes(ttlKey);
		out.number(r.ttl);
		out.ascii('}');
	}
	out.bytes(addressesEndSoa);
	writeSoa(out, o.soa);
	out.bytes(otherRecordsKey);
	if (o.otherRecords.length === 0) out.ascii('[]');
	else out.utf8(jsonText(o.otherRecords));
	out.bytes(serverKey);
	if (o.server === null) out.ascii('null');
	else writeEndpoint(out, o.server);
	out.bytes(transportRtt[o.transport ?? 'null']);
	out.nullableNumber(o.rttMs);
	out.bytes(queriesKey);
	out.number(o.queries);
	out.bytes(mismatchedKey);
	out.number(o.mismatched);
	out.bytes(o.flags === null ? nullFlagsProblem : (flagsProblem[(o.flags.ad ? 2 : 0) + (o.flags.aa ? 1 : 0)] as Uint8Array));
	if (o.problem === null) out.ascii('null');
	else out.utf8(jsonText(o.problem));
	out.ascii('}');
}

const familyASource = fragment(',"family":"A","source":');
const familyAaaaSource = fragment(',"family":"AAAA","source":');
const interfaceKey = fragment(',"interface":');
const synthesizedKey = fragment(',"synthesized":');

function writeRanked(out: JsonBytes, r: RankedAddress): void {
	out.bytes(addressStart);
	out.string(r.address);
	out.bytes(r.family === 'A' ? familyASource : familyAaaaSource);
	out.nullableString(r.source);
	out.bytes(interfaceKey);
	out.nullableString(r.interface);
	out.bytes(synthesizedKey);
	out.nullableString(r.synthesized);
	out.ascii('}');
}

/** `{"stack":"…","order":[` for each stack. */
const stackOrder = new Map<string, Uint8Array>();
const orderEndChosen = fragment('],"chosen":');
const ruleKey = fragment(',"rule":');

function writeSelection(out: JsonBytes, s: Selection | null): void {
	if (s === null) {
		out.ascii('null');
		return;
	}
	let start = stackOrder.get(s.stack);
	if (start === undefined) {
		start = fragment(`{"stack":${jsonText(s.stack)},"order":[`);
		stackOrder.set(s.stack, start);
	}
	out.bytes(start);
	for (let i = 0; i < s.order.length; i++) {
		const r = s.order[i];
		if (r === undefined) continue;
		if (i > 0) out.ascii(',');
		writeRanked(out, r);
	}
	out.bytes(orderEndChosen);
	out.nullableString(s.chosen);
	out.bytes(ruleKey);
	out.nullableNumber(s.rule);
	out.ascii('}');
}

const unicodeKey = fragment('"unicode":');
export const aKey = fragment(',"a":');
export const aaaaKey = fragment(',"aaaa":');
const selectionKey = fragment(',"selection":');
/** `,"verdict":"…","reason":` for each verdict. */
const verdictReason = new Map<string, Uint8Array>();

/**
 * hostJson(result)'s members from `unicode` on (the caller writes the ones before, where its object
 * places them): `"unicode":…,"a":…,"aaaa":…,"selection":…,"verdict":…,"reason":…`.
 */
export function writeHostTail(out: JsonBytes, result: HostResult): void {
	out.bytes(unicodeKey);
	out.nullableString(result.unicode);
	out.bytes(aKey);
	writeFamily(out, result.a);
	out.bytes(aaaaKey);
	writeFamily(out, result.aaaa);
	out.bytes(selectionKey);
	writeSelection(out, result.selection);
	let verdict = verdictReason.get(result.verdict);
	if (verdict === undefined) {
		verdict = fragment(`,"verdict":${jsonText(result.verdict)},"reason":`);
		verdictReason.set(result.verdict, verdict);
	}
	out.bytes(verdict);
	out.string(result.reason);
}
