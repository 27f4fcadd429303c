// Which C library this Node runs on: its getaddrinfo decides the order other programs connect in.

export type Libc = 'glibc' | 'musl';

/** glibc reports its runtime version in the process report; musl builds do not. */
export function detectLibc(): Libc {
	const report = process.report?.getReport() as {header?: {glibcVersionRuntime?: string}} | undefined;
	return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}
