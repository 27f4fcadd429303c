// Which C library this Node runs on: its getaddrinfo decides the order other programs connect in.
import {readdirSync} from 'node:fs';

export type Libc = 'glibc' | 'musl';

/**
 * musl's dynamic loader is /lib/ld-musl-<arch>.so.1 and a musl-built Node loads it; glibc hosts do not
 * have it. (process.report's glibcVersionRuntime says the same but costs ~10 ms of start-up.)
 */
export function detectLibc(lib = '/lib'): Libc {
	try {
		return readdirSync(lib).some((name) => name.startsWith('ld-musl-')) ? 'musl' : 'glibc';
	} catch {
		return 'glibc';
	}
}
