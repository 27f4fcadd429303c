// Resource records of an observed reply as plain, terminal-safe data: presentation text and the SOA.
import {findSoa} from '../resolve/soa.js';
import type {WireRecord} from '../wire/codec.js';
import {rdataText as wireRdataText} from '../wire/rdata.js';

/**
 * One answer record as an exchange event carries it: `data` in presentation form (dig's), so it
 * outlives the frame's buffer and prints safely. Structurally a WireRecord, so `walkChain` reads it.
 */
export interface AnswerRecord {
	readonly name: string;
	readonly type: string;
	readonly ttl: number;
	readonly data: string;
}

/**
 * The presentation form of a record's data: the lean reader's own text when it made one, else the one
 * formatter every view shares (wire/rdata.ts: names dig-escaped, character-strings quoted, every type
 * held as bytes in RFC 3597 `\# len hex`).
 */
export function rdataText(rr: WireRecord): string {
	return rr.presentation ?? wireRdataText(rr);
}

/** The answer section as AnswerRecords (copies: nothing refers to the frame afterwards). */
export function answerRecords(answers: readonly WireRecord[]): AnswerRecord[] {
	return answers.map((rr) => ({name: rr.name, type: rr.type, ttl: rr.ttl, data: rdataText(rr)}));
}

/** The SOA of a negative answer; the same reading as the lookup's (resolve/soa.ts). */
export const soaOf = findSoa;
