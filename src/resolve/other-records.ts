// The records of a reply that the chain walk and the SOA did not use, as presentation text for the views.
import type {ReplyView, WireRecord} from '../wire/codec.js';
import {nameKey, sameName} from '../wire/name.js';
import {rdataText} from '../wire/rdata.js';
import type {ChainWalk} from './chain.js';
import type {Family, OtherRecord} from './types.js';

/**
 * Everything in the answer section besides the walked CNAMEs and the addresses at the tail, and in the
 * authority section besides the SOA (RFC 2308's evidence, shown on its own) and NS (a referral or the
 * zone's servers, routine in a positive answer). Decision: these never decide a status; they are
 * shown because a resolver that puts an HTTPS, a DNAME or an odd record there is itself evidence.
 */
export function otherRecords(message: ReplyView, walk: ChainWalk, family: Family): OtherRecord[] {
	const out: OtherRecord[] = [];
	for (const rr of message.answers) if (!used(rr, walk, family)) out.push(asText('answer', rr));
	for (const rr of message.authorities) if (rr.type !== 'SOA' && rr.type !== 'NS') out.push(asText('authority', rr));
	return out;
}

/**
 * Whether the walk used `rr`: a CNAME owned by a chain link's name, or a record of the asked type
 * owned by the tail the addresses came from (names compared by nameKey). Decision: asked per record,
 * without a set of `TYPE name` keys — most replies are one address record, and building the set was
 * most of this function's cost.
 */
function used(rr: WireRecord, walk: ChainWalk, family: Family): boolean {
	if (rr.type === 'CNAME') {
		if (walk.chain.length === 0) return false;
		const key = nameKey(rr.name);
		return walk.chain.some((link) => nameKey(link.name) === key);
	}
	return rr.type === family && walk.end === 'addresses' && sameName(rr.name, walk.tail);
}

const asText = (section: OtherRecord['section'], rr: WireRecord): OtherRecord => ({
	section,
	name: rr.name,
	ttl: rr.ttl,
	class: rr.class ?? 'IN',
	type: rr.type,
	data: rdataText(rr),
});
