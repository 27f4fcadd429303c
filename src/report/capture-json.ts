// The `exchange` and `name` NDJSON lines written field by field as bytes: the same text as jsonLine(event), without JSON.stringify walking an object.
import type {Attribution, ExchangeEvent, NameEvent, ObservedFamily} from '../capture/events.js';
import type {AnswerRecord} from '../capture/records.js';
import {JsonBytes} from './json-bytes.js';
import {writeChain, writeSoa} from './json-text.js';

/*
 * Decision: a capture writes an exchange line per reply (200k for a 400k-packet file) and a name
 * line per name. JSON.stringify of the event objects was the largest single cost after the GC; the
 * string templates that replaced it still made ~2 KB of strings a line to concatenate and flatten
 * (14% of all a 400k-packet decode allocated). Now the lines are written into a JsonBytes, as the
 * batch's records are (json-text.ts): keys in the contract's order (events.ts, as correlate.ts and
 * capture-inventory.ts build the events), strings quoted as they are when plain printable ASCII and
 * through jsonText otherwise (exact escaping, C1 controls included), numbers as JSON.stringify writes
 * them. test/unit/capture-json.test.ts holds both lines to jsonLine on fixtures and random events.
 */

function writeAnswers(out: JsonBytes, answers: readonly AnswerRecord[]): void {
	out.ascii('[');
	for (let i = 0; i < answers.length; i++) {
		const rr = answers[i] as AnswerRecord;
		out.ascii(i === 0 ? '{"name":' : ',{"name":');
		out.string(rr.name);
		out.ascii(',"type":');
		out.string(rr.type);
		out.ascii(',"ttl":');
		out.number(rr.ttl);
		out.ascii(',"data":');
		out.string(rr.data);
		out.ascii('}');
	}
	out.ascii(']');
}

const bool = (b: boolean): string => (b ? 'true' : 'false');

/** One exchange's NDJSON line (newline included) appended to `out`. */
export function writeExchangeJson(out: JsonBytes, e: ExchangeEvent): void {
	out.ascii('{"kind":"exchange","client":');
	out.string(e.client);
	out.ascii(',"server":');
	out.string(e.server);
	out.ascii(',"transport":');
	out.string(e.transport);
	out.ascii(',"id":');
	out.number(e.id);
	out.ascii(',"qname":');
	out.nullableString(e.qname);
	out.ascii(',"qtype":');
	out.nullableString(e.qtype);
	out.ascii(',"rcode":');
	out.nullableString(e.rcode);
	out.ascii(',"answers":');
	writeAnswers(out, e.answers);
	out.ascii(',"rttMs":');
	out.nullableNumber(e.rttMs);
	out.ascii(',"status":');
	out.string(e.status);
	out.ascii(',"time":');
	out.number(e.time);
	out.ascii(',"retransmissions":');
	out.number(e.retransmissions);
	out.ascii(',"endedBy":');
	out.nullableString(e.endedBy);
	out.ascii(',"flags":');
	const flags = e.flags;
	if (flags === null) out.ascii('null');
	else {
		out.ascii('{"aa":');
		out.ascii(bool(flags.aa));
		out.ascii(',"tc":');
		out.ascii(bool(flags.tc));
		out.ascii(',"ad":');
		out.ascii(bool(flags.ad));
		out.ascii('}');
	}
	out.ascii(',"soa":');
	writeSoa(out, e.soa);
	out.ascii(',"pairedWith":');
	if (e.pairedWith === null) out.ascii('null');
	else {
		out.ascii('{"id":');
		out.number(e.pairedWith.id);
		out.ascii(',"qtype":');
		out.string(e.pairedWith.qtype);
		out.ascii('}');
	}
	out.ascii(',"pairFlag":');
	out.nullableString(e.pairFlag);
	out.ascii(',"pid":');
	out.nullableNumber(e.pid);
	out.ascii(',"comm":');
	out.nullableString(e.comm);
	out.ascii('}\n');
}

function writeStrings(out: JsonBytes, list: readonly string[]): void {
	out.ascii('[');
	for (let i = 0; i < list.length; i++) {
		if (i > 0) out.ascii(',');
		out.string(list[i] as string);
	}
	out.ascii(']');
}

function writeProcesses(out: JsonBytes, processes: readonly Attribution[]): void {
	out.ascii('[');
	for (let i = 0; i < processes.length; i++) {
		const p = processes[i] as Attribution;
		out.ascii(i === 0 ? '{"pid":' : ',{"pid":');
		out.nullableNumber(p.pid);
		out.ascii(',"comm":');
		out.nullableString(p.comm);
		out.ascii('}');
	}
	out.ascii(']');
}

function writeFamily(out: JsonBytes, f: ObservedFamily): void {
	out.ascii('{"asked":');
	out.number(f.asked);
	out.ascii(',"answered":');
	out.number(f.answered);
	out.ascii(',"unanswered":');
	out.number(f.unanswered);
	out.ascii(',"status":');
	out.nullableString(f.status);
	out.ascii(',"addresses":');
	writeStrings(out, f.addresses);
	out.ascii(',"chain":');
	writeChain(out, f.chain);
	out.ascii('}');
}

/** One name of the inventory as its NDJSON line (newline included) appended to `out`. */
export function writeNameJson(out: JsonBytes, e: NameEvent): void {
	out.ascii('{"kind":"name","name":');
	out.string(e.name);
	out.ascii(',"count":');
	out.number(e.count);
	out.ascii(',"lastSeen":');
	out.number(e.lastSeen);
	out.ascii(',"chain":');
	writeChain(out, e.chain);
	out.ascii(',"processes":');
	writeProcesses(out, e.processes);
	out.ascii(',"a":');
	writeFamily(out, e.a);
	out.ascii(',"aaaa":');
	writeFamily(out, e.aaaa);
	out.ascii(',"verdict":');
	out.nullableString(e.verdict);
	out.ascii(',"reason":');
	out.string(e.reason);
	out.ascii(',"chosen":');
	out.nullableString(e.chosen);
	out.ascii('}\n');
}

/** One exchange as its NDJSON line (newline included), as text (a live capture writes each line as it comes). */
export function exchangeJsonLine(e: ExchangeEvent): string {
	const out = new JsonBytes(1024);
	writeExchangeJson(out, e);
	return out.text();
}

/** One name of the inventory as its NDJSON line (newline included), as text. */
export function nameJsonLine(e: NameEvent): string {
	const out = new JsonBytes(1024);
	writeNameJson(out, e);
	return out.text();
}
