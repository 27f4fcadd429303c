// The framing of a DNS message walked without decoding: every name, fixed field and RDATA inside the bytes.
//
// Decision: dns-packet decodes RDATA with each type's own reader and advances by what that reader
// reports, so a record cut short (a TXT string running off the end) can desynchronise everything after
// it and still "decode". Walking the RFC 1035 §4.1 framing first (RDLENGTH bounds, name lengths) and
// then requiring dns-packet to end exactly where the framing ends catches that.

export type SkeletonError =
	| {readonly kind: 'truncated'; readonly needed: number; readonly length: number}
	| {readonly kind: 'bad-name'; readonly detail: string};

export type Skeleton = {readonly ok: true; readonly end: number} | {readonly ok: false; readonly error: SkeletonError};

/** The offset after the name at `offset` (pointers end a name: 2 bytes), or an error. */
function skipName(buf: Uint8Array, offset: number): number | SkeletonError {
	let position = offset;
	let wire = 1;
	for (;;) {
		if (position >= buf.length) return {kind: 'truncated', needed: position + 1, length: buf.length};
		const length = buf[position] ?? 0;
		if (length === 0) return position + 1;
		if ((length & 0xc0) === 0xc0) {
			if (position + 2 > buf.length) return {kind: 'truncated', needed: position + 2, length: buf.length};
			return position + 2;
		}
		if ((length & 0xc0) !== 0) return {kind: 'bad-name', detail: `unsupported label type 0x${(length & 0xc0).toString(16)}`};
		wire += length + 1;
		if (wire > 255) return {kind: 'bad-name', detail: 'name longer than 255 octets'};
		position += length + 1;
	}
}

/** Walks header counts, questions and resource records; returns where the last record ends. */
export function walkSkeleton(buf: Uint8Array): Skeleton {
	if (buf.length < 12) return {ok: false, error: {kind: 'truncated', needed: 12, length: buf.length}};
	const count = (at: number): number => ((buf[at] ?? 0) << 8) | (buf[at + 1] ?? 0);
	const questions = count(4);
	const records = count(6) + count(8) + count(10);
	let offset = 12;
	for (let i = 0; i < questions; i++) {
		const next = skipName(buf, offset);
		if (typeof next !== 'number') return {ok: false, error: next};
		offset = next + 4; // QTYPE, QCLASS
		if (offset > buf.length) return {ok: false, error: {kind: 'truncated', needed: offset, length: buf.length}};
	}
	for (let i = 0; i < records; i++) {
		const next = skipName(buf, offset);
		if (typeof next !== 'number') return {ok: false, error: next};
		// TYPE, CLASS, TTL, RDLENGTH: 10 bytes, then RDLENGTH bytes of RDATA.
		if (next + 10 > buf.length) return {ok: false, error: {kind: 'truncated', needed: next + 10, length: buf.length}};
		const rdlength = count(next + 8);
		offset = next + 10 + rdlength;
		if (offset > buf.length) return {ok: false, error: {kind: 'truncated', needed: offset, length: buf.length}};
	}
	return {ok: true, end: offset};
}
