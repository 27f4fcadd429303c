// Domain names between wire form and presentation form (RFC 1035 §5.1 escapes, as dig prints them).
//
// Decision: dns-packet decodes labels as UTF-8 (lossy: 0xff becomes U+FFFD) and does not escape a '.'
// inside a label, so two different wire names can print the same and a label can smuggle control bytes
// to a terminal. We replace dns-packet's name codec (wire/codec.ts installs it) with this one: every
// name that leaves wire/ is in presentation form, byte-exact and terminal-safe, and every name we
// encode may carry the same escapes.

/** RFC 1035 §3.1: a label is at most 63 octets. */
export const maxLabelLength = 63;
/** RFC 1035 §3.1: a name is at most 255 octets on the wire (length bytes and root included). */
export const maxWireLength = 255;

const backslash = 0x5c;
/** Characters dig escapes with a backslash because they are special in master files. */
const special = new Set([0x2e, 0x3b, 0x5c, 0x28, 0x29, 0x22, 0x40, 0x24]); // . ; \ ( ) " @ $

/** Thrown (inside wire/ only) for a name that cannot be decoded or encoded. */
export class NameError extends Error {
	override readonly name = 'NameError';
}

/** One label's bytes in presentation form: printable ASCII as is, specials as `\X`, the rest `\DDD`. */
export function escapeLabel(bytes: Uint8Array): string {
	let out = '';
	for (const byte of bytes) {
		if (special.has(byte)) out += '\\' + String.fromCharCode(byte);
		else if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
		else out += '\\' + String(byte).padStart(3, '0');
	}
	return out;
}

/**
 * Any text (an argument, a file line) made safe for a terminal the same way: bytes outside 0x21–0x7E
 * as `\DDD`; UTF-8 is shown byte by byte, as dig does. Backslash is doubled so the output is unambiguous.
 */
export function escapeText(text: string): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		if (byte === backslash) out += '\\\\';
		else if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
		else out += '\\' + String(byte).padStart(3, '0');
	}
	return out;
}

/** Decodes a (possibly compressed) name at `offset`; returns it and the bytes it took in place. */
export function decodeName(buf: Uint8Array, offset: number): {name: string; bytes: number} {
	const labels: string[] = [];
	let position = offset;
	// Only pointers to prior data (RFC 1035 §4.1.4): each jump must go strictly backwards, so no loop.
	let limit = offset;
	let consumed = -1;
	let wireLength = 1;
	for (;;) {
		if (position >= buf.length) throw new NameError('name runs past the end of the message');
		const length = buf[position] ?? 0;
		if (length === 0) {
			if (consumed < 0) consumed = position + 1 - offset;
			break;
		}
		const kind = length & 0xc0;
		if (kind === 0xc0) {
			if (position + 1 >= buf.length) throw new NameError('compression pointer cut off');
			const target = ((length & 0x3f) << 8) | (buf[position + 1] ?? 0);
			if (target >= limit) throw new NameError('compression pointer does not point backwards');
			if (consumed < 0) consumed = position + 2 - offset;
			limit = target;
			position = target;
			continue;
		}
		if (kind !== 0) throw new NameError(`unsupported label type 0x${kind.toString(16)}`);
		if (position + 1 + length > buf.length) throw new NameError('label runs past the end of the message');
		wireLength += length + 1;
		if (wireLength > maxWireLength) throw new NameError('name longer than 255 octets');
		labels.push(escapeLabel(buf.subarray(position + 1, position + 1 + length)));
		position += length + 1;
	}
	return {name: labels.length === 0 ? '.' : labels.join('.'), bytes: consumed};
}

/** Splits a presentation-form name into label bytes, honouring `\X` and `\DDD`. Root is `.` or ``. */
export function parseName(name: string): Uint8Array[] {
	if (name === '' || name === '.') return [];
	const labels: Uint8Array[] = [];
	let current: number[] = [];
	const text = Buffer.from(name, 'utf8');
	let i = 0;
	const endLabel = (): void => {
		if (current.length === 0) throw new NameError('empty label');
		if (current.length > maxLabelLength) throw new NameError(`label longer than ${maxLabelLength} octets`);
		labels.push(Uint8Array.from(current));
		current = [];
	};
	while (i < text.length) {
		const byte = text[i] ?? 0;
		if (byte === backslash) {
			const d = text.subarray(i + 1, i + 4).toString('latin1');
			if (/^\d{3}$/.test(d)) {
				const value = Number(d);
				if (value > 255) throw new NameError(`bad escape \\${d}`);
				current.push(value);
				i += 4;
			} else if (i + 1 < text.length) {
				current.push(text[i + 1] ?? 0);
				i += 2;
			} else {
				throw new NameError('name ends in a lone backslash');
			}
		} else if (byte === 0x2e) {
			endLabel();
			i += 1;
			if (i === text.length) return checkLength(labels); // trailing dot: fully qualified
		} else {
			current.push(byte);
			i += 1;
		}
	}
	endLabel();
	return checkLength(labels);
}

function checkLength(labels: Uint8Array[]): Uint8Array[] {
	const wire = labels.reduce((sum, label) => sum + label.length + 1, 1);
	if (wire > maxWireLength) throw new NameError('name longer than 255 octets');
	return labels;
}

/** Bytes the uncompressed wire form of `name` takes. */
export function nameWireLength(name: string): number {
	return parseName(name).reduce((sum, label) => sum + label.length + 1, 1);
}

/** Writes the uncompressed wire form of `name` into `buf` at `offset`; returns the bytes written. */
export function encodeName(name: string, buf: Uint8Array, offset: number): number {
	let position = offset;
	for (const label of parseName(name)) {
		buf[position++] = label.length;
		buf.set(label, position);
		position += label.length;
	}
	buf[position++] = 0;
	return position - offset;
}

/**
 * Case-insensitive key for comparing names (RFC 4343: ASCII letters only; escapes are digits or
 * punctuation, so lowercasing the presentation form is exact). The root and trailing dots fold away.
 */
export function nameKey(name: string): string {
	// Most names are lowercase ASCII already: then they are their own lowercase (no new string per compare).
	let lower = name;
	for (let i = 0; i < name.length; i++) {
		const c = name.charCodeAt(i);
		if ((c >= 0x41 && c <= 0x5a) || c > 0x7e) {
			lower = name.toLowerCase();
			break;
		}
	}
	return lower.endsWith('.') && !lower.endsWith('\\.') ? lower.slice(0, -1) : lower;
}

/** nameKey(a) === nameKey(b), without either key when the two strings are equal (a reply's owner names usually are the asked name's string). */
export function sameName(a: string, b: string): boolean {
	return a === b || nameKey(a) === nameKey(b);
}
