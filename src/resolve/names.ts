// Input names: IDN conversion (UTS #46 via node:url) and the checks getaddrinfo's callers deserve.
import {domainToASCII, domainToUnicode} from 'node:url';
import {escapeLabel, maxLabelLength, NameError, parseName} from '../wire/name.js';

export type NameCheck =
	| {readonly ok: true; readonly ascii: string; readonly unicode: string | null; readonly absolute: boolean}
	| {readonly ok: false; readonly detail: string};

/** RFC 1035 §2.3.4 as text: 253 characters without the trailing dot is 255 octets on the wire. */
export const maxNameLength = 253;

/**
 * Validates and normalises one input name. ASCII input keeps its case (DNS is case-insensitive and
 * the operator typed it); non-ASCII input goes through `domainToASCII` (UTS #46, lowercases). The
 * result has no trailing dot; `absolute` says whether the input had one (then the search list is skipped).
 */
export function checkName(input: string): NameCheck {
	return plainName(input) ?? checkNameFully(input);
}

/**
 * The common name fast: letters, digits, `-` and `_` in labels of 1–63 characters, at most one
 * trailing dot, no `xn--` label, at most 253 characters. For those checkNameFully's parse and escape
 * give the text back unchanged, with no Unicode form; anything else returns null (the full check).
 */
function plainName(input: string): NameCheck | null {
	const n = input.length;
	if (n === 0 || n > maxNameLength + 1) return null;
	let label = 0;
	for (let i = 0; i < n; i++) {
		const c = input.charCodeAt(i);
		if (c === 0x2e) {
			if (label === 0) return null;
			label = 0;
			continue;
		}
		const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
		if (!letter && !(c >= 0x30 && c <= 0x39) && c !== 0x2d && c !== 0x5f) return null;
		// An A-label (`xn--`, any case) needs the full check for its Unicode form.
		if (label === 0 && (c === 0x78 || c === 0x58) && input.startsWith('-', i + 3) && input.startsWith('-', i + 2) && (input.charCodeAt(i + 1) | 0x20) === 0x6e) return null;
		if (++label > maxLabelLength) return null;
	}
	const absolute = input.charCodeAt(n - 1) === 0x2e;
	if (n - (absolute ? 1 : 0) > maxNameLength) return null;
	return {ok: true, ascii: absolute ? input.slice(0, -1) : input, unicode: null, absolute};
}

/** checkName for every input; exported so tests can hold the fast path to it. */
export function checkNameFully(input: string): NameCheck {
	if (input.length === 0) return {ok: false, detail: 'empty name'};
	if (input.length > 1024) return {ok: false, detail: `name of ${input.length} characters is longer than ${maxNameLength}`};
	if (/[\u0000-\u0020\u007f]/u.test(input)) return {ok: false, detail: 'name contains a space or a control character'};
	const absolute = input.endsWith('.') && !input.endsWith('\\.');
	const bare = absolute ? input.slice(0, -1) : input;
	if (bare === '') return {ok: false, detail: 'the root is not a host name'};
	let ascii = bare;
	// eslint-disable-next-line no-control-regex
	if (/[^\u0000-\u007f]/u.test(bare)) {
		ascii = domainToASCII(bare);
		if (ascii === '') return {ok: false, detail: 'not a valid internationalised domain name (UTS #46)'};
	}
	try {
		const labels = parseName(ascii);
		if (labels.length === 0) return {ok: false, detail: 'empty name'};
		// The canonical presentation form (dig's escapes): `a@b` becomes `a\@b`, exactly as the echoed
		// question will decode, so the RFC 5452 question check and every view agree on the name.
		ascii = labels.map((label) => escapeLabel(label)).join('.');
	} catch (error) {
		return {ok: false, detail: error instanceof NameError ? error.message : String(error)};
	}
	// (Length: parseName enforced 255 octets on the wire, i.e. 253 characters of an unescaped name.)
	const hasALabel = ascii.split('.').some((label) => label.toLowerCase().startsWith('xn--'));
	const unicode = hasALabel ? domainToUnicode(ascii) : null;
	return {ok: true, ascii, unicode: unicode !== null && unicode !== '' && unicode !== ascii.toLowerCase() ? unicode : null, absolute};
}
