// The `exchange` and `name` NDJSON lines written field by field: the same text as jsonLine(event), without JSON.stringify walking an object.
import type {Attribution, ExchangeEvent, NameEvent, ObservedFamily} from '../capture/events.js';
import type {ChainLink, SoaRecord} from '../resolve/types.js';
import type {AnswerRecord} from '../capture/records.js';
import {jsonText} from './json.js';

/*
 * Decision: a capture writes an exchange line per reply (200k for a 400k-packet file) and a name
 * line per name, and JSON.stringify of the event objects was the largest single cost after the GC.
 * The templates below are the contract's key order (events.ts, as correlate.ts and
 * capture-inventory.ts build the events); strings still go
 * through JSON.stringify (exact escaping), numbers through String (what JSON.stringify gives for a
 * finite number; a non-finite one is null there and here). C1 controls can only occur inside string
 * literals, so each string is escaped on its own (short, flat) instead of the whole line: the line
 * is then built once and flattened once, by the write. test/unit/capture-json.test.ts checks the
 * templates against jsonLine on fixtures and random events.
 */

/** Characters JSON.stringify or escapeC1 would escape (quote, backslash, controls, DEL, C1, any surrogate): without them a string is quoted as it is. */
const needsEscape = /["\\\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;
const str = (s: string): string => (needsEscape.test(s) ? jsonText(s) : `"${s}"`);
const strOrNull = (s: string | null): string => (s === null ? 'null' : str(s));
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const numOrNull = (n: number | null): string => (n === null ? 'null' : num(n));
const bool = (b: boolean): string => (b ? 'true' : 'false');

function answersJson(answers: readonly AnswerRecord[]): string {
	if (answers.length === 0) return '[]';
	let out = '[';
	for (let i = 0; i < answers.length; i++) {
		const rr = answers[i] as AnswerRecord;
		out += `${i === 0 ? '' : ','}{"name":${str(rr.name)},"type":${str(rr.type)},"ttl":${num(rr.ttl)},"data":${str(rr.data)}}`;
	}
	return out + ']';
}

function soaJson(soa: SoaRecord | null): string {
	if (soa === null) return 'null';
	return `{"name":${str(soa.name)},"ttl":${num(soa.ttl)},"mname":${str(soa.mname)},"rname":${str(soa.rname)},"serial":${num(soa.serial)},"refresh":${num(soa.refresh)},"retry":${num(soa.retry)},"expire":${num(soa.expire)},"minimum":${num(soa.minimum)}}`;
}

/** One exchange as its NDJSON line (newline included), C1 controls escaped as jsonLine does. */
export function exchangeJsonLine(e: ExchangeEvent): string {
	const flags = e.flags === null ? 'null' : `{"aa":${bool(e.flags.aa)},"tc":${bool(e.flags.tc)},"ad":${bool(e.flags.ad)}}`;
	const pairedWith = e.pairedWith === null ? 'null' : `{"id":${num(e.pairedWith.id)},"qtype":${str(e.pairedWith.qtype)}}`;
	return (
		`{"kind":"exchange","client":${str(e.client)},"server":${str(e.server)},"transport":${str(e.transport)},"id":${num(e.id)},` +
		`"qname":${strOrNull(e.qname)},"qtype":${strOrNull(e.qtype)},"rcode":${strOrNull(e.rcode)},"answers":${answersJson(e.answers)},` +
		`"rttMs":${numOrNull(e.rttMs)},"status":${str(e.status)},"time":${num(e.time)},"retransmissions":${num(e.retransmissions)},` +
		`"endedBy":${strOrNull(e.endedBy)},"flags":${flags},"soa":${soaJson(e.soa)},"pairedWith":${pairedWith},"pairFlag":${strOrNull(e.pairFlag)},` +
		`"pid":${numOrNull(e.pid)},"comm":${strOrNull(e.comm)}}\n`
	);
}

function chainJson(chain: readonly ChainLink[]): string {
	if (chain.length === 0) return '[]';
	let out = '[';
	for (let i = 0; i < chain.length; i++) {
		const link = chain[i] as ChainLink;
		out += `${i === 0 ? '' : ','}{"name":${str(link.name)},"target":${str(link.target)},"ttl":${num(link.ttl)}}`;
	}
	return out + ']';
}

function stringsJson(list: readonly string[]): string {
	if (list.length === 0) return '[]';
	let out = '[';
	for (let i = 0; i < list.length; i++) out += (i === 0 ? '' : ',') + str(list[i] as string);
	return out + ']';
}

function processesJson(processes: readonly Attribution[]): string {
	if (processes.length === 0) return '[]';
	let out = '[';
	for (let i = 0; i < processes.length; i++) {
		const p = processes[i] as Attribution;
		out += `${i === 0 ? '' : ','}{"pid":${numOrNull(p.pid)},"comm":${strOrNull(p.comm)}}`;
	}
	return out + ']';
}

function familyJson(f: ObservedFamily): string {
	return `{"asked":${num(f.asked)},"answered":${num(f.answered)},"unanswered":${num(f.unanswered)},"status":${strOrNull(f.status)},"addresses":${stringsJson(f.addresses)},"chain":${chainJson(f.chain)}}`;
}

/** One name of the inventory as its NDJSON line (newline included), C1 controls escaped as jsonLine does. */
export function nameJsonLine(e: NameEvent): string {
	return (
		`{"kind":"name","name":${str(e.name)},"count":${num(e.count)},"lastSeen":${num(e.lastSeen)},"chain":${chainJson(e.chain)},` +
		`"processes":${processesJson(e.processes)},"a":${familyJson(e.a)},"aaaa":${familyJson(e.aaaa)},` +
		`"verdict":${strOrNull(e.verdict)},"reason":${str(e.reason)},"chosen":${strOrNull(e.chosen)}}\n`
	);
}
