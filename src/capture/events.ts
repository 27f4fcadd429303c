// The capture event stream: exchanges as they pair or time out, then one record per name and a summary.
//
// Decision: the events are the NDJSON contract as they stand (endpoints already as
// `address:port` text, times as numbers), so `JSON.stringify(event)` is the line and every view reads
// the same values. Fields beyond the contract are additions, never renames.
import type {Transport} from '../transport/endpoint.js';
import type {ChainLink, SoaRecord, Status, Verdict} from '../resolve/types.js';
import type {AnswerRecord} from './records.js';

/** Which process owned the client socket (filled by the live capture; null in replays). */
export interface Attribution {
	readonly pid: number | null;
	readonly comm: string | null;
}

export type ExchangeStatus = 'answered' | 'unanswered' | 'unsolicited';

/** The half of a getaddrinfo A+AAAA pair that got no reply while the other did. */
export type PairFlag = 'A lost' | 'AAAA lost';

export interface ExchangeEvent extends Attribution {
	readonly kind: 'exchange';
	/** `address:port` of the side that asked (`[v6]:port` for IPv6). */
	readonly client: string;
	readonly server: string;
	readonly transport: Transport;
	readonly id: number;
	/** Presentation form as asked (case kept); null only for an unsolicited reply without a question. */
	readonly qname: string | null;
	readonly qtype: string | null;
	/** The reply's RCODE name, null when unanswered. */
	readonly rcode: string | null;
	readonly answers: readonly AnswerRecord[];
	/** Reply time minus the first transmission of the query (what the client waited), in ms. */
	readonly rttMs: number | null;
	readonly status: ExchangeStatus;
	/** Capture time (ms since the epoch) of the query's first transmission, or of the unsolicited reply. */
	readonly time: number;
	/** Copies of the query seen after the first, before the reply or the timeout. */
	readonly retransmissions: number;
	/** Why an unanswered exchange ended: the timeout passed, or the capture ended first. */
	readonly endedBy: 'timeout' | 'end-of-capture' | null;
	/** Reply header bits: authoritative, truncated (TC: the client should come back over TCP), AD. */
	readonly flags: {readonly aa: boolean; readonly tc: boolean; readonly ad: boolean} | null;
	/** The SOA of the authority section (negative answers), as lookups report it. */
	readonly soa: SoaRecord | null;
	/** The other half of a getaddrinfo A+AAAA pair (same client socket, same name, within a few ms). */
	readonly pairedWith: {readonly id: number; readonly qtype: string} | null;
	/** Set on whichever half of a pair ends last, when exactly one half got no reply. */
	readonly pairFlag: PairFlag | null;
}

/** One family of a name as the capture saw it. */
export interface ObservedFamily {
	/** Queries (first transmissions) seen for this name and type. */
	readonly asked: number;
	readonly answered: number;
	readonly unanswered: number;
	/** As a lookup would have judged the latest reply; TIMEOUT when only unanswered; null when never asked (or an open chain). */
	readonly status: Status | null;
	readonly addresses: readonly string[];
	readonly chain: readonly ChainLink[];
}

export interface NameEvent {
	readonly kind: 'name';
	/** Presentation form, lowercase, no trailing dot. */
	readonly name: string;
	/** Exchanges for this name (either family, any status). */
	readonly count: number;
	/** Capture time (ms since the epoch) of the latest exchange. */
	readonly lastSeen: number;
	readonly a: ObservedFamily;
	readonly aaaa: ObservedFamily;
	/** The CNAME chain of the latest answered reply (AAAA's if it has one, else A's). */
	readonly chain: readonly ChainLink[];
	/** Null when a family was never answered: then the verdict would be a guess. */
	readonly verdict: Verdict | null;
	readonly reason: string;
	/** The address this host would connect to first, by the selection rules, or null. */
	readonly chosen: string | null;
	/** Processes seen asking for the name (live capture only). */
	readonly processes: readonly Attribution[];
}

export interface SummaryEvent {
	readonly kind: 'summary';
	/** Frames pushed into the pipeline. */
	readonly packets: number;
	/** DNS messages decoded (UDP datagrams and reassembled TCP messages). */
	readonly messages: number;
	readonly exchanges: number;
	readonly unanswered: number;
	/** Frames or payloads that could not be decoded (link, IP, UDP/TCP or DNS), all reasons together. */
	readonly decodeErrors: number;
	/** libpcap's ps_drop (live capture); 0 in replays. */
	readonly pcapDrops: number;
	readonly answered: number;
	readonly unsolicited: number;
	readonly retransmissions: number;
	/** Extra copies of a reply already paired (the answer to a retransmission, or a duplicate capture). */
	readonly duplicateResponses: number;
	/** Replies that came after their query had been declared unanswered. */
	readonly lateResponses: number;
	/** Pending queries dropped at the table's cap, never reported. */
	readonly evicted: number;
	/** The pending table's cap in force (`--max-pending`) and the most it held at once. */
	readonly maxPending: number;
	readonly pendingPeak: number;
	/** getaddrinfo A+AAAA pairs recognised, and those flagged `A lost` / `AAAA lost`. */
	readonly pairs: number;
	readonly lostHalves: number;
	/** Frames skipped without error: not IP, not UDP/TCP, fragments, outside the port set. */
	readonly skipped: number;
	/** Counts per reason, for skips and decode errors alike. */
	readonly reasons: Readonly<Record<string, number>>;
	readonly tcp: {readonly retransmitted: number; readonly outOfOrder: number; readonly overflows: number; readonly incomplete: number; readonly evicted: number};
}

export type CaptureEvent = ExchangeEvent | NameEvent | SummaryEvent;
