// A growable byte buffer that JSON text is written into directly: ASCII by char code, the rest as UTF-8.
import {jsonText} from './json.js';

/**
 * Decision: records are written as bytes, not built as strings. Each string piece of a record (about a
 * hundred) was a string or a rope cell to allocate, collect and flatten again when the buffer went out;
 * ASCII copied by char code into one reused buffer costs a fraction of that.
 */
export class JsonBytes {
	buffer: Buffer;
	length = 0;

	constructor(capacity = 256 * 1024) {
		this.buffer = Buffer.allocUnsafe(capacity);
	}

	/** Forgets what was written; the memory is reused. */
	clear(): void {
		this.length = 0;
	}

	/** The text written so far (tests, and the JSON format's string path). */
	text(): string {
		return this.buffer.toString('utf8', 0, this.length);
	}

	#room(bytes: number): void {
		if (this.length + bytes <= this.buffer.length) return;
		let size = this.buffer.length * 2;
		while (size < this.length + bytes) size *= 2;
		const bigger = Buffer.allocUnsafe(size);
		this.buffer.copy(bigger, 0, 0, this.length);
		this.buffer = bigger;
	}

	/** Text known to be ASCII (field names, enum words, digits): one byte per char code. */
	ascii(s: string): void {
		const n = s.length;
		this.#room(n);
		const b = this.buffer;
		let at = this.length;
		for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i);
		this.length = at;
	}

	/** Any text as UTF-8 (JSON from jsonText, which may hold any character). */
	utf8(s: string): void {
		this.#room(s.length * 3);
		this.length += this.buffer.write(s, this.length, 'utf8');
	}

	/** A string as JSON: quoted as is while printable ASCII other than `"` and `\`, else jsonText's escapes. */
	string(s: string): void {
		const n = s.length;
		this.#room(n + 2);
		const b = this.buffer;
		const start = this.length;
		let at = start;
		b[at++] = 0x22;
		for (let i = 0; i < n; i++) {
			const c = s.charCodeAt(i);
			if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
				this.length = start;
				this.utf8(jsonText(s));
				return;
			}
			b[at++] = c;
		}
		b[at++] = 0x22;
		this.length = at;
	}

	nullableString(s: string | null): void {
		if (s === null) this.ascii('null');
		else this.string(s);
	}

	/** A number as JSON.stringify writes it: whole numbers up to 2³¹ digit by digit, hundredths beside them, others through String. */
	number(n: number): void {
		if (n >= 0 && n <= 0x7fffffff && (n | 0) === n) {
			this.#room(10);
			const b = this.buffer;
			if (n < 10) {
				b[this.length++] = 0x30 + n;
				return;
			}
			const digits = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
			let at = this.length + digits;
			this.length = at;
			let v = n;
			while (v >= 10) {
				const q = (v / 10) | 0;
				b[--at] = 0x30 + (v - q * 10);
				v = q;
			}
			b[--at] = 0x30 + v;
			return;
		}
		// Decision: an RTT is hundredths (Math.round(ms * 100) / 100), and String(n) of k / 100 is k's digits
		// with a point before the last two, trailing zeros dropped: that decimal round-trips and no other
		// multiple of 0.01 lies within an ulp of it, so it is the shortest. It skips the double-to-string
		// conversion and its string (~1% of a batch); json-text.test.ts holds it to JSON.stringify.
		if (n > 0 && n < 0x7fffffff / 100) {
			const k = Math.round(n * 100);
			if (k / 100 === n) {
				this.#hundredths(k);
				return;
			}
		}
		this.ascii(Number.isFinite(n) ? `${n}` : 'null');
	}

	/** k / 100 for 0 < k < 2³¹, not a whole number: the whole part, a point, one or two digits. */
	#hundredths(k: number): void {
		const whole = (k / 100) | 0;
		const cents = k - whole * 100;
		this.number(whole);
		this.#room(3);
		const b = this.buffer;
		b[this.length++] = 0x2e;
		const tenths = (cents / 10) | 0;
		b[this.length++] = 0x30 + tenths;
		if (cents !== tenths * 10) b[this.length++] = 0x30 + (cents - tenths * 10);
	}

	nullableNumber(n: number | null): void {
		if (n === null) this.ascii('null');
		else this.number(n);
	}
}
