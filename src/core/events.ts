// The event stream of a lookup run: the one thing every view (Ink, plain text, NDJSON) consumes.
import type {Endpoint, Transport} from '../transport/endpoint.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import type {HostResult} from '../core/host-result.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';

/** Totals at the end of a run; also what the exit code is computed from. */
export interface RunSummary {
	readonly hosts: number;
	/** Hosts whose both families got a reply (any RCODE) or whose name was answered. */
	readonly answered: number;
	/** Hosts with a TIMEOUT, ERROR or INVALID family. */
	readonly failed: number;
	/** True when at least one reply arrived from any server during the run. */
	readonly anyReply: boolean;
	readonly verdicts: Readonly<Record<string, number>>;
	readonly elapsedMs: number;
}

/** Events carry raw values only (numbers, enums, names); formatting belongs to report/ and ui/. */
export type LookupEvent =
	| {
			readonly kind: 'run-start';
			readonly config: ResolverConfig;
			readonly hosts: readonly string[];
			/** The address-selection stack (glibc, musl, go, rfc6724) and where sources come from. */
			readonly stack: string;
			readonly sources: string;
	  }
	| {readonly kind: 'host-start'; readonly index: number; readonly input: string}
	| {
			readonly kind: 'query-sent';
			readonly index: number;
			readonly family: Family;
			readonly qname: string;
			readonly server: Endpoint;
			readonly transport: Transport;
	  }
	| {readonly kind: 'family-done'; readonly index: number; readonly outcome: FamilyOutcome}
	| {readonly kind: 'host-done'; readonly result: HostResult}
	| {readonly kind: 'run-end'; readonly summary: RunSummary};
