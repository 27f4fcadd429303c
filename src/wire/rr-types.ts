// RR type and class names as he6-dns writes them: a mnemonic where the RDATA is decoded field by field, RFC 3597 §5 `TYPEn`/`CLASSn` otherwise.
//
// Decision: dns-packet names every type it has heard of but decodes only some of them, several lossily
// (CAA and HINFO text through UTF-8, so a 0xff byte becomes U+FFFD) or with throws on odd RDATA
// (RRSIG, NSEC, CAA), and it names the rest `UNKNOWN_n`. wire/codec.ts installs `typeName` below as
// dns-packet's type table: a type outside `presented` then comes out of dns-packet as `TYPEn` with its
// RDATA as the exact bytes (its generic reader), and every view prints it as `TYPEn \# len hex`. So a
// record of a type we do not present can neither crash a decode nor change a byte of what is shown,
// and HTTPS/SVCB (RFC 9460, which dns-packet does not know) are `TYPE65`/`TYPE64` like any other.

/** RR type and class numbers the readers that work on the bytes test for (RFC 1035 §3.2.2, RFC 3596, RFC 6891). */
export const typeA = 1;
export const typeNs = 2;
export const typeCname = 5;
export const typeSoa = 6;
export const typePtr = 12;
export const typeAaaa = 28;
export const typeOpt = 41;
export const classIn = 1;

/**
 * The types whose RDATA dns-packet decodes into fields that report/ and capture/ present (RFC 1035
 * §3.3, RFC 3596, RFC 2782, RFC 6672), OPT (RFC 6891: read for the EDNS payload size), and the
 * question-only meta types (RFC 6895 §3.1), which never carry RDATA worth presenting.
 */
const presented: ReadonlyMap<number, string> = new Map([
	[1, 'A'],
	[2, 'NS'],
	[5, 'CNAME'],
	[6, 'SOA'],
	[12, 'PTR'],
	[15, 'MX'],
	[16, 'TXT'],
	[28, 'AAAA'],
	[33, 'SRV'],
	[39, 'DNAME'],
	[41, 'OPT'],
	[251, 'IXFR'],
	[252, 'AXFR'],
	[255, 'ANY'],
]);
const presentedCodes: ReadonlyMap<string, number> = new Map([...presented].map(([code, name]) => [name, code]));

/** RFC 1035 §3.2.4 and RFC 6895 §3.2: the classes with mnemonics. */
const classes: ReadonlyMap<number, string> = new Map([
	[1, 'IN'],
	[3, 'CH'],
	[4, 'HS'],
	[254, 'NONE'],
	[255, 'ANY'],
]);
const classCodes: ReadonlyMap<string, number> = new Map([...classes].map(([code, name]) => [name, code]));

/** `A`, `TXT` … for the presented types, `TYPE65` for every other (RFC 3597 §5). */
export function typeName(code: number): string {
	return presented.get(code) ?? `TYPE${code}`;
}

/** The code of `TYPEn` or of a presented mnemonic (case-insensitive); dns-packet's `UNKNOWN_n` is read too; 0 when unknown. */
export function typeCode(name: string): number {
	const upper = name.toUpperCase();
	return presentedCodes.get(upper) ?? genericCode(upper, 'TYPE') ?? genericCode(upper, 'UNKNOWN_') ?? 0;
}

/** `IN`, `CH` …, `CLASS32` for the rest (RFC 3597 §5). */
export function className(code: number): string {
	return classes.get(code) ?? `CLASS${code}`;
}

export function classCode(name: string): number {
	const upper = name.toUpperCase();
	return classCodes.get(upper) ?? genericCode(upper, 'CLASS') ?? genericCode(upper, 'UNKNOWN_') ?? 0;
}

/** n of `PREFIXn` when n is a decimal 0–65535 without a sign or spaces, else null. */
function genericCode(upper: string, prefix: string): number | null {
	if (!upper.startsWith(prefix)) return null;
	const digits = upper.slice(prefix.length);
	if (!/^\d{1,5}$/.test(digits)) return null;
	const code = Number(digits);
	return code <= 0xffff ? code : null;
}

/** The presented type and class mnemonics by code (every other code is TYPEn / CLASSn): the native capture lane's tables. */
export const presentedNames = {types: presented, classes} as const;
