// Address text → bytes exactly as glibc's inet_pton accepts it (resolv/inet_pton.c), for gai.conf.
//
// ipaddr.js is more lenient than glibc (zone ids, "::ffff:010.1.2.3", "127.1"), and a gai.conf line
// glibc rejects must be reported as ignored, so the two parsers are ported here.

/** `inet_pton(AF_INET, …)`: four decimal octets, no leading zeros, nothing else. */
export function inetPton4(text: string): number[] | null {
	// Decision: char codes, not `for (const ch of text)`: a batch parses every answer's address, and the
	// string iterator and Number(ch) per character were most of it (test/unit/inet-pton4.test.ts holds
	// the two equal). A surrogate pair fails on its first half as the iterator's character did.
	const n = text.length;
	const octets: number[] = [];
	let current = 0;
	let sawDigit = false;
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			// "if (saw_digit && *tp == 0) return 0": a leading zero ("010") is refused.
			if (sawDigit && current === 0) return null;
			current = current * 10 + (c - 48);
			if (current > 255) return null;
			if (!sawDigit) {
				if (octets.length + 1 > 4) return null;
				sawDigit = true;
			}
		} else if (c === 46 && sawDigit) {
			if (octets.length + 1 === 4) return null;
			octets.push(current);
			current = 0;
			sawDigit = false;
		} else {
			return null;
		}
	}
	if (!sawDigit || octets.length !== 3) return null;
	octets.push(current);
	return octets;
}

function hexDigitValue(ch: string): number {
	return /^[0-9a-fA-F]$/.test(ch) ? Number.parseInt(ch, 16) : -1;
}

/** `inet_pton(AF_INET6, …)`: RFC 4291 text, an optional trailing dotted quad, "::" at most once. */
export function inetPton6(text: string): number[] | null {
	const out: number[] = [];
	let colonAt: number | null = null;
	let src = 0;
	if (text.length === 0) return null;
	// "Leading :: requires some special handling."
	if (text[0] === ':') {
		src = 1;
		if (text[1] !== ':') return null;
	}
	let tokenStart = src;
	let digits = 0;
	let value = 0;
	while (src < text.length) {
		const ch = text[src++] ?? '';
		const digit = hexDigitValue(ch);
		if (digit >= 0) {
			if (digits === 4) return null;
			value = (value << 4) | digit;
			digits++;
			continue;
		}
		if (ch === ':') {
			tokenStart = src;
			if (digits === 0) {
				if (colonAt !== null) return null;
				colonAt = out.length;
				continue;
			}
			if (src === text.length) return null; // a single trailing colon
			if (out.length + 2 > 16) return null;
			out.push(value >> 8, value & 0xff);
			digits = 0;
			value = 0;
			continue;
		}
		if (ch === '.' && out.length + 4 <= 16) {
			const v4 = inetPton4(text.slice(tokenStart));
			if (v4 === null) return null;
			out.push(...v4);
			digits = 0;
			break;
		}
		return null;
	}
	if (digits > 0) {
		if (out.length + 2 > 16) return null;
		out.push(value >> 8, value & 0xff);
	}
	if (colonAt !== null) {
		// ":: would expand to a zero-width field" is refused.
		if (out.length === 16) return null;
		const tail = out.splice(colonAt);
		while (out.length + tail.length < 16) out.push(0);
		out.push(...tail);
	}
	return out.length === 16 ? out : null;
}
