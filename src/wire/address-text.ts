// Address RDATA as text: dotted quad for A, RFC 5952 canonical form for AAAA, straight from the bytes.

/** `a.b.c.d` from four bytes at `offset`. */
export function formatIpv4(buf: Uint8Array, offset: number): string {
	return `${buf[offset] ?? 0}.${buf[offset + 1] ?? 0}.${buf[offset + 2] ?? 0}.${buf[offset + 3] ?? 0}`;
}

/**
 * RFC 5952 §4 text of the 16 bytes at `offset`: lowercase hex, no leading zeros, the longest run of two
 * or more zero groups (the first on a tie) shortened to `::`. Decision: no dotted-quad tail for
 * IPv4-mapped addresses — the same text ipaddr.js (and so every other view here) prints.
 */
export function formatIpv6(buf: Uint8Array, offset: number): string {
	const groups: number[] = new Array<number>(8);
	let bestStart = -1;
	let bestLength = 1;
	let runStart = -1;
	for (let i = 0; i < 8; i++) {
		const group = ((buf[offset + 2 * i] ?? 0) << 8) | (buf[offset + 2 * i + 1] ?? 0);
		groups[i] = group;
		if (group === 0) {
			if (runStart < 0) runStart = i;
			if (i - runStart + 1 > bestLength) {
				bestStart = runStart;
				bestLength = i - runStart + 1;
			}
		} else {
			runStart = -1;
		}
	}
	let out = '';
	for (let i = 0; i < 8; i++) {
		if (i === bestStart) {
			out += i === 0 ? '::' : ':';
			i += bestLength - 1;
			continue;
		}
		out += (groups[i] as number).toString(16);
		if (i < 7) out += ':';
	}
	return out;
}
