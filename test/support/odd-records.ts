// Wire data that views must survive: RR types dns-packet does not decode (HTTPS, SVCB, RFC 3597's own examples) and hostile bytes in names and TXT.
import type {ZoneRecord} from '../../src/demo/zone-server.js';
import {testSoa, type ScriptTable} from './scripted-server.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

/** HTTPS (65) `1 . alpn=h3` in RFC 9460 §2.2 wire form: priority, root target, key 1 length 3 "\x02h3". */
export const httpsRdata = '00010000010003026833';
/** SVCB (64) in alias mode: priority 0, target svc.rr.test. (uncompressed, RFC 9460 §2.2). */
export const svcbRdata = '0000037376630272720474657374' + '00';

/**
 * A name made of what a terminal or a spreadsheet acts on: a leading `=` (a formula), OSC set-title
 * (ESC ] 0 ; … BEL), C1 CSI (0x9b), NUL, a dot inside a label, 0xff.
 */
export const evilTarget = '=e\\027]0\\;pwned\\007\\155\\000\\.x\\255.rr.test';
/** The TXT bytes: ESC [ 2 J (clear screen), BEL, NUL, CSI, 0xff, a quote. */
export const evilTxt = Uint8Array.from([0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0x9b, 0xff, 0x22]);
/** How every view shows them: RFC 1035 §5.1 escapes, as dig prints them. */
export const evilTxtShown = '"\\027[2J\\007\\000\\155\\255\\""';
export const evilMname = 'ns\\027[2J.test';
export const evilRname = 'host\\007master.test';

const rec = (name: string, type: `TYPE${number}`, data: string): ZoneRecord => ({name, type, ttl: 300, data: hex(data)});

/** The evidence each scripted name carries, by family, as `otherRecords` in the JSON contract. */
export const expectedOther = {
	mixedA: [
		{section: 'answer', name: 'mixed.rr.test', ttl: 300, class: 'IN', type: 'TYPE65', data: `\\# 10 ${httpsRdata}`},
		// RFC 3597 §5's own example RDATA.
		{section: 'answer', name: 'mixed.rr.test', ttl: 300, class: 'IN', type: 'TYPE731', data: '\\# 6 abcdef012345'},
		// An RRSIG of one byte: dns-packet's reader would read past it; as bytes it is just shown.
		{section: 'answer', name: 'mixed.rr.test', ttl: 300, class: 'IN', type: 'TYPE46', data: '\\# 1 ff'},
		// A CAA whose value is not UTF-8: dns-packet would turn 0xff into U+FFFD.
		{section: 'answer', name: 'mixed.rr.test', ttl: 300, class: 'IN', type: 'TYPE257', data: '\\# 8 00056973737565ff'},
	],
	mixedAaaa: [{section: 'answer', name: 'mixed.rr.test', ttl: 300, class: 'IN', type: 'TYPE64', data: `\\# 15 ${svcbRdata}`}],
	alias: [{section: 'answer', name: 'svc.rr.test', ttl: 300, class: 'IN', type: 'TYPE65', data: `\\# 10 ${httpsRdata}`}],
	oddAaaa: [{section: 'authority', name: 'odd.rr.test', ttl: 300, class: 'IN', type: 'TYPE62347', data: '\\# 0'}],
	evilA: [{section: 'answer', name: 'evil.rr.test', ttl: 300, class: 'IN', type: 'TXT', data: evilTxtShown}],
} as const;

export const oddRecords: readonly ZoneRecord[] = [
	{name: 'mixed.rr.test', type: 'A', ttl: 300, data: '192.0.2.10'},
	{name: 'mixed.rr.test', type: 'AAAA', ttl: 300, data: '2001:db8::10'},
	{name: 'odd.rr.test', type: 'A', ttl: 300, data: '192.0.2.11'},
	// Answers a question of type 65 itself (capture shows `TYPE65? svc.rr.test.`).
	rec('svc.rr.test', 'TYPE65', httpsRdata),
];

/** The test zone's SOA with a hostile MNAME and RNAME (shown as NODATA evidence). */
const hostileSoa: ZoneRecord = {
	name: 'test.',
	type: 'SOA',
	ttl: 60,
	data: {mname: `${evilMname}.`, rname: `${evilRname}.`, serial: 1, refresh: 3600, retry: 600, expire: 604800, minimum: 60},
};

/** What the scripted server answers for the names above (see expectedOther). */
export const oddTable: ScriptTable = {
	'mixed.rr.test/A': {
		kind: 'records',
		answers: [
			{name: 'mixed.rr.test', type: 'A', ttl: 300, data: '192.0.2.10'},
			rec('mixed.rr.test', 'TYPE65', httpsRdata),
			rec('mixed.rr.test', 'TYPE731', 'abcdef012345'),
			rec('mixed.rr.test', 'TYPE46', 'ff'),
			rec('mixed.rr.test', 'TYPE257', '00056973737565ff'),
		],
	},
	'mixed.rr.test/AAAA': {kind: 'records', answers: [{name: 'mixed.rr.test', type: 'AAAA', ttl: 300, data: '2001:db8::10'}, rec('mixed.rr.test', 'TYPE64', svcbRdata)]},
	// A CNAME chain ending in an HTTPS record: NODATA for the tail, the HTTPS shown as evidence.
	'alias.rr.test/*': {kind: 'records', answers: [{name: 'alias.rr.test', type: 'CNAME', ttl: 300, data: 'svc.rr.test'}, rec('svc.rr.test', 'TYPE65', httpsRdata)], authorities: [testSoa]},
	// NODATA whose authority section holds an unknown type with empty RDATA (RFC 3597 §5: `\# 0`).
	'odd.rr.test/AAAA': {kind: 'records', answers: [], authorities: [testSoa, rec('odd.rr.test', 'TYPE62347', '')]},
	'evil.rr.test/A': {
		kind: 'records',
		answers: [
			{name: 'evil.rr.test', type: 'CNAME', ttl: 300, data: evilTarget},
			{name: evilTarget, type: 'A', ttl: 300, data: '192.0.2.66'},
			{name: 'evil.rr.test', type: 'TXT', ttl: 300, data: [evilTxt]},
		],
	},
	'evil.rr.test/AAAA': {kind: 'records', answers: [], authorities: [hostileSoa]},
	'evil.rr.test/TXT': {kind: 'records', answers: [{name: 'evil.rr.test', type: 'TXT', ttl: 300, data: [evilTxt]}]},
};

/** Bytes a terminal could act on: C0 controls but LF, DEL, and C1 (as UTF-8 text or as raw bytes decoded lossily). */
// eslint-disable-next-line no-control-regex
export const controlBytes = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffd]/u;
