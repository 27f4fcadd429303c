// A growable byte buffer that JSON text is written into directly: ASCII by char code, the rest as UTF-8.
import {jsonText} from './json.js';

/** A constant piece of JSON (keys, punctuation, enum values) as the bytes JsonBytes.bytes copies; ASCII only. */
export const fragment = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/** 2⁴²: below it 0.001 is more than an ulp apart (JsonBytes.number's thousandths). */
const maxThousandths = 2 ** 42;

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

	/**
	 * Bytes made once and written often (a record's constant parts, see `fragment`; a server's JSON text):
	 * copied in one go. Decision: a typed array's set() is a memory copy; for the ~26-byte fragments of a
	 * capture line it took a third of the time of copying the same text char code by char code.
	 */
	bytes(b: Uint8Array): void {
		const n = b.length;
		this.#room(n);
		this.buffer.set(b, this.length);
		this.length += n;
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

	/** A number as JSON.stringify writes it: whole numbers up to 2³¹ digit by digit, hundredths and thousandths beside them, others through String. */
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
		// conversion and its string (~1% of a batch); json-text.test.ts holds it to JSON.stringify. The
		// thousandths path below covers hundredths too, but through it a batch took ~1% more CPU (8
		// interleaved runs), so the batch's RTTs keep this one.
		if (n > 0 && n < 0x7fffffff / 100) {
			const k = Math.round(n * 100);
			if (k / 100 === n) {
				this.#hundredths(k);
				return;
			}
		}
		// The same for thousandths below 2⁴² (a capture's times, ms since the epoch to the µs, and its
		// RTTs): there 0.001 is wider than an ulp, so k / 1000 is the one multiple of 0.001 that reads
		// back as n, and the shortest. Number-to-string was ~4% of a capture -r.
		if (n > 0 && n < maxThousandths) {
			const k = Math.round(n * 1000);
			if (k / 1000 === n) {
				this.#thousandths(k);
				return;
			}
		}
		this.ascii(Number.isFinite(n) ? `${n}` : 'null');
	}

	/** k / 1000 for 0 < k / 1000 < 2⁴², not a whole number of hundredths below 2³¹ / 100. */
	#thousandths(k: number): void {
		const whole = Math.floor(k / 1000);
		const fraction = k - whole * 1000;
		if (whole <= 0x7fffffff) this.number(whole);
		else {
			// Below 2⁴²: the part above 10⁹ is under 4,400, the rest nine digits.
			const high = Math.floor(whole / 1e9);
			this.number(high);
			this.#padded(whole - high * 1e9, 9);
		}
		if (fraction === 0) return;
		this.#room(4);
		this.buffer[this.length++] = 0x2e;
		// Trailing zeros dropped: .5 not .500.
		let digits = 3;
		let v = fraction;
		while (v % 10 === 0) {
			v /= 10;
			digits--;
		}
		this.#padded(v, digits);
	}

	/** 0 ≤ v < 10^digits as exactly `digits` digits, zeros in front. */
	#padded(v: number, digits: number): void {
		this.#room(digits);
		const b = this.buffer;
		let at = this.length + digits;
		this.length = at;
		for (let i = 0; i < digits; i++) {
			const q = Math.floor(v / 10);
			b[--at] = 0x30 + (v - q * 10);
			v = q;
		}
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
