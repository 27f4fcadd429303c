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
		otherRecords: outcome.otherRecords,
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

/**
 * One NDJSON line. JSON.stringify escapes C0 controls but leaves DEL and the C1 controls
 * (U+007F–U+009F) raw, and some terminals act on C1; they are escaped too, so `cat` is safe.
 */
export function jsonLine(json: unknown): string {
	return jsonText(json) + '\n';
}

/** jsonLine's text without the line end. */
export function jsonText(json: unknown): string {
	return escapeC1(JSON.stringify(json));
}

/** JSON text with DEL and the C1 controls escaped (`\u007f`…`\u009f`), as jsonLine writes them. */
export function escapeC1(text: string): string {
	return /[\u007f-\u009f]/.test(text) ? text.replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : text;
}

export function hostLine(result: HostResult): string {
	return jsonLine(hostJson(result));
}
