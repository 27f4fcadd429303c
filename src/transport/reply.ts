// What one try at one server over one transport came to, and the question check shared by UDP and TCP.
import type {Message, RecordTypeName, ReplyView, WireError} from '../wire/codec.js';
import {nameKey} from '../wire/name.js';
import type {Endpoint, Transport} from './endpoint.js';

/** The question a reply must echo (RFC 5452 §9.1: id, question and source must all match). */
export interface AskedQuestion {
	readonly name: string;
	readonly type: RecordTypeName;
}

/** What settled one try, before the mismatch count is attached. */
export type TrySettlement =
	| {readonly kind: 'reply'; readonly message: ReplyView; readonly server: Endpoint; readonly transport: Transport; readonly rttMs: number}
	| {readonly kind: 'malformed'; readonly error: WireError; readonly server: Endpoint; readonly transport: Transport}
	| {readonly kind: 'timeout'; readonly server: Endpoint; readonly transport: Transport}
	| {readonly kind: 'network'; readonly detail: string; readonly server: Endpoint; readonly transport: Transport};

/** A settled try plus the replies that were rejected while it waited (RFC 5452 checks failed). */
export type TryOutcome = TrySettlement & {readonly mismatched: number};

/** True when a decoded message is a response to exactly this question (name compared case-insensitively). */
export function answersQuestion(message: Message, question: AskedQuestion): boolean {
	if (message.type !== 'response' || message.questions.length !== 1) return false;
	const echoed = message.questions[0];
	return (
		echoed !== undefined &&
		echoed.type === question.type &&
		(echoed.class === undefined || echoed.class === 'IN') &&
		nameKey(echoed.name) === nameKey(question.name)
	);
}
