// The `exchange` and `name` NDJSON lines written field by field as bytes: the same text as jsonLine(event), without JSON.stringify walking an object.
import type {Attribution, ExchangeEvent, ExchangeStatus, NameEvent, ObservedFamily} from '../capture/events.js';
import type {AnswerRecord} from '../capture/records.js';
import {fragment, JsonBytes} from './json-bytes.js';
import type {Transport} from '../transport/endpoint.js';
import {aaaaKey, aKey, chainKey, nameStart, nextNameStart, serverKey, ttlKey, writeChain, writeSoa} from './json-text.js';

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

/*
 * The constant parts of the lines, encoded once (JsonBytes.bytes copies each in one go). Decision:
 * neighbouring constants are one fragment, with the enum values between them folded in (a transport,
 * a status, the flags, the all-null tail of a replay's exchange), so a line is ~20 copies, not ~40.
 */
const exchangeStart = fragment('{"kind":"exchange","client":');
const transportId: Readonly<Record<Transport, Uint8Array>> = {udp: fragment(',"transport":"udp","id":'), tcp: fragment(',"transport":"tcp","id":')};
const qnameKey = fragment(',"qname":');
const qtypeKey = fragment(',"qtype":');
const rcodeKey = fragment(',"rcode":');
const answersKey = fragment(',"answers":[');
const noAnswersRtt = fragment(',"answers":[],"rttMs":');
const answersEndRtt = fragment('],"rttMs":');
const statusTime: Readonly<Record<ExchangeStatus, Uint8Array>> = {
	answered: fragment(',"status":"answered","time":'),
	unanswered: fragment(',"status":"unanswered","time":'),
	unsolicited: fragment(',"status":"unsolicited","time":'),
};
const retransmissionsKey = fragment(',"retransmissions":');
/** `,"endedBy":…,"flags":` for each endedBy (null under the key 'null'). */
const endedByFlags: Readonly<Record<NonNullable<ExchangeEvent['endedBy']> | 'null', Uint8Array>> = {
	null: fragment(',"endedBy":null,"flags":'),
	timeout: fragment(',"endedBy":"timeout","flags":'),
	'end-of-capture': fragment(',"endedBy":"end-of-capture","flags":'),
};
/** The flags object and the soa key, by aa·4 + tc·2 + ad; then the null flags. */
const flagsSoa: readonly Uint8Array[] = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) => fragment(`{"aa":${(bits & 4) !== 0},"tc":${(bits & 2) !== 0},"ad":${(bits & 1) !== 0}},"soa":`));
const nullFlagsSoa = fragment('null,"soa":');
/** The tail of an exchange without a pair or a process (every replayed exchange but the pairs). */
const nullTail = fragment(',"pairedWith":null,"pairFlag":null,"pid":null,"comm":null}\n');
const pairedWithKey = fragment(',"pairedWith":');
const pairedStart = fragment('{"id":');
const pairFlagKey = fragment(',"pairFlag":');
const pidKey = fragment(',"pid":');
const commKey = fragment(',"comm":');
const lineEnd = fragment('}\n');
const typeKey = fragment(',"type":');
const dataKey = fragment(',"data":');

function writeAnswers(out: JsonBytes, answers: readonly AnswerRecord[]): void {
	out.bytes(answersKey);
	writeAnswerList(out, answers);
	out.bytes(answersEndRtt);
}

/** The records of an exchange's answer list, between its brackets. */
function writeAnswerList(out: JsonBytes, answers: readonly AnswerRecord[]): void {
	for (let i = 0; i < answers.length; i++) {
		const rr = answers[i] as AnswerRecord;
		out.bytes(i === 0 ? nameStart : nextNameStart);
		out.string(rr.name);
		out.bytes(typeKey);
		out.string(rr.type);
		out.bytes(ttlKey);
		out.number(rr.ttl);
		out.bytes(dataKey);
		out.string(rr.data);
		out.ascii('}');
	}
}

/** One exchange's NDJSON line (newline included) appended to `out`. */
export function writeExchangeJson(out: JsonBytes, e: ExchangeEvent): void {
	out.bytes(exchangeStart);
	out.string(e.client);
	out.bytes(serverKey);
	out.string(e.server);
	out.bytes(transportId[e.transport]);
	out.number(e.id);
	out.bytes(qnameKey);
	out.nullableString(e.qname);
	out.bytes(qtypeKey);
	out.nullableString(e.qtype);
	out.bytes(rcodeKey);
	out.nullableString(e.rcode);
	if (e.answers.length === 0) out.bytes(noAnswersRtt);
	else writeAnswers(out, e.answers);
	out.nullableNumber(e.rttMs);
	out.bytes(statusTime[e.status]);
	out.number(e.time);
	out.bytes(retransmissionsKey);
	out.number(e.retransmissions);
	out.bytes(endedByFlags[e.endedBy ?? 'null']);
	const flags = e.flags;
	out.bytes(flags === null ? nullFlagsSoa : (flagsSoa[(flags.aa ? 4 : 0) + (flags.tc ? 2 : 0) + (flags.ad ? 1 : 0)] as Uint8Array));
	writeSoa(out, e.soa);
	if (e.pairedWith === null && e.pairFlag === null && e.pid === null && e.comm === null) {
		out.bytes(nullTail);
		return;
	}
	out.bytes(pairedWithKey);
	if (e.pairedWith === null) out.ascii('null');
	else {
		out.bytes(pairedStart);
		out.number(e.pairedWith.id);
		out.bytes(qtypeKey);
		out.string(e.pairedWith.qtype);
		out.ascii('}');
	}
	out.bytes(pairFlagKey);
	out.nullableString(e.pairFlag);
	out.bytes(pidKey);
	out.nullableNumber(e.pid);
	out.bytes(commKey);
	out.nullableString(e.comm);
	out.bytes(lineEnd);
}

function writeStrings(out: JsonBytes, list: readonly string[]): void {
	out.ascii('[');
	for (let i = 0; i < list.length; i++) {
		if (i > 0) out.ascii(',');
		out.string(list[i] as string);
	}
	out.ascii(']');
}

const processStart = fragment('{"pid":');
const nextProcessStart = fragment(',{"pid":');

function writeProcesses(out: JsonBytes, processes: readonly Attribution[]): void {
	if (processes.length === 0) {
		out.ascii('[]');
		return;
	}
	out.ascii('[');
	for (let i = 0; i < processes.length; i++) {
		const p = processes[i] as Attribution;
		out.bytes(i === 0 ? processStart : nextProcessStart);
		out.nullableNumber(p.pid);
		out.bytes(commKey);
		out.nullableString(p.comm);
		out.ascii('}');
	}
	out.ascii(']');
}

const askedKey = fragment('{"asked":');
const answeredKey = fragment(',"answered":');
const unansweredKey = fragment(',"unanswered":');
const familyStatusKey = fragment(',"status":');
const addressesKey = fragment(',"addresses":');

function writeFamily(out: JsonBytes, f: ObservedFamily): void {
	out.bytes(askedKey);
	out.number(f.asked);
	out.bytes(answeredKey);
	out.number(f.answered);
	out.bytes(unansweredKey);
	out.number(f.unanswered);
	out.bytes(familyStatusKey);
	out.nullableString(f.status);
	out.bytes(addressesKey);
	writeStrings(out, f.addresses);
	out.bytes(chainKey);
	writeChain(out, f.chain);
	out.ascii('}');
}

const nameLineStart = fragment('{"kind":"name","name":');
const countKey = fragment(',"count":');
const lastSeenKey = fragment(',"lastSeen":');
const processesKey = fragment(',"processes":');
const verdictKey = fragment(',"verdict":');
const reasonKey = fragment(',"reason":');
const chosenKey = fragment(',"chosen":');

/** One name of the inventory as its NDJSON line (newline included) appended to `out`. */
export function writeNameJson(out: JsonBytes, e: NameEvent): void {
	out.bytes(nameLineStart);
	out.string(e.name);
	out.bytes(countKey);
	out.number(e.count);
	out.bytes(lastSeenKey);
	out.number(e.lastSeen);
	out.bytes(chainKey);
	writeChain(out, e.chain);
	out.bytes(processesKey);
	writeProcesses(out, e.processes);
	out.bytes(aKey);
	writeFamily(out, e.a);
	out.bytes(aaaaKey);
	writeFamily(out, e.aaaa);
	out.bytes(verdictKey);
	out.nullableString(e.verdict);
	out.bytes(reasonKey);
	out.string(e.reason);
	out.bytes(chosenKey);
	out.nullableString(e.chosen);
	out.bytes(lineEnd);
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

/**
 * The pieces of an exchange line for a message the native capture lane did not decode itself
 * (capture-live/native-lane.ts hands them to it): a string as this file quotes it, the answer list
 * between its brackets, the SOA object or null. Written by the same functions, so the lane's line is this file's.
 */
export const laneTexts = {
	string(s: string): string {
		const out = new JsonBytes(s.length * 2 + 16);
		out.string(s);
		return out.text();
	},
	answers(answers: readonly AnswerRecord[]): string {
		const out = new JsonBytes(256);
		writeAnswerList(out, answers);
		return out.text();
	},
	soa(soa: ExchangeEvent['soa']): string | null {
		if (soa === null) return null;
		const out = new JsonBytes(256);
		writeSoa(out, soa);
		return out.text();
	},
};
