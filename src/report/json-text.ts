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
import {formatEndpoint, type Endpoint} from '../transport/endpoint.js';
import {jsonText} from './json.js';
import type {JsonBytes} from './json-bytes.js';

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

/** A CNAME chain as JSON: `[{"name":…,"target":…,"ttl":…},…]` (a family's and a capture's). */
export function writeChain(out: JsonBytes, chain: readonly ChainLink[]): void {
	out.ascii('[');
	for (let i = 0; i < chain.length; i++) {
		const link = chain[i] as ChainLink;
		out.ascii(i === 0 ? '{"name":' : ',{"name":');
		out.string(link.name);
		out.ascii(',"target":');
		out.string(link.target);
		out.ascii(',"ttl":');
		out.number(link.ttl);
		out.ascii('}');
	}
	out.ascii(']');
}

/** An SOA record as JSON, or null (a family's negative answer, a capture's exchange). */
export function writeSoa(out: JsonBytes, soa: SoaRecord | null): void {
	if (soa === null) {
		out.ascii('null');
		return;
	}
	out.ascii('{"name":');
	out.string(soa.name);
	out.ascii(',"ttl":');
	out.number(soa.ttl);
	out.ascii(',"mname":');
	out.string(soa.mname);
	out.ascii(',"rname":');
	out.string(soa.rname);
	out.ascii(',"serial":');
	out.number(soa.serial);
	out.ascii(',"refresh":');
	out.number(soa.refresh);
	out.ascii(',"retry":');
	out.number(soa.retry);
	out.ascii(',"expire":');
	out.number(soa.expire);
	out.ascii(',"minimum":');
	out.number(soa.minimum);
	out.ascii('}');
}

/** familyJson(outcome) as JSON. */
export function writeFamily(out: JsonBytes, o: FamilyOutcome): void {
	out.ascii('{"status":"');
	out.ascii(o.status);
	out.ascii('","qname":');
	out.string(o.qname);
	out.ascii(',"chain":');
	writeChain(out, o.chain);
	out.ascii(',"addresses":[');
	for (let i = 0; i < o.addresses.length; i++) {
		const r = o.addresses[i];
		if (r === undefined) continue;
		out.ascii(i === 0 ? '{"address":' : ',{"address":');
		out.string(r.address);
		out.ascii(',"ttl":');
		out.number(r.ttl);
		out.ascii('}');
	}
	out.ascii('],"soa":');
	writeSoa(out, o.soa);
	out.ascii(',"otherRecords":');
	if (o.otherRecords.length === 0) out.ascii('[]');
	else out.utf8(jsonText(o.otherRecords));
	out.ascii(',"server":');
	if (o.server === null) out.ascii('null');
	else writeEndpoint(out, o.server);
	out.ascii(',"transport":');
	if (o.transport === null) out.ascii('null');
	else {
		out.ascii('"');
		out.ascii(o.transport);
		out.ascii('"');
	}
	out.ascii(',"rttMs":');
	out.nullableNumber(o.rttMs);
	out.ascii(',"queries":');
	out.number(o.queries);
	out.ascii(',"mismatched":');
	out.number(o.mismatched);
	out.ascii(',"flags":');
	if (o.flags === null) out.ascii('null');
	else out.ascii(o.flags.ad ? (o.flags.aa ? '{"ad":true,"aa":true}' : '{"ad":true,"aa":false}') : o.flags.aa ? '{"ad":false,"aa":true}' : '{"ad":false,"aa":false}');
	out.ascii(',"problem":');
	if (o.problem === null) out.ascii('null');
	else out.utf8(jsonText(o.problem));
	out.ascii('}');
}

function writeRanked(out: JsonBytes, r: RankedAddress): void {
	out.ascii('{"address":');
	out.string(r.address);
	out.ascii(r.family === 'A' ? ',"family":"A","source":' : ',"family":"AAAA","source":');
	out.nullableString(r.source);
	out.ascii(',"interface":');
	out.nullableString(r.interface);
	out.ascii(',"synthesized":');
	out.nullableString(r.synthesized);
	out.ascii('}');
}

function writeSelection(out: JsonBytes, s: Selection | null): void {
	if (s === null) {
		out.ascii('null');
		return;
	}
	out.ascii('{"stack":"');
	out.ascii(s.stack);
	out.ascii('","order":[');
	for (let i = 0; i < s.order.length; i++) {
		const r = s.order[i];
		if (r === undefined) continue;
		if (i > 0) out.ascii(',');
		writeRanked(out, r);
	}
	out.ascii('],"chosen":');
	out.nullableString(s.chosen);
	out.ascii(',"rule":');
	out.nullableNumber(s.rule);
	out.ascii('}');
}

/**
 * hostJson(result)'s members from `unicode` on (the caller writes the ones before, where its object
 * places them): `"unicode":…,"a":…,"aaaa":…,"selection":…,"verdict":…,"reason":…`.
 */
export function writeHostTail(out: JsonBytes, result: HostResult): void {
	out.ascii('"unicode":');
	out.nullableString(result.unicode);
	out.ascii(',"a":');
	writeFamily(out, result.a);
	out.ascii(',"aaaa":');
	writeFamily(out, result.aaaa);
	out.ascii(',"selection":');
	writeSelection(out, result.selection);
	out.ascii(',"verdict":"');
	out.ascii(result.verdict);
	out.ascii('","reason":');
	out.string(result.reason);
}
