// Plain text of a capture: one tcpdump-like line per exchange, the per-name inventory table, the summary.
import type {ExchangeEvent, NameEvent, ObservedFamily, SummaryEvent} from '../capture/events.js';
import {escapeText} from '../wire/name.js';
import {formatRtt} from './format.js';

/** `[::1]:53` / `127.0.0.1:53` (the events' form) → tcpdump's `::1.53` / `127.0.0.1.53`. */
export function tcpdumpEndpoint(endpoint: string): string {
	const m = /^\[(.+)\]:(\d+)$/.exec(endpoint) ?? /^(.+):(\d+)$/.exec(endpoint);
	return m === null ? endpoint : `${m[1]}.${m[2]}`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time with milliseconds, as tcpdump prints it (`13:31:52.961`). */
export function clockTime(ms: number): string {
	const d = new Date(ms);
	return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `dig[4242]`, `unknown` (a local socket already gone), or '' when nobody was looked up (replays). */
export function processText(p: {readonly pid: number | null; readonly comm: string | null}): string {
	if (p.comm === null && p.pid === null) return '';
	return p.pid === null ? escapeText(p.comm ?? 'unknown') : `${escapeText(p.comm ?? '?')}[${p.pid}]`;
}

/**
 * The reply in a few words: `6 A 209.85.203.104 …` (count, then the first record of the asked type,
 * `…` when there are more of it), `4 (3 CNAME) AAAA 2a0f:6:6::4`, `NODATA`, `NXDOMAIN`.
 */
export function replyText(e: ExchangeEvent): string {
	if (e.status === 'unanswered') return e.endedBy === 'end-of-capture' ? 'no reply yet (capture ended)' : 'no reply (timeout)';
	const tc = e.flags?.tc === true ? ' TC' : '';
	if (e.rcode !== null && e.rcode !== 'NOERROR') return `${e.rcode}${tc}`;
	if (e.answers.length === 0) return tc !== '' ? `0${tc}` : `NODATA${e.soa === null ? '' : ` (SOA ${e.soa.name})`}`;
	const wanted = e.answers.filter((r) => r.type === e.qtype);
	const first = wanted[0] ?? e.answers[0];
	const cnames = e.answers.filter((r) => r.type === 'CNAME').length;
	const chain = cnames > 0 && first?.type !== 'CNAME' ? ` (${cnames} CNAME)` : '';
	const more = wanted.length > 1 || (wanted.length === 0 && e.answers.length > 1) ? ' …' : '';
	return `${e.answers.length}${chain} ${first?.type ?? ''} ${first?.data ?? ''}${more}${tc}`;
}

/** The pieces of an exchange line, for views that colour them. */
export interface ExchangeParts {
	readonly time: string;
	/** `10.1.2.3.47624 > 172.16.0.23.53`, `[tcp]` after it, `unsolicited` for a reply without a query. */
	readonly route: string;
	readonly question: string;
	readonly reply: string;
	/** RTT, retransmissions, pair flag, process: what is known, space-separated. */
	readonly extras: string;
}

export function exchangeParts(e: ExchangeEvent): ExchangeParts {
	const tcp = e.transport === 'tcp' ? ' [tcp]' : '';
	const route = e.status === 'unsolicited' ? `${tcpdumpEndpoint(e.server)} > ${tcpdumpEndpoint(e.client)}${tcp} unsolicited` : `${tcpdumpEndpoint(e.client)} > ${tcpdumpEndpoint(e.server)}${tcp}`;
	const extras = [
		e.rttMs === null ? '' : formatRtt(e.rttMs),
		e.retransmissions > 0 ? `(${e.retransmissions} retransmission${e.retransmissions === 1 ? '' : 's'})` : '',
		e.pairFlag === null ? '' : `[${e.pairFlag}]`,
		processText(e),
	].filter((x) => x !== '');
	return {
		time: clockTime(e.time),
		route,
		question: `${e.qtype ?? '?'}? ${e.qname === null ? '(no question)' : `${e.qname}.`}`,
		reply: `→ ${replyText(e)}`,
		extras: extras.join(' '),
	};
}

/** One exchange as the seed's tcpdump dialog, decoded: `13:31:52.961 10.1.2.3.47624 > 172.16.0.23.53 A? www.google.com. → 6 A 209.85.203.104 … 1.1 ms`. */
export function exchangeLine(e: ExchangeEvent): string {
	const p = exchangeParts(e);
	return `${p.time} ${p.route} ${p.question} ${p.reply}${p.extras === '' ? '' : ' ' + p.extras}`;
}

/** A family in one cell: `NOERROR 192.0.2.2 +1`, `NODATA`, `TIMEOUT`, `-` when never asked. */
export function familyCell(f: ObservedFamily): string {
	if (f.asked === 0 && f.answered === 0) return '-';
	if (f.status === null) return f.unanswered > 0 ? 'TIMEOUT' : 'open';
	const first = f.addresses[0];
	if (first === undefined) return f.status;
	return `${f.status} ${first}${f.addresses.length > 1 ? ` +${f.addresses.length - 1}` : ''}`;
}

/** A name whose service side is ready: a good AAAA exists, whatever this host would try first. */
export const ipv6Ready = (n: NameEvent): boolean => n.verdict === 'migrated' || n.verdict === 'v6-not-preferred';

export const processesText = (n: NameEvent): string => n.processes.map(processText).filter((p) => p !== '').join(',') || '-';

/** The inventory as aligned columns (the reason, of any length, last). */
export function inventoryTable(names: readonly NameEvent[]): string {
	if (names.length === 0) return 'no A or AAAA query seen\n';
	const rows = [
		['NAME', 'N', 'A', 'AAAA', 'VERDICT', 'PROCESS', 'WHY'],
		...names.map((n) => [n.name, String(n.count), familyCell(n.a), familyCell(n.aaaa), n.verdict ?? 'not judged', processesText(n), n.reason]),
	];
	const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
	return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

export function inventoryLine(names: readonly NameEvent[]): string {
	const judged = names.filter((n) => n.verdict !== null).length;
	const ready = names.filter(ipv6Ready).length;
	const share = judged === 0 ? '' : ` (${Math.round((100 * ready) / judged)}% of ${judged} judged)`;
	return `${names.length} name${names.length === 1 ? '' : 's'}, ${ready} IPv6-ready${share}`;
}

export function summaryText(s: SummaryEvent): string {
	const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
	return (
		`${plural(s.packets, 'packet')}, ${plural(s.messages, 'DNS message')}, ${plural(s.exchanges, 'exchange')} ` +
		`(${s.answered} answered, ${s.unanswered} unanswered, ${s.unsolicited} unsolicited, ${plural(s.retransmissions, 'retransmission')}), ` +
		`${plural(s.pairs, 'getaddrinfo pair')} (${s.lostHalves} with a lost half), ${plural(s.decodeErrors, 'decode error')}, ${s.pcapDrops} dropped by libpcap` +
		// Only when it happened: a flood filled the pending table and its oldest queries were dropped unreported.
		(s.evicted > 0 ? `, ${s.evicted} ${s.evicted === 1 ? 'query' : 'queries'} evicted at the pending cap (${s.maxPending})` : '') +
		'\n'
	);
}
