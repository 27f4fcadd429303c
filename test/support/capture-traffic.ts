// Generated DNS traffic written as classic pcap files, for the capture lanes' differential test (test/integration/capture-lanes.test.ts).
//
// Decisions:
// - A file mixes hundreds to thousands of scenarios, interleaved in time, on one link type, in one of
//   the four pcap flavours (µs or ns × little- or big-endian): a CLI run costs ~0.15 s, so one file
//   per scenario would cost minutes.
// - Everything in a file follows from (seed, index) alone: a failing file is rebuilt from the seed in
//   the test's name and its index, whatever other files were generated or skipped.
// - Times are integer nanoseconds from the file's base second, so nanosecond files carry exact
//   fractions (a float of ms since the epoch cannot hold them) and µs files truncate them as tcpdump would.
// - DNS messages come from our own writer (below) when the test needs control over the bytes
//   (compression, pointers into the header, raw labels past the limits, odd RDATA), and from
//   dns-packet and encodeQuery otherwise, so both encoders' forms are in the corpus.
import {writeFileSync} from 'node:fs';
import dnsPacket from 'dns-packet';
import ipaddr from 'ipaddr.js';
import {linktype} from '../../src/capture/link.js';
import {defaultSnaplen, pcapHeader, pcapRecord, readPcap, type Frame} from '../../src/capture/pcap-file.js';
import {encodeQuery} from '../../src/wire/codec.js';
import {parseName} from '../../src/wire/name.js';
import {className, typeName} from '../../src/wire/rr-types.js';
import {bsdLoopback, ethernet, framed, ipv4, ipv6, reply as packetReply, rng, sll, sll2, tcp, udp, type Ports, type TcpFields} from './capture-frames.js';

/** Nanoseconds per millisecond and per second: the generator's time unit is the nanosecond. */
export const MS = 1_000_000;
export const S = 1_000_000_000;

// ---------------------------------------------------------------------------------------------
// Randomness

/** A seeded source of choices (mulberry32 underneath, from capture-frames.ts). */
export class Random {
	readonly #next: () => number;

	constructor(seed: number) {
		this.#next = rng(seed);
	}

	float(): number {
		return this.#next();
	}

	/** 0 ≤ n < max. */
	int(max: number): number {
		return Math.floor(this.#next() * max);
	}

	/** lo ≤ n ≤ hi. */
	between(lo: number, hi: number): number {
		return lo + this.int(hi - lo + 1);
	}

	chance(p: number): boolean {
		return this.#next() < p;
	}

	pick<T>(list: readonly T[]): T {
		if (list.length === 0) throw new Error('pick from an empty list');
		return list[this.int(list.length)] as T;
	}

	weighted<T>(entries: readonly (readonly [T, number])[]): T {
		const total = entries.reduce((sum, [, w]) => sum + w, 0);
		let x = this.#next() * total;
		for (const [value, w] of entries) {
			if ((x -= w) < 0) return value;
		}
		return (entries.at(-1) as readonly [T, number])[0];
	}

	bytes(n: number): Uint8Array {
		return Uint8Array.from({length: n}, () => this.int(256));
	}

	shuffle<T>(list: T[]): T[] {
		for (let i = list.length - 1; i > 0; i--) {
			const j = this.int(i + 1);
			[list[i], list[j]] = [list[j] as T, list[i] as T];
		}
		return list;
	}
}

/** A 32-bit seed for file `index` of a corpus seeded with `seed` (murmur3's finaliser). */
export function fileSeed(seed: number, index: number): number {
	let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({length: n}, (_, i) => f(i));

const concat = (parts: readonly Uint8Array[]): Uint8Array => Buffer.concat(parts);

const ascii = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));

// ---------------------------------------------------------------------------------------------
// DNS messages

/** RR type codes used here (RFC 1035, 3596, 2782, 6672, 6891, 9460, 8659) and a private-use one. */
export const T = {A: 1, NS: 2, CNAME: 5, SOA: 6, NULL: 10, HINFO: 13, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DNAME: 39, OPT: 41, SVCB: 64, HTTPS: 65, ANY: 255, AXFR: 252, CAA: 257, PRIVATE: 65280} as const;
const flag = {qr: 0x8000, aa: 0x0400, tc: 0x0200, rd: 0x0100, ra: 0x0080, ad: 0x0020, cd: 0x0010} as const;

/** A name as presentation text (escapes allowed), as raw labels (the limits may be broken on purpose), or a bare pointer. */
export type NameSpec = string | readonly Uint8Array[] | {readonly pointer: number};
/** 'exact': suffixes compressed when byte-identical; 'fold': also when they differ only in ASCII case (as many servers do). */
export type Compression = 'none' | 'exact' | 'fold';

/** Writes a record's RDATA (and may read the writer's offset, for pointers into it). */
type Rdata = (w: Wire) => void;

export interface Question {
	readonly name: NameSpec;
	readonly type: number;
	readonly klass?: number;
}

export interface Rr {
	readonly name: NameSpec;
	readonly type: number;
	readonly klass?: number;
	readonly ttl?: number;
	readonly data: Rdata;
}

export interface Msg {
	readonly id: number;
	/** The whole flags word: QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE. */
	readonly flags: number;
	readonly questions?: readonly Question[];
	readonly answers?: readonly Rr[];
	readonly authorities?: readonly Rr[];
	readonly additionals?: readonly Rr[];
	readonly compression?: Compression;
	/** Section counts written instead of the true ones (malformed messages). */
	readonly counts?: readonly [number, number, number, number];
}

const foldAscii = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte + 32 : byte);

/** A byte writer with RFC 1035 §4.1.4 compression of name suffixes. */
class Wire {
	readonly #bytes: number[] = [];
	readonly #suffixes = new Map<string, number>();
	readonly #compression: Compression;

	constructor(compression: Compression) {
		this.#compression = compression;
	}

	get length(): number {
		return this.#bytes.length;
	}

	u8(n: number): void {
		this.#bytes.push(n & 0xff);
	}

	u16(n: number): void {
		this.u8(n >>> 8);
		this.u8(n);
	}

	u32(n: number): void {
		this.u16((n >>> 16) & 0xffff);
		this.u16(n & 0xffff);
	}

	raw(bytes: ArrayLike<number>): void {
		for (let i = 0; i < bytes.length; i++) this.u8(bytes[i] ?? 0);
	}

	set16(at: number, n: number): void {
		this.#bytes[at] = (n >>> 8) & 0xff;
		this.#bytes[at + 1] = n & 0xff;
	}

	name(spec: NameSpec, compressible = true): void {
		if (!Array.isArray(spec) && typeof spec === 'object') {
			this.u16(0xc000 | (spec as {pointer: number}).pointer);
			return;
		}
		const labels = typeof spec === 'string' ? parseName(spec) : (spec as readonly Uint8Array[]);
		const fold = this.#compression === 'fold';
		for (let i = 0; i < labels.length; i++) {
			const key = labels
				.slice(i)
				.map((label) => String.fromCharCode(label.length, ...(fold ? Array.from(label, foldAscii) : label)))
				.join('');
			if (compressible && this.#compression !== 'none') {
				const at = this.#suffixes.get(key);
				if (at !== undefined) {
					this.u16(0xc000 | at);
					return;
				}
			}
			if (this.length < 0x4000 && !this.#suffixes.has(key)) this.#suffixes.set(key, this.length);
			const label = labels[i] as Uint8Array;
			this.u8(label.length);
			this.raw(label);
		}
		this.u8(0);
	}

	rr(rr: Rr): void {
		this.name(rr.name);
		this.u16(rr.type);
		this.u16(rr.klass ?? 1);
		this.u32(rr.ttl ?? 300);
		const at = this.length;
		this.u16(0);
		rr.data(this);
		this.set16(at, this.length - at - 2);
	}

	bytes(): Uint8Array {
		return Uint8Array.from(this.#bytes);
	}
}

export function encode(m: Msg): Uint8Array {
	const w = new Wire(m.compression ?? 'none');
	const qd = m.questions ?? [];
	const sections = [m.answers ?? [], m.authorities ?? [], m.additionals ?? []] as const;
	const counts = m.counts ?? [qd.length, sections[0].length, sections[1].length, sections[2].length];
	w.u16(m.id);
	w.u16(m.flags);
	for (const n of counts) w.u16(n);
	for (const q of qd) {
		w.name(q.name);
		w.u16(q.type);
		w.u16(q.klass ?? 1);
	}
	for (const section of sections) for (const rr of section) w.rr(rr);
	return w.bytes();
}

/** RDATA writers. */
export const rd = {
	a: (text: string): Rdata => (w) => w.raw(ipaddr.IPv4.parse(text).toByteArray()),
	aaaa: (text: string): Rdata => (w) => w.raw(ipaddr.IPv6.parse(text).toByteArray()),
	name:
		(name: NameSpec, compressible = true): Rdata =>
		(w) =>
			w.name(name, compressible),
	mx:
		(preference: number, exchange: NameSpec): Rdata =>
		(w) => {
			w.u16(preference);
			w.name(exchange);
		},
	srv:
		(priority: number, weight: number, port: number, target: NameSpec, compressible = false): Rdata =>
		(w) => {
			w.u16(priority);
			w.u16(weight);
			w.u16(port);
			w.name(target, compressible);
		},
	soa:
		(s: Soa, compressible = true): Rdata =>
		(w) => {
			w.name(s.mname, compressible);
			w.name(s.rname, compressible);
			for (const n of [s.serial, s.refresh, s.retry, s.expire, s.minimum]) w.u32(n);
		},
	txt:
		(parts: readonly Uint8Array[]): Rdata =>
		(w) => {
			for (const part of parts) {
				w.u8(part.length);
				w.raw(part);
			}
		},
	raw:
		(bytes: ArrayLike<number>): Rdata =>
		(w) =>
			w.raw(bytes),
};

interface Soa {
	readonly mname: NameSpec;
	readonly rname: NameSpec;
	readonly serial: number;
	readonly refresh: number;
	readonly retry: number;
	readonly expire: number;
	readonly minimum: number;
}

/** A question as asked: the id, the name as the query spelled it (case kept), type and class. */
export interface Ask {
	readonly id: number;
	readonly name: string;
	readonly type: number;
	readonly klass: number;
}

/** Flips the case of some ASCII letters (DNS 0x20 mixing); escapes hold no letters, so they survive. */
export function mixCase(r: Random, name: string): string {
	let out = '';
	for (const c of name) out += /[a-z]/i.test(c) && r.chance(0.5) ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c;
	return out;
}

/** An OPT pseudo-record (RFC 6891): payload size in the class, extended RCODE, version and DO in the TTL. */
function optRecord(r: Random, withOptions: boolean): Rr {
	const options: number[] = [];
	if (withOptions) {
		for (let n = r.between(1, 3); n > 0; n--) {
			const code = r.pick([10, 12, 15, 8, 3, 65001]); // COOKIE, PADDING, EDE, ECS, NSID, local use
			const body = code === 15 ? [0, r.int(25), ...ascii('blocked')] : code === 8 ? [0, 1, 24, 0, 192, 0, 2] : Array.from(r.bytes(code === 10 ? 8 : r.int(12)));
			options.push(code >> 8, code & 0xff, body.length >> 8, body.length & 0xff, ...body);
		}
	}
	const doBit = r.chance(0.3) ? 0x8000 : 0;
	const ttl = ((r.chance(0.05) ? 1 : 0) << 24) | (r.chance(0.03) ? 1 << 16 : 0) | doBit;
	return {name: '.', type: T.OPT, klass: r.pick([512, 1232, 1232, 4096, 65535]), ttl: ttl >>> 0, data: rd.raw(options)};
}

const queryTypeNames = new Set<number>([T.A, T.AAAA, T.CNAME, T.SOA]);

/** A query in one of three encoders' forms: ours (EDNS or not), encodeQuery (he6-dns's own), dns-packet's. */
export function queryBytes(r: Random, q: Ask, extra: {readonly flags?: number; readonly opt?: boolean} = {}): Uint8Array {
	const style = r.weighted([
		['wire', 6],
		['he6', 2],
		['packet', 2],
	] as const);
	if (style === 'he6' && q.klass === 1 && queryTypeNames.has(q.type) && extra.flags === undefined) {
		return encodeQuery({id: q.id, name: q.name, type: typeName(q.type) as 'A', edns: r.chance(0.7), ad: r.chance(0.3), rd: r.chance(0.95)});
	}
	if (style === 'packet' && extra.flags === undefined) {
		return dnsPacket.encode({type: 'query', id: q.id, flags: flag.rd, questions: [{name: q.name, type: typeName(q.type) as 'A', class: className(q.klass) as 'IN'}]});
	}
	const flags = extra.flags ?? flag.rd | (r.chance(0.3) ? flag.ad : 0) | (r.chance(0.05) ? flag.cd : 0);
	const opt = extra.opt ?? r.chance(0.6);
	return encode({id: q.id, flags, questions: [{name: q.name, type: q.type, klass: q.klass}], additionals: opt ? [optRecord(r, r.chance(0.25))] : []});
}

export interface ReplyOptions {
	readonly rcode?: number;
	readonly answers?: readonly Rr[];
	readonly authorities?: readonly Rr[];
	readonly additionals?: readonly Rr[];
	readonly tc?: boolean;
	/** The question as the reply echoes it (default: the query's name, sometimes in another case). */
	readonly echo?: NameSpec;
	readonly questions?: readonly Question[];
	readonly noQuestion?: boolean;
	readonly compression?: Compression;
	readonly id?: number;
}

export function replyMsg(r: Random, q: Ask, o: ReplyOptions = {}): Msg {
	const opcode = r.chance(0.01) ? r.pick([1, 2, 4, 5, 15]) << 11 : 0;
	const flags =
		flag.qr | opcode | (r.chance(0.3) ? flag.aa : 0) | (o.tc === true ? flag.tc : 0) | flag.rd | (r.chance(0.9) ? flag.ra : 0) | (r.chance(0.2) ? flag.ad : 0) | (r.chance(0.03) ? flag.cd : 0) | (r.chance(0.01) ? 0x0040 : 0) | (o.rcode ?? 0);
	const echo = o.echo ?? (r.chance(0.15) ? mixCase(r, q.name) : q.name);
	const questions = o.questions ?? (o.noQuestion === true ? [] : [{name: echo, type: q.type, klass: q.klass}]);
	return {
		id: o.id ?? q.id,
		flags,
		questions,
		answers: o.answers ?? [],
		authorities: o.authorities ?? [],
		additionals: o.additionals ?? (r.chance(0.5) ? [optRecord(r, r.chance(0.3))] : []),
		compression: o.compression ?? r.pick(['none', 'exact', 'exact', 'fold'] as const),
	};
}

export const replyBytes = (r: Random, q: Ask, o: ReplyOptions = {}): Uint8Array => encode(replyMsg(r, q, o));

// Answer data: addresses and names that exercise the formatters and the verdicts.
const v4Answers = ['192.0.2.1', '198.51.100.7', '203.0.113.9', '10.1.2.3', '127.0.0.1', '0.0.0.0', '255.255.255.255', '169.254.1.1', '100.64.0.1', '192.0.0.170', '224.0.0.1', '8.8.8.8', '185.63.147.10', '172.16.0.23'];
const v6Answers = [
	'2001:db8::1',
	'2a04:f540:1::b93f:930a',
	'fd00::1',
	'fe80::1',
	'64:ff9b::c000:221',
	'2002:c000:201::1',
	'2001:0:4136:e378:8000:63bf:3fff:fdd2',
	'::ffff:192.0.2.1',
	'::1',
	'::',
	'2001:db8:0:0:1:0:0:1',
	'2001:db8:0:1:1:1:1:1',
	'ff02::1',
	'2606:4700::6810:84e5',
	'::c000:201',
	'2a0f:6:6::2',
];

function randomV4(r: Random): string {
	return r.chance(0.6) ? r.pick(v4Answers) : times(4, () => r.int(256)).join('.');
}

function randomV6(r: Random): string {
	if (r.chance(0.6)) return r.pick(v6Answers);
	// Words zero often, so the RFC 5952 shortening has runs to choose between.
	return times(8, () => (r.chance(0.4) ? 0 : r.chance(0.3) ? r.int(16) : r.int(0x10000)).toString(16)).join(':');
}

function ttl(r: Random): number {
	return r.weighted([
		[300, 3],
		[0, 1],
		[r.int(86400), 3],
		[0x7fffffff, 0.3],
		[0x80000000, 0.3],
		[0xffffffff, 0.3],
	] as const);
}

const zones = ['example', 'example.com', 'he6.test', 'Example.ORG', 'co.uk', 'xn--bcher-kva.example', 'a.very.deep.zone.example.net'];

/** Names that need escaping, the root, and names at the 255-octet limit. */
export function oddName(r: Random): string {
	const fixed = [
		'with\\032space.example',
		'dot\\.inside.example',
		'back\\\\slash.example',
		'quo\\"te.example',
		'high\\200\\255bytes.example',
		'ctl\\000\\007\\027.example',
		'del\\127.example',
		'semi\\;colon\\@at\\$dollar\\(paren\\).example',
		'\\.\\.\\..example',
		'.',
		'_sip._tcp.example',
		'*.wild.example',
		'-hyphen-.example',
		'MiXeD.CaSe.Example',
		'UPPER.EXAMPLE',
		`${'x'.repeat(63)}.example`,
		'a',
		'1.2.0.192.in-addr.arpa',
		'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa',
	];
	const kind = r.weighted([
		['fixed', 6],
		['long', 2],
		['long-escaped', 1],
	] as const);
	if (kind === 'fixed') return r.pick(fixed);
	return longName(r, r.between(230, 255), kind === 'long-escaped');
}

/** A name of exactly `octets` octets on the wire (≤ 255), labels of plain letters or of any byte. */
export function longName(r: Random, octets: number, anyByte: boolean): string {
	const labels: string[] = [];
	let left = octets - 1; // the root's zero byte
	while (left > 0) {
		let size = Math.min(63, left - 1);
		// Never leave a remainder of 1 (a label needs a length byte and at least one octet).
		if (left - (size + 1) === 1) size--;
		const bytes = anyByte ? r.bytes(size) : Uint8Array.from({length: size}, () => 0x61 + r.int(26) - (r.chance(0.2) ? 32 : 0));
		labels.push(Array.from(bytes, (b) => (b > 0x20 && b < 0x7f && !'.;\\()"@$'.includes(String.fromCharCode(b)) ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join(''));
		left -= size + 1;
	}
	return labels.join('.');
}

function txtParts(r: Random): Uint8Array[] {
	return times(r.between(1, 3), () =>
		r.weighted([
			[ascii('hello world'), 3],
			[ascii('v=spf1 include:_spf.example -all'), 2],
			[new Uint8Array(0), 1],
			[Uint8Array.of(0x22, 0x5c, 0x00, 0x7f, 0x80, 0x9f, 0xff, 0x20, 0x3b), 1],
			[r.bytes(r.int(40)), 2],
			[Uint8Array.from({length: 255}, (_, i) => 0x41 + (i % 26)), 0.5],
		] as const),
	);
}

function soaData(r: Random, zone: string): Soa {
	return {
		mname: r.chance(0.1) ? '.' : `ns1.${zone}`,
		rname: r.chance(0.2) ? `host\\.master.${zone}` : `hostmaster.${zone}`,
		serial: r.chance(0.1) ? 0xffffffff : r.int(0x100000000),
		refresh: r.int(86400),
		retry: r.int(7200),
		expire: r.int(0x100000000),
		minimum: r.pick([0, 60, 300, 3600]),
	};
}

const parentZone = (name: string): string => {
	const dot = name.search(/(?<!\\)\./);
	return dot < 0 || dot === name.length - 1 ? 'example' : name.slice(dot + 1);
};

/** The authority SOA of a negative answer for `name`. */
export function soaRr(r: Random, name: string): Rr {
	const zone = parentZone(name);
	return {name: zone, type: T.SOA, ttl: ttl(r), data: rd.soa(soaData(r, zone), r.chance(0.7))};
}

/** SVCB/HTTPS RDATA (RFC 9460): priority, target, then key=value pairs, held as bytes by he6-dns. */
function svcbRdata(r: Random): Uint8Array {
	const w = new Wire('none');
	w.u16(r.int(3));
	w.name(r.chance(0.5) ? '.' : 'svc.example', false);
	if (r.chance(0.7)) {
		w.u16(1); // alpn
		w.u16(3);
		w.raw([2, 0x68, 0x32]);
		w.u16(6); // ipv6hint
		w.u16(16);
		w.raw(ipaddr.IPv6.parse(randomV6(r)).toByteArray());
	}
	return w.bytes();
}

/** One to a few records of `type` owned by `owner` (in another case sometimes), of class `klass`. */
export function answersFor(r: Random, owner: string, type: number, klass = 1): Rr[] {
	const rr = (data: Rdata): Rr => ({name: r.chance(0.1) ? mixCase(r, owner) : owner, type, klass: klass | (r.chance(0.01) ? 0x8000 : 0), ttl: ttl(r), data});
	const zone = parentZone(owner);
	switch (type) {
		case T.A:
			return times(r.between(1, 4), () => rr(rd.a(randomV4(r))));
		case T.AAAA:
			return times(r.between(1, 3), () => rr(rd.aaaa(randomV6(r))));
		case T.NS:
			return times(r.between(1, 3), (i) => rr(rd.name(`ns${i}.${zone}`)));
		case T.PTR:
		case T.CNAME:
		case T.DNAME:
			return [rr(rd.name(r.chance(0.2) ? oddName(r) : `target${r.int(100)}.${zone}`))];
		case T.MX:
			return times(r.between(1, 2), (i) => rr(rd.mx(r.pick([0, 10, 65535]), r.chance(0.1) ? '.' : `mx${i}.${zone}`)));
		case T.TXT:
			return times(r.between(1, 2), () => rr(r.chance(0.05) ? rd.raw([]) : rd.txt(txtParts(r))));
		case T.SRV:
			return [rr(rd.srv(r.int(65536), r.int(65536), r.pick([0, 443, 5060, 65535]), r.chance(0.1) ? '.' : `sip.${zone}`, r.chance(0.3)))];
		case T.SOA:
			return [rr(rd.soa(soaData(r, zone), r.chance(0.5)))];
		case T.SVCB:
		case T.HTTPS:
			return [rr(rd.raw(svcbRdata(r)))];
		case T.CAA:
			return [rr(rd.raw([r.pick([0, 128]), 5, ...ascii('issue'), ...ascii(r.chance(0.8) ? 'letsencrypt.org' : '\u00ff;"')]))];
		case T.HINFO:
			return [rr(rd.txt([ascii('PC'), ascii('Linux')]))];
		default:
			return [rr(rd.raw(r.bytes(r.int(40))))];
	}
}

/** A CNAME chain of `hops` from `owner`; the names it ends on. */
function chainFrom(r: Random, owner: string, hops: number): {records: Rr[]; end: string} {
	const records: Rr[] = [];
	let from = owner;
	for (let i = 0; i < hops; i++) {
		const to = r.chance(0.1) ? oddName(r) : `c${i}-${r.int(1000)}.${r.pick(zones)}`;
		records.push({name: r.chance(0.1) ? mixCase(r, from) : from, type: T.CNAME, ttl: ttl(r), data: rd.name(to)});
		from = to;
	}
	return {records, end: from};
}

// ---------------------------------------------------------------------------------------------
// Packets

export interface Sock {
	readonly family: 4 | 6;
	readonly client: string;
	readonly clientPort: number;
	readonly server: string;
	readonly serverPort: number;
}

const up = (s: Sock): Ports => ({source: s.client, sourcePort: s.clientPort, destination: s.server, destinationPort: s.serverPort});
const down = (s: Sock): Ports => ({source: s.server, sourcePort: s.serverPort, destination: s.client, destinationPort: s.clientPort});

const clients4 = ['192.0.2.10', '192.0.2.11', '10.0.0.5', '127.0.0.1', '172.16.5.4', '100.64.1.2', '0.0.0.0', '192.168.178.20'];
const servers4 = ['198.51.100.53', '127.0.0.53', '8.8.8.8', '9.9.9.9', '192.0.2.1', '10.0.0.1'];
const clients6 = ['2001:db8::10', '2001:db8:0:0:1:0:0:1', 'fe80::1c2d:3e4f:5a6b:7c8d', '::1', 'fd00::2', '::ffff:192.0.2.10', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff', '2001:db8::'];
const servers6 = ['2001:4860:4860::8888', '::1', 'fe80::53', '2001:db8::53', '64:ff9b::808:808', '2001:0:0:1::1', 'fd00:0:0:0:0:0:0:53'];

/** One frame before link framing: where it sorts, its timestamp, and its bytes. */
interface Pkt {
	/** File order (ns; ties keep insertion order). */
	readonly order: number;
	/** The timestamp written (ns from the file's base second); differs from order when time goes backwards. */
	time: number;
	/** An IP packet, wrapped in the file's link header when written... */
	readonly ip: Uint8Array | null;
	/** ...or a whole link-layer frame, written as it is. */
	readonly link: Uint8Array | null;
	/** The link header claims this IP version instead of the packet's own (a mismatch). */
	readonly claim: 4 | 6 | null;
	/** Bytes kept of the frame (caplen below the frame's length: a snapshot cut). */
	readonly keep: number | null;
	readonly seq: number;
}

export interface UdpOptions {
	/** Timestamp, when not `at`. */
	readonly time?: number;
	/** IPv6 extension headers before the UDP header (hop-by-hop 0, routing 43, fragment 44 as atomic, AH 51, destination 60). */
	readonly ext?: readonly number[];
	readonly keep?: number;
	/** No random decoration of the IP header (the bytes must stay as built). */
	readonly plain?: boolean;
}

/** IPv6 extension headers, chained by their first byte, the last naming `last`. */
function extensionChain(kinds: readonly number[], last: number): Uint8Array {
	const out: number[] = [];
	kinds.forEach((kind, i) => {
		const next = kinds[i + 1] ?? last;
		if (kind === 44) out.push(next, 0, 0, 0, 0, 0, 0x12, 0x34);
		else if (kind === 51) out.push(next, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 7, ...new Array<number>(12).fill(0xab));
		else if (kind === 43) out.push(next, 0, 4, 0, 0, 0, 0, 0);
		else out.push(next, 0, 1, 4, 0, 0, 0, 0); // hop-by-hop / destination options: PadN
	});
	return Uint8Array.from(out);
}

/** An IPv4 packet with an options word (IHL 6): a NOP, a NOP, a NOP, an end of list. */
function ipv4WithOptions(p: Ports, protocol: number, body: Uint8Array): Uint8Array {
	const plain = ipv4(p, protocol, body);
	const out = new Uint8Array(plain.length + 4);
	out.set(plain.subarray(0, 20), 0);
	out[0] = 0x46;
	out[2] = (out.length >> 8) & 0xff;
	out[3] = out.length & 0xff;
	out.set([1, 1, 1, 0], 20);
	out.set(plain.subarray(20), 24);
	return out;
}

/** A TCP header with options (MSS, SACK permitted, timestamps, NOP, window scale: 20 bytes) + payload. */
function tcpWithOptions(p: Ports, fields: TcpFields, payload: Uint8Array): Uint8Array {
	const plain = tcp(p, fields, payload);
	const options = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0, 1, 3, 3, 7];
	const out = new Uint8Array(plain.length + options.length);
	out.set(plain.subarray(0, 20), 0);
	out[12] = ((20 + options.length) / 4) << 4;
	out.set(options, 20);
	out.set(plain.subarray(20), 40);
	return out;
}

export interface LinkChoice {
	readonly name: string;
	/** The link type (low 16 bits of the header's field). */
	readonly type: number;
	readonly vlan?: boolean;
	/** NULL's byte order (LINKTYPE_NULL is the writer's host order). */
	readonly littleNull?: boolean;
}

/** The traffic of one file, built scenario by scenario, then sorted and framed. */
export class Traffic {
	readonly r: Random;
	readonly families: readonly (4 | 6)[];
	readonly link: LinkChoice;
	readonly packets: Pkt[] = [];
	readonly #sockets: Sock[] = [];
	readonly #socketPool: number;
	readonly #names: string[] = [];
	readonly #namePool: number;
	#fresh = 0;
	#seq = 0;
	/** Deliberate header decorations (IPv4 options, IPv6 extension headers) on valid DNS packets. */
	readonly decorate: number;
	/** The TCP file: connections mostly left open. */
	readonly tcpHeavy: boolean;

	constructor(r: Random, families: readonly (4 | 6)[], link: LinkChoice, options: {socketPool: number; namePool: number; decorate: number; tcpHeavy?: boolean}) {
		this.r = r;
		this.families = families;
		this.link = link;
		this.#socketPool = options.socketPool;
		this.#namePool = options.namePool;
		this.decorate = options.decorate;
		this.tcpHeavy = options.tcpHeavy ?? false;
	}

	family(): 4 | 6 {
		return this.r.pick(this.families);
	}

	/** A new client socket to some server. */
	freshSocket(family: 4 | 6 = this.family()): Sock {
		const r = this.r;
		const v6 = family === 6;
		return {
			family,
			client: r.pick(v6 ? clients6 : clients4),
			clientPort: r.weighted([
				[r.between(1024, 65535), 20],
				[r.between(32768, 32800), 3],
				[53, 0.3],
				[5353, 0.3],
				[65535, 0.2],
				[0, 0.1],
			] as const),
			server: r.pick(v6 ? servers6 : servers4),
			serverPort: r.weighted([
				[53, 20],
				[5353, 1],
				[5300, 1],
				[853, 0.5],
				[r.between(1, 65535), 1],
			] as const),
		};
	}

	/** A socket from the file's pool (few sockets: ids and names meet often), or a fresh one. */
	socket(family?: 4 | 6): Sock {
		const r = this.r;
		const pool = this.#sockets.filter((s) => family === undefined || s.family === family);
		if (pool.length > 0 && (this.#sockets.length >= this.#socketPool || r.chance(0.5))) return r.pick(pool);
		const s = this.freshSocket(family);
		if (this.#sockets.length < this.#socketPool) this.#sockets.push(s);
		return s;
	}

	/** A name: mostly one of the file's popular names (counts add up per name), or a new one, or an odd one. */
	name(): string {
		const r = this.r;
		const kind = r.weighted([
			['pool', 6],
			['fresh', 3],
			['odd', 1],
		] as const);
		if (kind === 'odd') return oddName(r);
		if (kind === 'pool' && this.#names.length > 0 && (this.#names.length >= this.#namePool || r.chance(0.7))) return r.pick(this.#names);
		const name = `${r.pick(['www', 'api', 'cdn', 'mail', 'h', 'login', 'x'])}${this.#fresh++}.${r.pick(zones)}`;
		if (this.#names.length < this.#namePool) this.#names.push(name);
		return name;
	}

	id(): number {
		return this.r.weighted([
			[this.r.int(0x10000), 20],
			[0, 0.3],
			[0xffff, 0.3],
			[0x8000 + this.r.int(4), 0.3],
		] as const);
	}

	/** A reply delay: mostly a cache's or a LAN's, sometimes a slow recursion. */
	rtt(): number {
		const r = this.r;
		return r.weighted([
			[r.between(20_000, 2 * MS), 5],
			[r.between(2 * MS, 80 * MS), 4],
			[r.between(80 * MS, 1500 * MS), 1],
			[r.between(1500 * MS, 4900 * MS), 0.3],
		] as const);
	}

	#push(p: Omit<Pkt, 'seq' | 'time' | 'claim' | 'keep' | 'ip' | 'link'> & Partial<Pick<Pkt, 'time' | 'claim' | 'keep' | 'ip' | 'link'>>): void {
		this.packets.push({time: p.order, ip: null, link: null, claim: null, keep: null, ...p, seq: this.#seq++});
	}

	/** An IP packet, as it is. */
	ip(at: number, packet: Uint8Array, o: {time?: number; claim?: 4 | 6; keep?: number} = {}): void {
		this.#push({order: at, ip: packet, ...o});
	}

	/** A link-layer frame, as it is. */
	frame(at: number, bytes: Uint8Array, o: {time?: number} = {}): void {
		this.#push({order: at, link: bytes, ...o});
	}

	udp(at: number, p: Ports, payload: Uint8Array, o: UdpOptions = {}): void {
		const r = this.r;
		const body = udp(p, payload);
		let packet: Uint8Array;
		if (p.source.includes(':')) {
			const ext = o.ext ?? (o.plain !== true && r.chance(this.decorate) ? r.pick([[0], [60], [43], [51], [44], [0, 43, 60], [0, 44]]) : []);
			packet = ipv6(p, ext[0] ?? 17, body, extensionChain(ext, 17));
		} else {
			const decoration = o.plain === true || !r.chance(this.decorate) ? 'none' : r.pick(['options', 'tso', 'padding', 'no-df'] as const);
			if (decoration === 'options') packet = ipv4WithOptions(p, 17, body);
			else if (decoration === 'no-df') packet = ipv4(p, 17, body, {flagsAndOffset: 0});
			else packet = ipv4(p, 17, body);
			// TSO: a total length of 0, the captured length standing in for it; padding: bytes past the total length.
			if (decoration === 'tso') packet[2] = packet[3] = 0;
			if (decoration === 'padding') packet = concat([packet, new Uint8Array(r.between(1, 18))]);
		}
		this.#push({order: at, ip: packet, ...(o.time === undefined ? {} : {time: o.time}), ...(o.keep === undefined ? {} : {keep: o.keep})});
	}

	ask(at: number, s: Sock, message: Uint8Array, o: UdpOptions = {}): void {
		this.udp(at, up(s), message, o);
	}

	answer(at: number, s: Sock, message: Uint8Array, o: UdpOptions = {}): void {
		this.udp(at, down(s), message, o);
	}

	/** Asks `type` for `name` (id fresh, name 0x20-mixed sometimes) and returns the question as asked. */
	query(at: number, s: Sock, type: number, name: string, o: {id?: number; klass?: number; mix?: boolean} = {}): Ask {
		const q: Ask = {id: o.id ?? this.id(), name: o.mix === true || this.r.chance(0.08) ? mixCase(this.r, name) : name, type, klass: o.klass ?? 1};
		this.ask(at, s, queryBytes(this.r, q));
		return q;
	}

	tcpSegment(at: number, p: Ports, fields: TcpFields, payload: Uint8Array, o: {options?: boolean; time?: number} = {}): void {
		const body = o.options === true ? tcpWithOptions(p, fields, payload) : tcp(p, fields, payload);
		const packet = p.source.includes(':') ? ipv6(p, 6, body) : ipv4(p, 6, body);
		this.#push({order: at, ip: packet, ...(o.time === undefined ? {} : {time: o.time})});
	}
}

// ---------------------------------------------------------------------------------------------
// Scenarios: each writes its frames into the traffic from time `at` (ns) on.

type Scenario = (tr: Traffic, at: number) => void;

const answeredTypes = [
	[T.A, 10],
	[T.AAAA, 10],
	[T.HTTPS, 1],
	[T.MX, 1],
	[T.TXT, 1],
	[T.NS, 0.5],
	[T.PTR, 0.5],
	[T.SRV, 0.5],
	[T.CAA, 0.4],
	[T.SOA, 0.3],
	[T.PRIVATE, 0.3],
	[T.DNAME, 0.2],
	[T.SVCB, 0.2],
	[T.HINFO, 0.2],
	[T.ANY, 0.2],
	[T.NULL, 0.1],
] as const;

/** A query and its reply: the common case, in every record type. */
const answered: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const type = r.weighted(answeredTypes);
	const q = tr.query(at, s, type, type === T.PTR ? r.pick(['1.2.0.192.in-addr.arpa', 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa']) : tr.name());
	const rtt = tr.rtt();
	if ((type === T.A || type === T.AAAA) && r.chance(0.15) && q.name !== '.') {
		// dns-packet's encoder, uncompressed, through capture-frames' reply().
		const answers = times(r.between(1, 3), () => ({name: q.name, type: type === T.A ? 'A' : 'AAAA', ttl: 60, data: type === T.A ? randomV4(r) : randomV6(r)}) as dnsPacket.Answer);
		tr.answer(at + rtt, s, packetReply(q.id, q.name, typeName(type), answers));
		return;
	}
	const answers = type === T.ANY ? [...answersFor(r, q.name, T.A), ...answersFor(r, q.name, T.AAAA), ...answersFor(r, q.name, T.TXT)] : answersFor(r, q.name, type);
	tr.answer(at + rtt, s, replyBytes(r, q, {answers, additionals: r.chance(0.2) ? [...answersFor(r, `ns1.${parentZone(q.name)}`, T.A), optRecord(r, false)] : undefined}));
};

/** A CNAME chain of 1–3 hops: to addresses, to NODATA (SOA), to NXDOMAIN, around a loop, or broken. */
const chain: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const type = r.pick([T.A, T.AAAA, T.AAAA]);
	const q = tr.query(at, s, type, tr.name());
	const {records, end} = chainFrom(r, q.name, r.between(1, 3));
	const ending = r.weighted([
		['addresses', 5],
		['nodata', 2],
		['nxdomain', 1],
		['loop', 0.3],
		['broken', 0.3],
		['shuffled', 0.5],
	] as const);
	let answers: Rr[] = records;
	let authorities: Rr[] = [];
	let rcode = 0;
	if (ending === 'addresses' || ending === 'shuffled') answers = [...records, ...answersFor(r, end, type)];
	if (ending === 'shuffled') r.shuffle(answers);
	if (ending === 'nodata' || ending === 'nxdomain') authorities = [soaRr(r, end)];
	if (ending === 'nxdomain') rcode = 3;
	if (ending === 'loop') answers = [...records, {name: end, type: T.CNAME, ttl: 5, data: rd.name(q.name)}];
	if (ending === 'broken') answers = [records[0] as Rr, ...answersFor(r, 'elsewhere.example', type)];
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {answers, authorities, rcode}));
};

/** Negative and failed answers: every RCODE, with and without an SOA, some without a question. */
const negative: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.weighted(answeredTypes), tr.name());
	const rcode = r.weighted([
		[3, 5],
		[0, 3], // NODATA
		[2, 3],
		[5, 2],
		[1, 1],
		[4, 1],
		[r.between(6, 15), 1],
	] as const);
	const soa = rcode === 3 || rcode === 0 ? r.chance(0.85) : r.chance(0.1);
	const noQuestion = (rcode === 1 || rcode === 2 || rcode === 4) && r.chance(0.3);
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {rcode, authorities: soa ? [soaRr(r, q.name)] : [], noQuestion, tc: r.chance(0.03)}));
};

/** Questions and answers of other classes (CHAOS, HESIOD, NONE, ANY, unassigned), and mDNS's cache-flush bit. */
const otherClass: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	if (r.chance(0.5)) {
		const q = tr.query(at, s, T.TXT, r.pick(['version.bind', 'hostname.bind', 'id.server']), {klass: r.pick([3, 3, 4, 254, 255, 42])});
		tr.answer(at + tr.rtt(), s, replyBytes(r, q, {answers: answersFor(r, q.name, T.TXT, q.klass)}));
		return;
	}
	const q = tr.query(at, s, r.pick([T.A, T.AAAA]), tr.name());
	const answers = answersFor(r, q.name, q.type, r.pick([3, 4, 254, 255, 42, 0x8001]));
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {answers}));
};

/** getaddrinfo's A+AAAA pair from one socket, within (or just past) the 10 ms window, with a half lost or not. */
const pair: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const name = tr.name();
	const gap = r.weighted([
		[0, 1],
		[r.between(1000, 500_000), 4],
		[r.between(500_000, 9_999_999), 2],
		[10 * MS, 0.5], // exactly the window: still a pair
		[10 * MS + 1000, 0.5], // 1 µs past it: not a pair
		[r.between(11 * MS, 40 * MS), 0.5],
	] as const);
	const types = r.chance(0.8) ? [T.A, T.AAAA] : [T.AAAA, T.A];
	const fate = r.weighted([
		['both', 5],
		['first-lost', 2],
		['second-lost', 3],
		['both-lost', 1],
		['single-request', 2],
		['retry', 1],
	] as const);
	const mix = r.chance(0.1);
	const first = tr.query(at, s, types[0] as number, name, {mix});
	const firstReply = at + (fate === 'single-request' ? Math.floor(gap / 2) : gap + tr.rtt());
	const second = tr.query(at + gap, s, types[1] as number, name, {mix});
	const answer = (q: Ask, when: number): void => tr.answer(when, s, replyBytes(r, q, r.chance(0.8) ? {answers: answersFor(r, q.name, q.type)} : {authorities: [soaRr(r, q.name)]}));
	if (fate !== 'first-lost' && fate !== 'both-lost' && fate !== 'retry') answer(first, firstReply);
	if (fate !== 'second-lost' && fate !== 'both-lost' && fate !== 'retry') answer(second, at + gap + tr.rtt());
	if (fate === 'retry') {
		// glibc's second attempt after the timeout: a new pair with new ids, answered.
		const again = at + 5 * S + r.between(1, 300) * MS;
		const a = tr.query(again, s, types[0] as number, name);
		const b = tr.query(again + r.between(0, 2 * MS), s, types[1] as number, name);
		answer(a, again + 3 * MS);
		answer(b, again + 4 * MS);
	}
};

/** The client asks again with the same id before the reply; sometimes both copies are answered. */
const retransmit: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA, T.MX, T.TXT]), tr.name());
	let last = at;
	for (let n = r.between(1, 3); n > 0; n--) {
		last += r.between(100, 2500) * MS;
		// The same question, re-encoded sometimes (another case: still the same exchange).
		tr.ask(last, s, r.chance(0.7) ? queryBytes(r, q) : queryBytes(r, {...q, name: mixCase(r, q.name)}));
	}
	if (r.chance(0.15)) {
		// The same id from another socket: another exchange, not a retransmission.
		tr.ask(last + MS, {...s, clientPort: (s.clientPort + 1) & 0xffff}, queryBytes(r, q));
	}
	const fate = r.weighted([
		['one', 5],
		['each', 2],
		['none', 1],
	] as const);
	if (fate === 'none') return;
	const reply = replyBytes(r, q, {answers: answersFor(r, q.name, q.type)});
	tr.answer(last + tr.rtt(), s, reply);
	if (fate === 'each') tr.answer(last + tr.rtt() + 3 * MS, s, replyBytes(r, q, {answers: answersFor(r, q.name, q.type)}));
};

/** A reply seen twice or more (a capture duplicate, another server answer), within the 5 s memory or after it. */
const duplicate: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA]), tr.name());
	const reply = replyBytes(r, q, {answers: answersFor(r, q.name, q.type)});
	const first = at + tr.rtt();
	tr.answer(first, s, reply);
	for (let n = r.between(1, 3), when = first; n > 0; n--) {
		when += r.weighted([
			[0, 1],
			[r.between(1000, MS), 2],
			[r.between(MS, 4000 * MS), 3],
			[r.between(5100 * MS, 12_000 * MS), 1],
		] as const);
		tr.answer(when, s, r.chance(0.6) ? reply : replyBytes(r, q, {rcode: r.pick([0, 2]), answers: answersFor(r, q.name, q.type)}));
	}
};

/** Replies after the timeout: late (the exchange is remembered), exactly at it (still answered), or long after (unsolicited). */
const late: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA, T.TXT]), tr.name());
	const delay = r.weighted([
		[5 * S, 1],
		[5 * S + 1, 0.5],
		[5 * S + 1000, 0.5],
		[r.between(5001, 9800) * MS, 4],
		[r.between(11_000, 30_000) * MS, 2],
	] as const);
	tr.answer(at + delay, s, replyBytes(r, q, {answers: answersFor(r, q.name, q.type)}));
	if (r.chance(0.3)) tr.answer(at + delay + r.between(1, 200) * MS, s, replyBytes(r, q, {answers: answersFor(r, q.name, q.type)}));
};

/** A query nobody answers: it times out on later packets, or is still pending when the file ends. */
const unanswered: Scenario = (tr, at) => {
	const r = tr.r;
	tr.query(at, tr.socket(), r.weighted(answeredTypes), tr.name());
};

/** Replies without a query: stray, to a multicast group, without a question. */
const unsolicited: Scenario = (tr, at) => {
	const r = tr.r;
	const s = r.chance(0.5) ? tr.freshSocket() : tr.socket();
	const q: Ask = {id: tr.id(), name: tr.name(), type: r.weighted(answeredTypes), klass: 1};
	const kind = r.weighted([
		['reply', 4],
		['no-question', 1],
		['mdns', 1],
	] as const);
	if (kind === 'mdns') {
		const group = s.family === 6 ? 'ff02::fb' : '224.0.0.251';
		tr.udp(at, {source: s.client, sourcePort: 5353, destination: group, destinationPort: 5353}, replyBytes(r, {...q, id: 0}, {answers: answersFor(r, q.name, T.A, 0x8001)}));
		return;
	}
	tr.answer(at, s, replyBytes(r, q, {noQuestion: kind === 'no-question', rcode: kind === 'no-question' ? r.pick([1, 2]) : 0, answers: answersFor(r, q.name, q.type)}));
};

/** A reply that differs from the query in one part of the identity: it matches nothing. */
const mismatch: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA]), tr.name());
	const when = at + tr.rtt();
	const answers = answersFor(r, q.name, q.type);
	const what = r.pick(['id', 'name', 'type', 'class', 'server', 'client-port', 'server-port', 'tcp'] as const);
	switch (what) {
		case 'id':
			return tr.answer(when, s, replyBytes(r, q, {answers, id: (q.id + 1) & 0xffff}));
		case 'name':
			return tr.answer(when, s, replyBytes(r, q, {answers, echo: `other.${parentZone(q.name)}`}));
		case 'type':
			return tr.answer(when, s, replyBytes(r, {...q, type: q.type === T.A ? T.AAAA : T.A}, {answers}));
		case 'class':
			return tr.answer(when, s, replyBytes(r, {...q, klass: 3}, {answers}));
		case 'server':
			return tr.answer(when, {...s, server: s.family === 6 ? '2001:db8::99' : '203.0.113.99'}, replyBytes(r, q, {answers}));
		case 'client-port':
			return tr.answer(when, {...s, clientPort: (s.clientPort + 7) & 0xffff}, replyBytes(r, q, {answers}));
		case 'server-port':
			return tr.answer(when, {...s, serverPort: s.serverPort === 53 ? 5353 : 53}, replyBytes(r, q, {answers}));
		case 'tcp': {
			// The reply on TCP to a query on UDP (joined mid-stream, no SYN): another transport.
			tr.tcpSegment(when, down(s), {seq: r.int(0x100000000), flags: 0x18}, framed(replyBytes(r, q, {answers})));
			return;
		}
	}
};

/** Messages without a question: a query (never paired), a reply matched on the id alone, an ambiguous one. */
const noQuestion: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const kind = r.pick(['query', 'matched', 'ambiguous'] as const);
	if (kind === 'query') {
		tr.ask(at, s, encode({id: tr.id(), flags: flag.rd, questions: []}));
		return;
	}
	const q = tr.query(at, s, T.A, tr.name());
	if (kind === 'ambiguous') {
		// The same id from the same socket for another name: a reply without a question cannot choose.
		const other = tr.query(at + MS, s, T.AAAA, tr.name(), {id: q.id});
		tr.answer(at + 2 * MS, s, replyBytes(r, q, {noQuestion: true, rcode: 1}));
		if (r.chance(0.7)) tr.answer(at + 3 * MS, s, replyBytes(r, other, {answers: answersFor(r, other.name, T.AAAA)}));
		return;
	}
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {noQuestion: true, rcode: r.pick([1, 2, 4, 5])}));
};

/** One id for several exchanges at once: other sockets, other questions on the same socket; replies in any order. */
const idReuse: Scenario = (tr, at) => {
	const r = tr.r;
	const id = tr.id();
	const asks: [Sock, Ask][] = [];
	const name = tr.name();
	const base = tr.socket();
	for (let i = r.between(2, 5); i > 0; i--) {
		const s = r.chance(0.5) ? base : tr.freshSocket(base.family);
		const type = r.pick([T.A, T.AAAA, T.MX]);
		asks.push([s, tr.query(at + asks.length * r.between(0, 2 * MS), s, type, r.chance(0.6) ? name : tr.name(), {id})]);
	}
	let when = at + 10 * MS;
	for (const [s, q] of r.shuffle(asks)) {
		if (r.chance(0.15)) continue;
		when += r.between(0, 3 * MS);
		tr.answer(when, s, replyBytes(r, q, {answers: answersFor(r, q.name, q.type)}));
	}
};

/** DNS 0x20: the query mixes case, the reply echoes another mix, the answers a third. */
const caseMix: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA, T.CNAME]), tr.name(), {mix: true});
	const answers = answersFor(r, mixCase(r, q.name), q.type === T.CNAME ? T.CNAME : q.type);
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {answers, echo: mixCase(r, q.name), compression: r.pick(['fold', 'exact', 'none'] as const)}));
};

/** Names that need escaping, the root, names of 230–255 octets (some all escapes). */
const oddNames: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const name = oddName(r);
	const q = tr.query(at, s, r.pick([T.A, T.AAAA, T.TXT, T.NS]), name);
	if (r.chance(0.2)) return;
	const answers = r.chance(0.3) && q.type !== T.NS ? [{name: q.name, type: T.CNAME, ttl: 60, data: rd.name(oddName(r))}] : answersFor(r, q.name, q.type);
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {answers}));
};

/** Queries and replies with two questions; the reply keeps the order, or swaps it (then it matches nothing). */
const multiQuestion: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const name = tr.name();
	const q: Ask = {id: tr.id(), name, type: T.A, klass: 1};
	const second: Question = r.chance(0.5) ? {name, type: T.AAAA} : {name: parentZone(name), type: T.SOA};
	tr.ask(at, s, encode({id: q.id, flags: flag.rd, questions: [{name, type: T.A}, second], compression: r.pick(['none', 'exact'] as const)}));
	const questions = r.chance(0.7) ? [{name, type: T.A}, second] : [second, {name, type: T.A}];
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {questions, answers: answersFor(r, name, T.A), compression: r.pick(['none', 'exact', 'fold'] as const)}));
};

/** EDNS: queries and replies with options (the general decoder's), the DO bit, extended RCODE bits, odd OPT placement. */
const edns: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q: Ask = {id: tr.id(), name: tr.name(), type: r.pick([T.A, T.AAAA]), klass: 1};
	tr.ask(at, s, encode({id: q.id, flags: flag.rd | flag.ad, questions: [{name: q.name, type: q.type}], additionals: [optRecord(r, r.chance(0.7))]}));
	const placement = r.weighted([
		['additional', 5],
		['two', 1],
		['answer', 1],
		['query-with-answers', 0.5],
	] as const);
	const answers = answersFor(r, q.name, q.type);
	if (placement === 'query-with-answers') {
		// A query carrying records (an UPDATE, opcode 5): still a query.
		tr.ask(at + MS, s, encode({id: tr.id(), flags: 5 << 11, questions: [{name: parentZone(q.name), type: T.SOA}], authorities: answers}));
	}
	const additionals = placement === 'two' ? [optRecord(r, true), optRecord(r, false)] : [optRecord(r, r.chance(0.6))];
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, placement === 'answer' ? {answers: [...answers, optRecord(r, true)], additionals: []} : {answers, additionals}));
};

/** Compression in every valid form: pointers to the question, to suffixes, chains, into the header, 40 deep. */
const compression: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const kind = r.pick(['answers', 'header-root', 'header-label', 'deep', 'soa', 'second-question'] as const);
	if (kind === 'header-root' || kind === 'header-label') {
		// The question's name is a pointer into the header: to ARCOUNT's low byte (0: the root), or to
		// QDCOUNT's low byte (1: a label of one byte, ANCOUNT's high byte, 0; then ANCOUNT's low byte, 0: the end).
		const pointer = kind === 'header-root' ? r.pick([9, 11]) : 5;
		const name = kind === 'header-root' ? '.' : '\\000';
		const type = r.pick([T.NS, T.A, T.AAAA]);
		const q: Ask = {id: tr.id(), name, type, klass: 1};
		tr.ask(at, s, encode({id: q.id, flags: flag.rd, questions: [{name: {pointer}, type}]}));
		const viaPointer = r.chance(0.5);
		// A reply's counts are not all zero, so only ARCOUNT (no additionals) can stand in for the root.
		tr.answer(at + tr.rtt(), s, encode({id: q.id, flags: flag.qr | flag.rd | flag.ra, questions: [{name: viaPointer && kind === 'header-root' ? {pointer: 11} : name, type}], answers: answersFor(r, name, type === T.NS ? T.NS : type)}));
		return;
	}
	if (kind === 'deep') {
		// A private-type record holds 40 name pieces, each a label and a pointer to the one before;
		// a CNAME's target points at the last: a 40-pointer chain, strictly backwards, 81 octets.
		const q = tr.query(at, s, T.A, tr.name());
		let last = 0;
		const pieces: Rdata = (w) => {
			let previous = -1;
			for (let i = 0; i < 40; i++) {
				const here = w.length;
				w.u8(1);
				w.u8(0x61 + (i % 26));
				if (previous < 0) w.u8(0);
				else w.u16(0xc000 | previous);
				previous = here;
			}
			last = previous;
		};
		const target: Rdata = (w) => w.u16(0xc000 | last);
		tr.answer(at + tr.rtt(), s, encode({...replyMsg(r, q), compression: 'exact', answers: [{name: q.name, type: T.PRIVATE, ttl: 1, data: pieces}, {name: q.name, type: T.CNAME, ttl: 1, data: target}]}));
		return;
	}
	const q = tr.query(at, s, kind === 'soa' ? T.AAAA : r.pick([T.A, T.AAAA, T.MX, T.SRV]), tr.name());
	if (kind === 'soa') {
		tr.answer(at + tr.rtt(), s, replyBytes(r, q, {authorities: [soaRr(r, q.name)], compression: r.pick(['exact', 'fold'] as const)}));
		return;
	}
	if (kind === 'second-question') {
		const questions = [{name: q.name, type: q.type}, {name: parentZone(q.name), type: T.NS}];
		tr.answer(at + tr.rtt(), s, replyBytes(r, q, {questions, answers: answersFor(r, q.name, q.type), compression: 'exact'}));
		return;
	}
	const {records, end} = chainFrom(r, q.name, r.between(0, 2));
	tr.answer(at + tr.rtt(), s, replyBytes(r, q, {answers: [...records, ...answersFor(r, end, q.type)], authorities: r.chance(0.3) ? answersFor(r, parentZone(q.name), T.NS) : [], compression: r.pick(['exact', 'fold'] as const)}));
};

/** A message that does not decode (or barely does), as a reply to a pending query or on its own. */
function malformedMessage(r: Random, q: Ask): Uint8Array {
	const good = replyBytes(r, q, {answers: answersFor(r, q.name === '.' ? 'x.example' : q.name, q.type === T.A ? T.A : T.AAAA), compression: 'exact'});
	const header = (qd: number, an: number, ns = 0, ar = 0): number[] => [q.id >> 8, q.id & 0xff, 0x81, 0x80, 0, qd, 0, an, 0, ns, 0, ar];
	const question = (name: number[]): number[] => [...name, 0, 1, 0, 1];
	const kind = r.pick(['random', 'cut', 'flip', 'forward-pointer', 'self-pointer', 'label-type', 'counts', 'truncated-count', 'rdlength', 'long-name', 'long-by-pointer', 'txt-overrun', 'short-header', 'empty', 'opt-bad', 'soa-short', 'trailing', 'pointer-cut'] as const);
	switch (kind) {
		case 'random':
			return r.bytes(r.int(80));
		case 'cut':
			return good.slice(0, r.int(good.length));
		case 'flip': {
			const bytes = good.slice();
			for (let n = r.between(1, 3); n > 0; n--) bytes[r.int(bytes.length)] = r.int(256);
			return bytes;
		}
		case 'forward-pointer':
			return Uint8Array.from([...header(1, 0), ...question([0xc0, r.pick([12, 14, 0x3f])])]);
		case 'self-pointer':
			// An answer whose owner points at itself (offset 27: after the header and the 15-byte question "a.example").
			return Uint8Array.from([...header(1, 1), ...question([1, 0x61, 7, ...ascii('example'), 0]), 0xc0, 27, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 192, 0, 2, 1]);
		case 'label-type':
			return Uint8Array.from([...header(1, 0), ...question([r.pick([0x40, 0x80, 0x41]), 0x61, 0])]);
		case 'counts': {
			const bytes = good.slice();
			bytes[6] = bytes[7] = 0xff;
			return bytes;
		}
		case 'truncated-count': {
			const bytes = good.slice();
			bytes[7] = (bytes[7] ?? 0) + 1;
			return bytes;
		}
		case 'rdlength':
			// An A record with 5 bytes of RDATA, or a CNAME whose name stops short of its RDLENGTH.
			return r.chance(0.5)
				? Uint8Array.from([...header(1, 1), ...question([1, 0x61, 0]), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 192, 0, 2, 1, 7])
				: Uint8Array.from([...header(1, 1), ...question([1, 0x61, 0]), 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 6, 1, 0x62, 0, 9, 9, 9]);
		case 'long-name': {
			// Five labels of 63 octets: 321 octets, over the 255 limit.
			const labels = times(r.between(5, 6), () => [63, ...new Array<number>(63).fill(0x61 + r.int(26))]).flat();
			return Uint8Array.from([...header(1, 0), ...question([...labels, 0])]);
		}
		case 'long-by-pointer': {
			// The question is 201 octets; the answer's owner is a 63-octet label and a pointer to it: 265.
			const labels = [...times(3, () => [63, ...new Array<number>(63).fill(0x62)]).flat(), 10, ...ascii('abcdefghij'), 0];
			return Uint8Array.from([...header(1, 1), ...question(labels), 63, ...new Array<number>(63).fill(0x63), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 10, 0, 0, 1]);
		}
		case 'txt-overrun':
			return Uint8Array.from([...header(1, 1), ...question([1, 0x74, 0]), 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 1, 0, 4, 9, 0x61, 0x62, 0x63]);
		case 'short-header':
			return r.bytes(r.int(12));
		case 'empty':
			return new Uint8Array(0);
		case 'opt-bad':
			// An OPT whose option claims 200 bytes of its 6.
			return Uint8Array.from([...header(1, 0, 0, 1), ...question([1, 0x61, 0]), 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 6, 0, 10, 0, 200, 1, 2]);
		case 'soa-short':
			return Uint8Array.from([...header(1, 0, 1), ...question([1, 0x61, 0]), 0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]);
		case 'trailing':
			return concat([good, r.bytes(r.between(1, 30))]);
		case 'pointer-cut':
			return Uint8Array.from([...header(1, 0), 0xc0]);
	}
}

const malformed: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q: Ask = r.chance(0.5) ? tr.query(at, s, r.pick([T.A, T.AAAA]), tr.name()) : {id: tr.id(), name: 'a', type: T.A, klass: 1};
	const bytes = malformedMessage(r, q);
	if (r.chance(0.8)) tr.answer(at + tr.rtt(), s, bytes);
	else tr.ask(at + MS, s, bytes);
};

/** A truncated UDP reply (TC), then the same question over TCP with a big answer split across segments. */
const truncated: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA, T.TXT]), tr.name());
	const partial = r.chance(0.3) ? answersFor(r, q.name, q.type).slice(0, 1) : [];
	const t = at + tr.rtt();
	tr.answer(t, s, replyBytes(r, q, {tc: true, answers: partial}));
	const big = times(r.between(20, 90), () => answersFor(r, q.name, q.type)[0] as Rr);
	tcpSession(tr, t + MS, {...s, clientPort: r.between(1024, 65535)}, [{q: queryBytes(r, q), r: replyBytes(r, q, {answers: big, compression: r.pick(['none', 'exact'] as const)})}], {handshake: true, close: 'fin'});
};

interface TcpExchange {
	readonly q: Uint8Array;
	readonly r: Uint8Array | null;
}

interface TcpStyle {
	readonly handshake?: boolean;
	readonly fastOpen?: boolean;
	readonly pipeline?: boolean;
	readonly split?: number;
	readonly retransmit?: number;
	readonly reorder?: number;
	readonly close?: 'fin' | 'rst' | 'rst-mid' | 'none';
	readonly midJoin?: boolean;
	readonly options?: boolean;
	/** Initial sequence numbers just below 2^32, so the stream wraps. */
	readonly wrap?: boolean;
}

/** A DNS-over-TCP connection carrying `exchanges` (RFC 7766), segmented and disturbed as `style` says. */
function tcpSession(tr: Traffic, at: number, s: Sock, exchanges: readonly TcpExchange[], style: TcpStyle = {}): void {
	const r = tr.r;
	const isn = (): number => (style.wrap === true ? 0x100000000 - r.between(1, 3000) : r.int(0x100000000));
	const add = (a: number, n: number): number => (a + n) >>> 0;
	let t = at;
	const step = (): number => (t += r.between(10_000, 2 * MS));
	const c = {ports: up(s), seq: isn()};
	const v = {ports: down(s), seq: isn()};
	const seg = (side: typeof c, flags: number, payload: Uint8Array, seq = side.seq, when = step()): void => tr.tcpSegment(when, side.ports, {seq, ack: 0, flags}, payload, {options: style.options === true});
	let first = 0;
	if (style.handshake === true) {
		const syn = style.fastOpen === true && exchanges[0] !== undefined ? framed(exchanges[0].q) : new Uint8Array(0);
		if (syn.length > 0) first = 1;
		seg(c, 0x02, syn);
		if (r.chance(0.1)) seg(c, 0x02, syn); // a retransmitted SYN changes nothing
		c.seq = add(c.seq, 1 + syn.length);
		seg(v, 0x12, new Uint8Array(0));
		v.seq = add(v.seq, 1);
		seg(c, 0x10, new Uint8Array(0));
	}
	/** Sends `bytes` from `side` in segments: split, reordered, retransmitted as the style says. */
	const send = (side: typeof c, bytes: Uint8Array): void => {
		const cuts = new Set<number>();
		const pieces = style.split ?? 0;
		for (let n = r.int(pieces + 1); n > 0; n--) cuts.add(r.between(1, Math.max(1, bytes.length - 1)));
		if (r.chance(0.1) && bytes.length > 2) cuts.add(1); // inside the length prefix
		for (let at2 = 1400; at2 < bytes.length; at2 += 1400) cuts.add(at2);
		const points = [0, ...[...cuts].filter((x) => x > 0 && x < bytes.length).sort((a, b) => a - b), bytes.length];
		const segments = points.slice(1).map((end, i) => ({seq: add(side.seq, points[i] as number), bytes: bytes.subarray(points[i] as number, end)}));
		if (segments.length > 1 && r.chance(style.reorder ?? 0)) {
			const i = r.int(segments.length - 1);
			[segments[i], segments[i + 1]] = [segments[i + 1] as (typeof segments)[number], segments[i] as (typeof segments)[number]];
		}
		for (const segment of segments) {
			seg(side, r.chance(0.8) ? 0x18 : 0x10, segment.bytes, segment.seq);
			if (r.chance(style.retransmit ?? 0)) seg(side, 0x18, segment.bytes, segment.seq);
			if (r.chance(0.3)) seg(side === c ? v : c, 0x10, new Uint8Array(0)); // a bare ACK the other way
		}
		if (segments.length > 1 && r.chance(style.retransmit ?? 0)) {
			// A repacketized retransmission: one segment over bytes already taken and beyond.
			const from = segments[0] as (typeof segments)[number];
			seg(side, 0x18, bytes.subarray(0, Math.min(bytes.length, from.bytes.length + 3)), from.seq);
		}
		side.seq = add(side.seq, bytes.length);
	};
	const rest = exchanges.slice(first);
	if (style.midJoin === true) {
		// Joined mid-stream: the first segment starts inside a message, so the framing is garbage from there.
		const stream = concat(rest.map((e) => framed(e.q)));
		send(c, stream.subarray(Math.min(stream.length, r.between(1, 9))));
	} else if (style.pipeline === true) {
		send(c, concat(rest.map((e) => framed(e.q))));
		t += tr.rtt();
		const replies = exchanges.filter((e) => e.r !== null).map((e) => framed(e.r as Uint8Array));
		if (replies.length > 0) send(v, concat(r.chance(0.3) ? r.shuffle(replies) : replies));
	} else {
		if (first === 1 && exchanges[0]?.r != null) {
			t += tr.rtt();
			send(v, framed(exchanges[0].r));
		}
		for (const e of rest) {
			send(c, framed(e.q));
			t += tr.rtt();
			if (e.r !== null) send(v, framed(e.r));
		}
	}
	switch (style.close ?? 'fin') {
		case 'fin':
			seg(c, 0x11, new Uint8Array(0));
			seg(v, 0x11, new Uint8Array(0));
			seg(c, 0x10, new Uint8Array(0), add(c.seq, 1));
			break;
		case 'rst':
			seg(r.chance(0.5) ? c : v, 0x14, new Uint8Array(0));
			break;
		case 'rst-mid': {
			// Half a reply, then the server resets: the half is lost (incomplete).
			const more = framed(exchanges[0]?.r ?? exchanges[0]?.q ?? Uint8Array.of(1, 2, 3));
			seg(v, 0x18, more.subarray(0, Math.max(1, more.length >> 1)));
			seg(v, 0x04, new Uint8Array(0), add(v.seq, more.length >> 1));
			break;
		}
		case 'none':
			break;
	}
}

/** A few exchanges over one TCP connection, in a random style. */
const tcpConversation: Scenario = (tr, at) => {
	const r = tr.r;
	const s = {...tr.socket(), clientPort: r.between(1024, 65535)};
	const exchanges = times(r.weighted([[1, 5], [2, 2], [r.between(3, 6), 1]] as const), () => {
		const q: Ask = {id: tr.id(), name: tr.name(), type: r.weighted(answeredTypes), klass: 1};
		const answerIt = r.chance(0.9);
		return {q: queryBytes(r, q), r: answerIt ? replyBytes(r, q, r.chance(0.8) ? {answers: answersFor(r, q.name, q.type)} : {rcode: 3, authorities: [soaRr(r, q.name)]}) : null};
	});
	tcpSession(tr, at, s, exchanges, {
		handshake: r.chance(0.8),
		fastOpen: r.chance(0.05),
		pipeline: r.chance(0.3),
		split: r.weighted([[0, 3], [1, 2], [4, 1]] as const),
		retransmit: r.pick([0, 0, 0.1, 0.3]),
		reorder: r.pick([0, 0, 0.2, 0.6]),
		// The TCP file leaves most connections open: more than 4,096 directions at once reach the stream cap.
		close: tr.tcpHeavy ? r.weighted([['none', 9], ['fin', 1]] as const) : r.weighted([['fin', 6], ['rst', 1], ['rst-mid', 1], ['none', 2]] as const),
		midJoin: r.chance(0.04),
		options: r.chance(0.3),
		wrap: r.chance(0.05),
	});
	// A port reused by a new connection (a new SYN) while the old direction is still known.
	if (r.chance(0.05)) tcpSession(tr, at + 500 * MS, s, exchanges.slice(0, 1), {handshake: true, close: 'fin'});
};

/** Out-of-order TCP bytes past the 256 KiB bound: the direction is given up (an overflow). */
const tcpOverflow: Scenario = (tr, at) => {
	const r = tr.r;
	const s = {...tr.freshSocket(4), clientPort: r.between(1024, 65535)};
	const p = up(s);
	const isn = r.int(0x100000000);
	tr.tcpSegment(at, p, {seq: isn, flags: 0x18}, framed(queryBytes(r, {id: 1, name: 'overflow.example', type: T.A, klass: 1})));
	for (let i = 0; i < 5; i++) tr.tcpSegment(at + (i + 1) * MS, p, {seq: (isn + 1000 + i * 60_000) >>> 0, flags: 0x18}, new Uint8Array(60_000).fill(0x41 + i));
};

/** A burst from one socket: many queries in flight at once (the pending table's cap and eviction). */
const burst: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const asks: Ask[] = [];
	for (let i = r.between(5, 25); i > 0; i--) asks.push(tr.query(at + asks.length * r.between(1000, 400_000), s, r.pick([T.A, T.AAAA]), tr.name()));
	for (const q of asks) if (r.chance(0.4)) tr.answer(at + r.between(2, 80) * MS, s, replyBytes(r, q, {answers: answersFor(r, q.name, q.type)}));
};

/** Timestamps: a reply at the query's own time, one before it (time going backwards), half-µs RTTs. */
const timing: Scenario = (tr, at) => {
	const r = tr.r;
	const s = tr.socket();
	const q = tr.query(at, s, r.pick([T.A, T.AAAA]), tr.name());
	const delta = r.pick([0, -1, -500, -1500, -2500, -r.between(1, 4000) * MS, 500, 1500, 2500, 999_999_999, 1_000_000_500]);
	// Written right after the query whatever its timestamp says.
	tr.answer(at + 1, s, replyBytes(r, q, {answers: answersFor(r, q.name, q.type)}), {time: Math.max(0, at + delta)});
};

const v4Ports = (tr: Traffic): Ports => up(tr.freshSocket(4));
const v6Ports = (tr: Traffic): Ports => up(tr.freshSocket(6));

/** Frames the pipeline skips or rejects: other protocols, fragments, bad headers, cut frames, link-layer junk. */
const junk: Scenario = (tr, at) => {
	const r = tr.r;
	const v6 = tr.family() === 6;
	const p = v6 ? v6Ports(tr) : v4Ports(tr);
	const dns = queryBytes(r, {id: tr.id(), name: tr.name(), type: T.A, klass: 1});
	const kind = r.pick([
		'udp-random',
		'udp-random',
		'icmp',
		'other-protocol',
		'fragment',
		'fragment-later',
		'no-next-header',
		'ext-too-many',
		'ext-past-end',
		'jumbo',
		'bad-ihl',
		'bad-total',
		'short-ip',
		'snap-cut',
		'udp-short',
		'udp-bad-length',
		'tcp-short',
		'tcp-bad-offset',
		'version-mismatch',
		'link',
		'link',
		'empty-tcp',
	] as const);
	switch (kind) {
		case 'udp-random':
			return tr.udp(at, {...p, destinationPort: r.pick([r.between(1, 65535), 53, 123, 443])}, r.bytes(r.int(120)));
		case 'icmp': {
			const body = Uint8Array.from([v6 ? 128 : 8, 0, 0, 0, 0, 1, 0, 1, ...r.bytes(16)]);
			return tr.ip(at, v6 ? ipv6(p, 58, body) : ipv4(p, 1, body));
		}
		case 'other-protocol': {
			const protocol = r.pick([47, 50, 132, 2, 255]);
			return tr.ip(at, v6 ? ipv6(p, protocol, r.bytes(24)) : ipv4(p, protocol, r.bytes(24)));
		}
		case 'fragment':
		case 'fragment-later': {
			const body = udp(p, dns);
			if (v6) {
				// Fragment header: offset 0 with M set (a first piece), or a later piece.
				const offsetAndFlags = kind === 'fragment' ? 0x0001 : 0x00b8 | r.int(2);
				return tr.ip(at, ipv6(p, 44, body, Uint8Array.of(17, 0, offsetAndFlags >> 8, offsetAndFlags & 0xff, 0, 0, 0, 9)));
			}
			return tr.ip(at, ipv4(p, 17, body, {flagsAndOffset: kind === 'fragment' ? 0x2000 : 0x0010 | (r.chance(0.5) ? 0x2000 : 0)}));
		}
		case 'no-next-header':
			return tr.ip(at, v6 ? ipv6(p, 59, new Uint8Array(0)) : ipv4(p, 59, new Uint8Array(4)));
		case 'ext-too-many':
			return tr.ip(at, ipv6(v6 ? p : v6Ports(tr), 60, udp(p, dns), extensionChain(new Array<number>(17).fill(60), 17)));
		case 'ext-past-end': {
			// A hop-by-hop header that claims 64 bytes of the 8 there are.
			return tr.ip(at, ipv6(v6 ? p : v6Ports(tr), 0, new Uint8Array(0), Uint8Array.of(17, 7, 1, 4, 0, 0, 0, 0)));
		}
		case 'jumbo': {
			// Payload length 0 with a hop-by-hop header: a jumbogram; the captured length stands in (the DNS reads).
			const q6 = v6 ? p : v6Ports(tr);
			const packet = ipv6(q6, 0, udp(q6, dns), extensionChain([0], 17));
			packet[4] = packet[5] = 0;
			return tr.ip(at, packet);
		}
		case 'bad-ihl': {
			const packet = ipv4(v6 ? v4Ports(tr) : p, 17, udp(p, dns));
			packet[0] = 0x40 | r.int(5);
			return tr.ip(at, packet);
		}
		case 'bad-total': {
			const packet = ipv4(v6 ? v4Ports(tr) : p, 17, udp(p, dns));
			packet[2] = 0;
			packet[3] = r.between(1, 19);
			return tr.ip(at, packet);
		}
		case 'short-ip':
			return tr.ip(at, (v6 ? ipv6(p, 17, udp(p, dns)) : ipv4(p, 17, udp(p, dns))).slice(0, r.between(1, v6 ? 39 : 19)));
		case 'snap-cut': {
			// A whole DNS packet of which the capture kept fewer bytes than the IP header says.
			const packet = v6 ? ipv6(p, 17, udp(p, dns)) : ipv4(p, 17, udp(p, dns));
			return tr.ip(at, packet, {keep: r.between(1, packet.length - 1)});
		}
		case 'udp-short': {
			const packet = v6 ? ipv6(p, 17, r.bytes(r.int(8))) : ipv4(p, 17, r.bytes(r.int(8)));
			return tr.ip(at, packet);
		}
		case 'udp-bad-length': {
			const body = udp(p, dns);
			const length = r.chance(0.5) ? r.int(8) : body.length + r.between(1, 100);
			body[4] = length >> 8;
			body[5] = length & 0xff;
			return tr.ip(at, v6 ? ipv6(p, 17, body) : ipv4(p, 17, body));
		}
		case 'tcp-short':
			return tr.ip(at, v6 ? ipv6(p, 6, r.bytes(r.int(20))) : ipv4(p, 6, r.bytes(r.int(20))));
		case 'tcp-bad-offset': {
			const body = tcp(p, {seq: 1}, framed(dns));
			body[12] = r.chance(0.5) ? r.int(5) << 4 : 0xf0;
			if ((body[12] ?? 0) === 0xf0) return tr.ip(at, v6 ? ipv6(p, 6, body.slice(0, 40)) : ipv4(p, 6, body.slice(0, 40)));
			return tr.ip(at, v6 ? ipv6(p, 6, body) : ipv4(p, 6, body));
		}
		case 'version-mismatch':
			// The link header says one IP version, the packet is the other (where the link says; raw IP cannot).
			return tr.ip(at, v6 ? ipv6(p, 17, udp(p, dns)) : ipv4(p, 17, udp(p, dns)), {claim: v6 ? 4 : 6});
		case 'link':
			return tr.frame(at, linkJunk(r, tr.link, v6 ? ipv6(p, 17, udp(p, dns)) : ipv4(p, 17, udp(p, dns))));
		case 'empty-tcp':
			// A segment without payload and without SYN on an unknown direction: nothing to track.
			return tr.tcpSegment(at, p, {seq: r.int(0x100000000), flags: r.pick([0x10, 0x11, 0x04])}, new Uint8Array(0));
	}
};

/** A link-layer frame that is not IP for the file's link type (ARP, LLDP, 802.3, cut headers, odd families). */
function linkJunk(r: Random, link: LinkChoice, packet: Uint8Array): Uint8Array {
	const macs = new Array<number>(12).fill(0x02);
	switch (link.type) {
		case linktype.ethernet:
			return r.pick([
				() => Uint8Array.from([...macs, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1, ...r.bytes(20)]), // ARP
				() => Uint8Array.from([...macs, 0x88, 0xcc, ...r.bytes(30)]), // LLDP
				() => Uint8Array.from([...macs, 0x00, 0x26, 0x42, 0x42, 0x03, ...r.bytes(35)]), // 802.3 + LLC
				() => Uint8Array.from(macs.slice(0, r.int(14))), // cut before the type
				() => Uint8Array.from([...macs, 0x81, 0x00, 0, 100, 0x88]), // cut inside a VLAN tag
				() => Uint8Array.from([...macs, 0x81, 0x00, 0, 100, 0x08, 0x06, ...r.bytes(28)]), // ARP in a VLAN
				() => Uint8Array.from([...macs, 0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x91, 0x00, 0, 3, 0x86, 0xdd, ...packet]), // three tags
			])();
		case linktype.linuxSll:
			return r.chance(0.5) ? Uint8Array.from([0, 4, 0, 1, 0, 6, ...new Array<number>(8).fill(1), 0x08, 0x06, ...r.bytes(28)]) : r.bytes(r.int(16));
		case linktype.linuxSll2:
			return r.chance(0.5) ? Uint8Array.from([0x08, 0x06, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, ...new Array<number>(8).fill(1), ...r.bytes(28)]) : r.bytes(r.int(20));
		case linktype.null:
		case linktype.loop:
			return r.pick([
				() => bsdLoopback(packet, r.pick([7, 17, 1, 0]), link.littleNull === true),
				() => r.bytes(r.int(4)),
				() => bsdLoopback(packet, 0x10000, false), // a big-endian value above 0xffff: read the other way round
			])();
		default:
			return r.pick([() => new Uint8Array(0), () => Uint8Array.from([r.pick([0x00, 0x50, 0xf0]), ...r.bytes(r.int(40))])])();
	}
}

const scenarioTable = {
	answered: [answered, 30],
	chain: [chain, 6],
	negative: [negative, 6],
	otherClass: [otherClass, 1],
	pair: [pair, 10],
	retransmit: [retransmit, 3],
	duplicate: [duplicate, 2],
	late: [late, 2],
	unanswered: [unanswered, 3],
	unsolicited: [unsolicited, 2],
	mismatch: [mismatch, 2],
	noQuestion: [noQuestion, 1.5],
	idReuse: [idReuse, 1.5],
	caseMix: [caseMix, 2],
	oddNames: [oddNames, 3],
	multiQuestion: [multiQuestion, 1],
	edns: [edns, 1.5],
	compression: [compression, 2],
	malformed: [malformed, 3],
	truncated: [truncated, 1],
	tcp: [tcpConversation, 5],
	burst: [burst, 0.7],
	timing: [timing, 1],
	junk: [junk, 6],
} satisfies Record<string, readonly [Scenario, number]>;

export type ScenarioName = keyof typeof scenarioTable;

// ---------------------------------------------------------------------------------------------
// Files

export type Damage = 'cut-data' | 'cut-header' | 'oversize' | 'fraction';

export interface FileSpec {
	readonly index: number;
	readonly seed: number;
	readonly link: LinkChoice;
	/** The header's link type field as written (upper bits: the FCS length, pcap-savefile(5)). */
	readonly linktypeField: number;
	readonly nanos: boolean;
	readonly little: boolean;
	readonly snaplen: number;
	readonly families: readonly (4 | 6)[];
	readonly scenarios: number;
	/** The profile: which scenarios, how dense, and what is special about the file. */
	readonly profile: 'mixed' | 'big' | 'tcp' | 'giant' | 'snaplen' | 'empty' | 'junk' | 'single' | 'fcs';
	/** Mean gap between scenario starts (ns). */
	readonly gap: number;
	/** Gaps of minutes, hours and days between some scenarios. */
	readonly bigGaps: boolean;
	/** Timestamps jittered backwards and repeated after sorting. */
	readonly disorder: boolean;
	readonly baseSeconds: number;
	readonly damage: Damage | null;
	/** Extra CLI arguments (--max-pending 3). */
	readonly args: readonly string[];
	/** Whether the run takes the what-if --sources file (else the kernel's sources). */
	readonly whatIf: boolean;
	readonly title: string;
}

const links: readonly LinkChoice[] = [
	{name: 'EN10MB', type: linktype.ethernet},
	{name: 'EN10MB+VLAN', type: linktype.ethernet, vlan: true},
	{name: 'LINUX_SLL', type: linktype.linuxSll},
	{name: 'LINUX_SLL2', type: linktype.linuxSll2},
	{name: 'RAW', type: linktype.raw},
	{name: 'NULL(le)', type: linktype.null, littleNull: true},
	{name: 'NULL(be)', type: linktype.null, littleNull: false},
	{name: 'LOOP', type: linktype.loop},
];

/** Files whose index makes them special; the rest are 'mixed'. */
const specials: Readonly<Record<number, Partial<FileSpec>>> = {
	0: {profile: 'big'},
	11: {profile: 'big'},
	20: {profile: 'tcp'},
	29: {profile: 'big', bigGaps: true},
	33: {profile: 'giant', link: {name: 'RAW', type: linktype.raw}},
	34: {profile: 'snaplen', snaplen: 128},
	35: {profile: 'empty'},
	36: {profile: 'junk'},
	37: {link: {name: 'USER0 (unsupported)', type: 147}},
	38: {profile: 'fcs', link: {name: 'EN10MB+FCS', type: linktype.ethernet}, linktypeField: 0x14000001},
	39: {baseSeconds: 0},
	40: {baseSeconds: 0xffffffff - 5 * 86400},
	41: {link: {name: 'DLT_RAW(12)', type: linktype.rawDlt12}},
	42: {link: {name: 'IPV4(228)', type: linktype.ipv4}, families: [4]},
	43: {link: {name: 'IPV6(229)', type: linktype.ipv6}, families: [6]},
	44: {profile: 'single'},
	45: {link: {name: 'DLT_RAW(14)', type: linktype.rawDlt14}},
};

const damages: Readonly<Record<number, Damage>> = {3: 'cut-data', 8: 'cut-header', 14: 'oversize', 19: 'fraction', 25: 'cut-data', 30: 'oversize', 46: 'fraction', 47: 'cut-header'};

export const corpusFiles = 48;

/** The corpus plan: cheap (no traffic generated), so the test can name every file before writing any. */
export function planCorpus(seed: number): FileSpec[] {
	const out: FileSpec[] = [];
	for (let index = 0; index < corpusFiles; index++) {
		const r = new Random(fileSeed(seed, index) ^ 0x5bd1e995);
		const special = specials[index] ?? {};
		// The first 32 files take every link type in every pcap flavour once; the rest choose.
		const link = special.link ?? (index < 32 ? (links[index % 8] as LinkChoice) : r.pick(links));
		const nanos = index < 32 ? Math.floor(index / 8) % 2 === 1 : r.chance(0.5);
		const little = index < 32 ? Math.floor(index / 16) % 2 === 0 : r.chance(0.5);
		const profile = special.profile ?? 'mixed';
		const families = special.families ?? (index % 6 === 1 ? [4] : index % 6 === 4 ? [6] : [4, 6]);
		const scenarios = {mixed: r.between(80, 320), big: r.between(2200, 3200), tcp: 2300, giant: 40, snaplen: 200, empty: 0, junk: 300, single: 1, fcs: 150}[profile];
		const damage = damages[index] ?? null;
		const maxPending = index % 4 === 3 ? ['--max-pending', '3'] : [];
		const whatIf = index % 8 !== 5;
		const spec: FileSpec = {
			index,
			seed: fileSeed(seed, index),
			link,
			linktypeField: special.linktypeField ?? link.type,
			nanos,
			little,
			snaplen: special.snaplen ?? (profile === 'giant' ? 8 << 20 : defaultSnaplen),
			families,
			scenarios,
			profile,
			gap: profile === 'tcp' ? 15 * MS : profile === 'big' ? r.pick([8, 20]) * MS : r.pick([3, 20, 60]) * MS,
			bigGaps: special.bigGaps ?? index % 5 === 2,
			disorder: index % 3 === 1,
			baseSeconds: special.baseSeconds ?? 1_700_000_000 + r.int(100_000_000),
			damage,
			args: maxPending,
			whatIf,
			title: '',
		};
		const traits = [
			link.name,
			nanos ? 'ns' : 'µs',
			little ? 'LE' : 'BE',
			profile === 'mixed' ? `${scenarios} scenarios` : `${profile} (${scenarios} scenarios)`,
			families.length === 1 ? `IPv${families[0]} only` : '',
			spec.bigGaps ? 'big gaps' : '',
			spec.disorder ? 'time disorder' : '',
			spec.snaplen !== defaultSnaplen ? `snaplen ${spec.snaplen}` : '',
			spec.baseSeconds < 86400 ? 'times in 1970' : spec.baseSeconds > 0xf0000000 ? 'times near 2^32 s' : '',
			damage === null ? '' : `damaged: ${damage}`,
			maxPending.join(' '),
			whatIf ? '' : 'kernel sources',
		].filter((x) => x !== '');
		out.push({...spec, title: `#${String(index).padStart(2, '0')} ${traits.join(', ')}`});
	}
	return out;
}

/** Scenario weights for a file: its profile's, each scaled at random so files differ in their mix. */
function weightsFor(r: Random, spec: FileSpec): [Scenario, number][] {
	const names = Object.keys(scenarioTable) as ScenarioName[];
	return names.map((name) => {
		const [scenario, base] = scenarioTable[name];
		let weight = base * (name === 'answered' || name === 'pair' ? 1 : r.pick([0, 0.5, 1, 1, 2]));
		if (spec.profile === 'tcp') weight = name === 'tcp' ? 40 : name === 'truncated' ? 5 : base * 0.2;
		if (spec.profile === 'junk') weight = name === 'junk' ? 10 : name === 'malformed' ? 5 : 0;
		if (spec.profile === 'big' && name === 'junk') weight = base;
		return [scenario, weight] as [Scenario, number];
	});
}

/** The traffic of file `spec`, sorted into file order. */
function generate(spec: FileSpec): Pkt[] {
	const r = new Random(spec.seed);
	const tr = new Traffic(r, spec.families, spec.link, {
		socketPool: spec.profile === 'big' ? r.pick([30, 3000]) : r.pick([3, 20, 200]),
		namePool: spec.profile === 'big' ? r.pick([200, 4000]) : r.pick([5, 50, 400]),
		decorate: r.pick([0, 0.02, 0.1]),
		tcpHeavy: spec.profile === 'tcp',
	});
	const weights = weightsFor(r, spec);
	// The clock starts at 10 s past the base second, so backward jitter never goes before it.
	let clock = 10 * S;
	for (let i = 0; i < spec.scenarios; i++) {
		// Exponential gaps (Poisson arrivals), now and then a pause past the 5 s timeout, and big ones.
		clock += Math.floor(-Math.log(1 - r.float()) * spec.gap);
		// (Not in the TCP file: its open connections must stay within the 60 s idle bound to reach the 4,096-stream cap.)
		if (spec.profile !== 'tcp' && r.chance(0.01)) clock += r.between(5, 8) * S;
		if (spec.bigGaps && r.chance(0.01)) clock += r.pick([70 * S, 3600 * S, 3 * 86400 * S, r.between(61, 600) * S]);
		r.weighted(weights)(tr, clock);
	}
	if (spec.profile === 'tcp') {
		tcpOverflow(tr, clock + S);
		tcpOverflow(tr, 12 * S);
	}
	if (spec.profile === 'giant') giantFrames(tr, clock + S);
	if (spec.profile === 'single') return tr.packets.slice(0, 1);
	// A pause past the timeout before the last few queries, so some end by timeout and some by the end.
	if (spec.scenarios > 10) {
		clock += 6 * S;
		for (let i = 0; i < 3; i++) unanswered(tr, clock + i * MS);
	}
	const packets = tr.packets.sort((a, b) => a.order - b.order || a.seq - b.seq);
	if (spec.disorder) {
		for (let i = 1; i < packets.length; i++) {
			const p = packets[i] as Pkt;
			const before = packets[i - 1] as Pkt;
			// Backwards by up to 3 s, or the same timestamp as the frame before.
			if (r.chance(0.02)) p.time = Math.max(0, p.time - r.between(1, 3000) * MS);
			else if (r.chance(0.04)) p.time = before.time;
		}
	}
	return packets;
}

/** Two frames larger than the file reader's 4 MiB chunk: an IPv4 TSO send and an IPv6 jumbogram, each a DNS message plus padding. */
function giantFrames(tr: Traffic, at: number): void {
	const r = tr.r;
	const s4 = tr.freshSocket(4);
	const q4: Ask = {id: tr.id(), name: 'giant.example', type: T.A, klass: 1};
	const udp4 = udp(up(s4), queryBytes(r, q4));
	const tso = new Uint8Array(20 + udp4.length + (4 << 20) + 12345);
	tso.set(ipv4(up(s4), 17, udp4).subarray(0, 20), 0);
	tso[2] = tso[3] = 0;
	tso.set(udp4, 20);
	tr.ip(at, tso);
	tr.answer(at + MS, s4, replyBytes(r, q4, {answers: answersFor(r, q4.name, T.A)}));
	const s6 = tr.freshSocket(6);
	const q6: Ask = {id: tr.id(), name: 'jumbo.example', type: T.AAAA, klass: 1};
	const udp6 = udp(up(s6), queryBytes(r, q6));
	const head = ipv6(up(s6), 0, udp6, extensionChain([0], 17));
	const jumbo = new Uint8Array(head.length + (4 << 20) + 777);
	jumbo.set(head, 0);
	jumbo[4] = jumbo[5] = 0;
	tr.ip(at + 2 * MS, jumbo);
	tr.answer(at + 3 * MS, s6, replyBytes(r, q6, {answers: answersFor(r, q6.name, T.AAAA)}));
}

/** The link-layer frame of a packet for the file's link type. */
function wrap(r: Random, spec: FileSpec, p: Pkt): Uint8Array {
	if (p.link !== null) return p.link;
	const ip = p.ip as Uint8Array;
	const own: 4 | 6 = (ip[0] ?? 0) >> 4 === 6 ? 6 : 4;
	const claim = p.claim ?? own;
	const ether = claim === 6 ? 0x86dd : 0x0800;
	const set16 = (bytes: Uint8Array, at: number, n: number): Uint8Array => {
		bytes[at] = n >> 8;
		bytes[at + 1] = n & 0xff;
		return bytes;
	};
	switch (spec.link.type) {
		case linktype.ethernet: {
			const tags = spec.link.vlan === true ? r.pick([[], [0x8100], [0x8100], [0x88a8, 0x8100], [0x9100]]) : [];
			let frame = set16(ethernet(ip, tags), 12 + 4 * tags.length, ether);
			// Ethernet's 60-byte minimum (padding past the IP length), and the FCS when the header says so.
			if (p.keep === null && frame.length < 60 && r.chance(0.5)) frame = concat([frame, new Uint8Array(60 - frame.length)]);
			if (p.keep === null && spec.profile === 'fcs') frame = concat([frame, r.bytes(4)]);
			return frame;
		}
		case linktype.linuxSll: {
			const frame = set16(sll(ip), 14, ether);
			frame[1] = r.pick([0, 0, 4, 1]); // packet type: to us, outgoing, broadcast
			return frame;
		}
		case linktype.linuxSll2:
			return set16(sll2(ip), 0, ether);
		case linktype.null:
			return bsdLoopback(ip, claim === 6 ? r.pick([24, 28, 30]) : 2, spec.link.littleNull === true);
		case linktype.loop:
			return bsdLoopback(ip, claim === 6 ? r.pick([24, 28, 30]) : 2, false);
		default:
			return ip;
	}
}

/** Byte-swaps the 32-bit words of a record header (as many as `record` holds whole), in place. */
function swapRecordHeader(record: Buffer): Buffer {
	for (let at = 0; at + 4 <= Math.min(16, record.length); at += 4) record.writeUInt32BE(record.readUInt32LE(at), at);
	return record;
}

/** The global header in big-endian order (magic, versions, zone, sigfigs, snaplen, link type). */
function swapHeader(header: Buffer): Buffer {
	const out = Buffer.alloc(24);
	out.writeUInt32BE(header.readUInt32LE(0), 0);
	out.writeUInt16BE(header.readUInt16LE(4), 4);
	out.writeUInt16BE(header.readUInt16LE(6), 6);
	for (const at of [8, 12, 16, 20]) out.writeUInt32BE(header.readUInt32LE(at), at);
	return out;
}

export interface WrittenFile {
	readonly path: string;
	/** Frames the file holds before any damage. */
	readonly frames: number;
	readonly bytes: number;
	/** The damage the reader must report, as readPcap words it, and the byte offset it names (null: none). */
	readonly damage: string | null;
	readonly damageOffset: number | null;
}

/** Generates file `spec` and writes it to `path`; checks that readPcap reads back what was meant. */
export function writeCorpusFile(spec: FileSpec, path: string): WrittenFile {
	const packets = generate(spec);
	const r = new Random(spec.seed ^ 0x68e31da4);
	const record = (frame: Frame): Buffer => pcapRecord(frame, {snaplen: spec.snaplen, nanos: spec.nanos});
	const chunks: Buffer[] = [pcapHeader({linktype: spec.linktypeField, snaplen: spec.snaplen, nanos: spec.nanos})];
	const frameOf = (p: Pkt): Frame => {
		const data = wrap(r, spec, p);
		// A snapshot cut keeps the link header and `keep` bytes of the packet (wrap adds no trailer to those).
		const kept = p.keep === null ? data : data.subarray(0, data.length - (p.ip?.length ?? 0) + p.keep);
		return {seconds: spec.baseSeconds + Math.floor(p.time / S), nanos: p.time % S, linktype: spec.link.type, data: kept, originalLength: data.length};
	};
	for (const p of packets) chunks.push(record(frameOf(p)));
	const frames = packets.length;
	if (spec.damage !== null) {
		const tail = record(frameOf({order: 0, time: (packets.at(-1)?.time ?? 10 * S) + MS, ip: ipv4({source: '192.0.2.1', sourcePort: 1, destination: '192.0.2.2', destinationPort: 53}, 17, udp({source: '192.0.2.1', sourcePort: 1, destination: '192.0.2.2', destinationPort: 53}, encode({id: 7, flags: 0, questions: [{name: 'tail.example', type: T.A}]}))), link: null, claim: null, keep: null, seq: 0}));
		switch (spec.damage) {
			case 'cut-data':
				chunks.push(tail.subarray(0, 16 + r.between(0, tail.length - 17)));
				break;
			case 'cut-header':
				chunks.push(tail.subarray(0, r.between(1, 15)));
				break;
			case 'oversize': {
				tail.writeUInt32LE(Math.max(spec.snaplen, defaultSnaplen) + r.pick([1, 1000, 0x7fffffff]), 8);
				chunks.push(tail, tail);
				break;
			}
			case 'fraction':
				tail.writeUInt32LE(spec.nanos ? 1_000_000_000 : 1_000_000, 4);
				chunks.push(tail, record(frameOf(packets[0] ?? {order: 0, time: 0, ip: new Uint8Array(20), link: null, claim: null, keep: null, seq: 0})));
				break;
		}
	}
	const bytes = spec.little ? Buffer.concat(chunks) : Buffer.concat([swapHeader(chunks[0] as Buffer), ...chunks.slice(1).map((c) => swapRecordHeader(Buffer.from(c)))]);
	writeFileSync(path, bytes);
	// The generator's own check: the reader sees every frame written, and the damage where it was put.
	const back = readPcap(bytes);
	if (back.frames.length !== frames) throw new Error(`${path}: readPcap read ${back.frames.length} frames of ${frames}`);
	if ((back.error === null) !== (spec.damage === null)) throw new Error(`${path}: damage ${spec.damage ?? 'none'} but readPcap says ${back.error?.detail ?? 'nothing'}`);
	if (back.linktype !== (spec.linktypeField & 0xffff) || back.nanos !== spec.nanos) throw new Error(`${path}: header read back as link type ${back.linktype}, nanos ${back.nanos}`);
	return {path, frames, bytes: bytes.length, damage: back.error?.detail ?? null, damageOffset: back.error?.offset ?? null};
}
