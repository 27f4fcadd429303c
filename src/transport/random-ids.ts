// Random 16-bit DNS message ids (RFC 5452) from the kernel's CSPRNG, refilled in blocks.
import {closeSync, openSync, readSync} from 'node:fs';

// Decision (issue 6, start-up): node:crypto costs ~5–7 ms to load on Node 20 for two calls that only
// need random bytes. /dev/urandom is the same kernel generator (getrandom(2)); Web Crypto (a global)
// is the fallback where it cannot be read.
function fillFromKernel(pool: Uint16Array): boolean {
	let fd: number | undefined;
	try {
		fd = openSync('/dev/urandom', 'r');
		const bytes = new Uint8Array(pool.buffer, pool.byteOffset, pool.byteLength);
		let filled = 0;
		while (filled < bytes.length) {
			const n = readSync(fd, bytes, filled, bytes.length - filled, null);
			if (n <= 0) return false;
			filled += n;
		}
		return true;
	} catch {
		return false;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/** A pool of random ids: one read per 4096 queries, not a syscall per query. */
class RandomIds {
	readonly #pool = new Uint16Array(4096);
	#next = this.#pool.length;
	take(): number {
		if (this.#next >= this.#pool.length) {
			if (!fillFromKernel(this.#pool)) globalThis.crypto.getRandomValues(this.#pool);
			this.#next = 0;
		}
		return this.#pool[this.#next++] ?? 0;
	}
}

const ids = new RandomIds();

/** A uniformly random id in 0..65535. */
export const randomId = (): number => ids.take();
