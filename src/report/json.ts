// The NDJSON contract: one object per host. Field names are a public interface; change them never.
import {formatEndpoint} from '../transport/endpoint.js';
import type {FamilyOutcome} from '../resolve/types.js';
import type {HostResult} from '../core/host-result.js';

/** A family as JSON: endpoints as `address:port` strings, everything else as it is. */
export function familyJson(outcome: FamilyOutcome): Record<string, unknown> {
	return {
		status: outcome.status,
		qname: outcome.qname,
		chain: outcome.chain,
		addresses: outcome.addresses,
		soa: outcome.soa,
		server: outcome.server === null ? null : formatEndpoint(outcome.server),
		transport: outcome.transport,
		rttMs: outcome.rttMs,
		queries: outcome.queries,
		mismatched: outcome.mismatched,
		flags: outcome.flags,
		problem: outcome.problem,
	};
}

export function hostJson(result: HostResult): Record<string, unknown> {
	return {
		name: result.name,
		input: result.input,
		unicode: result.unicode,
		a: familyJson(result.a),
		aaaa: familyJson(result.aaaa),
		selection:
			result.selection === null
				? null
				: {
						stack: result.selection.stack,
						order: result.selection.order,
						chosen: result.selection.chosen,
						rule: result.selection.rule,
					},
		verdict: result.verdict,
		reason: result.reason,
	};
}

/** One NDJSON line. JSON.stringify escapes every control character, so the line is terminal-safe. */
export function hostLine(result: HostResult): string {
	return JSON.stringify(hostJson(result)) + '\n';
}
