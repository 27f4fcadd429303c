// hostJson's fields written as JSON text directly: the same bytes as jsonLine(hostJson(...)), without the objects.
//
// Decision: a batch writes tens of thousands of records a second, and building hostJson's objects to
// hand them to JSON.stringify (then scanning the text for C1 controls) cost more than the rest of the
// record. The shapes are fixed (report/json.ts is the contract), so the text is written field by
// field in that order. A string that is not plain printable ASCII, and the rare variable parts
// (problem, other records), still go through jsonLine's own escaping, so every byte stays
// JSON.stringify's; test/unit/json-text.test.ts holds the two to the same text.
import type {HostResult} from '../core/host-result.js';
import type {RankedAddress, Selection} from '../core/selection.js';
import type {ChainLink, AddressRecord, FamilyOutcome, SoaRecord} from '../resolve/types.js';
import {formatEndpoint, type Endpoint} from '../transport/endpoint.js';

/** JSON.stringify's text plus jsonLine's C1 escapes (report/json.ts), for any value. */
export function jsonText(value: unknown): string {
	const text = JSON.stringify(value);
	return /[\u007f-\u009f]/.test(text) ? text.replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : text;
}

/** A string as JSON: quoted as is when every character is printable ASCII other than `"` and `\`. */
export function jsonString(s: string): string {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return jsonText(s);
	}
	return `"${s}"`;
}

const nullableString = (s: string | null): string => (s === null ? 'null' : jsonString(s));

/** A number as JSON.stringify writes it (non-finite numbers become null). */
export const jsonNumber = (n: number): string => (Number.isFinite(n) ? `${n}` : 'null');

const nullableNumber = (n: number | null): string => (n === null ? 'null' : jsonNumber(n));

/** Endpoints repeat (a run has a few servers): their text is made once per object. */
const endpointTexts = new WeakMap<Endpoint, string>();

function endpointText(endpoint: Endpoint): string {
	let text = endpointTexts.get(endpoint);
	if (text === undefined) {
		text = jsonString(formatEndpoint(endpoint));
		endpointTexts.set(endpoint, text);
	}
	return text;
}

function chainText(chain: readonly ChainLink[]): string {
	if (chain.length === 0) return '[]';
	let out = '';
	for (const link of chain) out += `${out === '' ? '[' : ','}{"name":${jsonString(link.name)},"target":${jsonString(link.target)},"ttl":${jsonNumber(link.ttl)}}`;
	return `${out}]`;
}

function addressesText(addresses: readonly AddressRecord[]): string {
	if (addresses.length === 0) return '[]';
	let out = '';
	for (const r of addresses) out += `${out === '' ? '[' : ','}{"address":${jsonString(r.address)},"ttl":${jsonNumber(r.ttl)}}`;
	return `${out}]`;
}

function soaText(soa: SoaRecord | null): string {
	if (soa === null) return 'null';
	return (
		`{"name":${jsonString(soa.name)},"ttl":${jsonNumber(soa.ttl)},"mname":${jsonString(soa.mname)},"rname":${jsonString(soa.rname)},` +
		`"serial":${jsonNumber(soa.serial)},"refresh":${jsonNumber(soa.refresh)},"retry":${jsonNumber(soa.retry)},"expire":${jsonNumber(soa.expire)},"minimum":${jsonNumber(soa.minimum)}}`
	);
}

/** familyJson(outcome) as text. */
export function familyText(o: FamilyOutcome): string {
	const flags = o.flags === null ? 'null' : `{"ad":${o.flags.ad},"aa":${o.flags.aa}}`;
	return (
		`{"status":"${o.status}","qname":${jsonString(o.qname)},"chain":${chainText(o.chain)},"addresses":${addressesText(o.addresses)},` +
		`"soa":${soaText(o.soa)},"otherRecords":${o.otherRecords.length === 0 ? '[]' : jsonText(o.otherRecords)},` +
		`"server":${o.server === null ? 'null' : endpointText(o.server)},"transport":${o.transport === null ? 'null' : `"${o.transport}"`},` +
		`"rttMs":${nullableNumber(o.rttMs)},"queries":${jsonNumber(o.queries)},"mismatched":${jsonNumber(o.mismatched)},"flags":${flags},` +
		`"problem":${o.problem === null ? 'null' : jsonText(o.problem)}}`
	);
}

function rankedText(r: RankedAddress): string {
	return `{"address":${jsonString(r.address)},"family":"${r.family}","source":${nullableString(r.source)},"interface":${nullableString(r.interface)},"synthesized":${nullableString(r.synthesized)}}`;
}

function selectionText(s: Selection | null): string {
	if (s === null) return 'null';
	let order = '';
	for (const r of s.order) order += (order === '' ? '' : ',') + rankedText(r);
	return `{"stack":"${s.stack}","order":[${order}],"chosen":${nullableString(s.chosen)},"rule":${nullableNumber(s.rule)}}`;
}

/**
 * hostJson(result)'s members after `input` (name is written by the caller where its object places
 * it): `"unicode":…,"a":…,"aaaa":…,"selection":…,"verdict":…,"reason":…`.
 */
export function hostTailText(result: HostResult): string {
	return (
		`"unicode":${nullableString(result.unicode)},"a":${familyText(result.a)},"aaaa":${familyText(result.aaaa)},` +
		`"selection":${selectionText(result.selection)},"verdict":"${result.verdict}","reason":${jsonString(result.reason)}`
	);
}
