// A record's RDATA in presentation form (RFC 1035 §5.1, dig's), and RFC 3597 §5 `\# len hex` for everything held as bytes.
import ipaddr from 'ipaddr.js';
import type {WireRecord} from './codec.js';

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** RFC 3597 §5: `\# 0` for empty RDATA, else `\# <length> <hex>` (one hex word; lowercase, as the fixtures print). */
export function genericRdata(bytes: Uint8Array): string {
	return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** A character-string (RFC 1035 §5.1): quoted; `"` and `\` escaped, bytes outside 0x20–0x7E as `\DDD`. */
export function characterString(bytes: Uint8Array): string {
	let out = '"';
	for (const byte of bytes) {
		if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte);
		else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
		else out += '\\' + String(byte).padStart(3, '0');
	}
	return out + '"';
}

/** RFC 5952 text for an AAAA (dns-packet already compresses; this makes it canonical). */
const canonical = (address: string): string => (ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address);

/**
 * The presentation form of a record's data. Only the types of wire/rr-types.ts's presented set reach
 * here decoded; names in them are already dig-escaped by wire/name.ts. Everything else arrives as its
 * RDATA bytes and is shown in the generic form, so nothing off the wire is printed unescaped.
 */
export function rdataText(rr: WireRecord): string {
	const d = rr.data;
	if (isBytes(d)) return genericRdata(d);
	if (rr.type === 'AAAA' && typeof d === 'string') return canonical(d);
	if (typeof d === 'string') return d;
	// TXT: one or more character-strings; none at all (RDLENGTH 0) is not a TXT (RFC 1035 §3.3.14), so its bytes are shown.
	if (Array.isArray(d)) return d.length === 0 ? genericRdata(new Uint8Array(0)) : d.map((part) => characterString(isBytes(part) ? part : Buffer.from(String(part), 'utf8'))).join(' ');
	if (typeof d !== 'object' || d === null) return String(d);
	const f = d as Record<string, unknown>;
	switch (rr.type) {
		case 'MX':
			return `${String(f['preference'])} ${String(f['exchange'])}`;
		case 'SRV':
			return `${String(f['priority'])} ${String(f['weight'])} ${String(f['port'])} ${String(f['target'])}`;
		case 'SOA':
			return ['mname', 'rname', 'serial', 'refresh', 'retry', 'expire', 'minimum'].map((k) => String(f[k])).join(' ');
		default:
			// Not reached for the presented types; JSON keeps any future field visible and escaped.
			return JSON.stringify(d, (_key, value: unknown) => (isBytes(value) ? Buffer.from(value).toString('hex') : value));
	}
}
