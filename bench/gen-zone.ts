// Deterministic bench fixture: the bench.test zone for Knot, the name list and the dnsperf query list (performance.md §3.1).
//
// Run: npx tsx bench/gen-zone.ts N DIR   (writes DIR/bench.test.zone, DIR/names.txt, DIR/dnsperf-queries.txt)
import {createWriteStream, mkdirSync, type WriteStream} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const zoneName = 'bench.test';

/** Name i by i % 10, no randomness: 0..3 A only (40%), 4..6 A+AAAA (30%), 7, 8, 9 a CNAME chain of 1, 2, 3 hops to A+AAAA (10% each). */
export type NameClass = 'a-only' | 'dual' | 'chain';
export const classOf = (i: number): NameClass => {
	const k = i % 10;
	return k <= 3 ? 'a-only' : k <= 6 ? 'dual' : 'chain';
};
export const chainLength = (i: number): number => Math.max(0, (i % 10) - 6);

export const labelOf = (i: number): string => `h${String(i).padStart(6, '0')}`;
export const nameOf = (i: number): string => `${labelOf(i)}.${zoneName}`;
// Private ranges: these addresses are only ever answered, never contacted.
const a = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const aaaa = (i: number): string => `fd00::${((i >> 16) & 0xffff).toString(16)}:${(i & 0xffff).toString(16)}`;

/** What a correct client must report for names 0..n-1 (each asked once for A and once for AAAA). */
export interface Expected {
	readonly names: number;
	readonly a: number; // A NOERROR with addresses
	readonly aaaa: number; // AAAA NOERROR with addresses
	readonly nodata: number; // AAAA NOERROR without records
}

export function expectedFor(n: number): Expected {
	let aOnly = 0;
	for (let i = 0; i < n; i++) if (classOf(i) === 'a-only') aOnly++;
	return {names: n, a: n, aaaa: n - aOnly, nodata: aOnly};
}

export interface Fixture {
	readonly zoneFile: string;
	readonly namesFile: string;
	readonly queriesFile: string;
	readonly expected: Expected;
}

/** Buffered line writer: 100k names are 220k zone lines, written in 64 KiB chunks rather than one string. */
function lines(file: string): {push: (line: string) => void; close: () => Promise<void>} {
	const stream: WriteStream = createWriteStream(file);
	let chunk: string[] = [];
	let size = 0;
	const flush = (): void => {
		if (chunk.length > 0) stream.write(chunk.join(''));
		chunk = [];
		size = 0;
	};
	return {
		push(line) {
			chunk.push(line, '\n');
			size += line.length + 1;
			if (size >= 65536) flush();
		},
		close: () =>
			new Promise((resolve, reject) => {
				flush();
				stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
			}),
	};
}

/** Writes the zone and both lists for names 0..n-1 into `dir`. */
export async function generate(n: number, dir: string): Promise<Fixture> {
	mkdirSync(dir, {recursive: true});
	const zoneFile = path.join(dir, `${zoneName}.zone`);
	const namesFile = path.join(dir, 'names.txt');
	const queriesFile = path.join(dir, 'dnsperf-queries.txt');
	const zone = lines(zoneFile);
	const names = lines(namesFile);
	const queries = lines(queriesFile);
	// SOA minimum 86400: NODATA answers stay cached as long as positive ones.
	zone.push(`$ORIGIN ${zoneName}.`);
	zone.push('$TTL 86400');
	zone.push('@ SOA ns1 hostmaster 1 3600 900 604800 86400');
	zone.push('@ NS ns1');
	zone.push('ns1 A 127.0.0.1');
	for (let i = 0; i < n; i++) {
		const label = labelOf(i);
		const kind = classOf(i);
		if (kind === 'a-only') zone.push(`${label} A ${a(i)}`);
		else if (kind === 'dual') zone.push(`${label} A ${a(i)}\n${label} AAAA ${aaaa(i)}`);
		else {
			let previous = label;
			for (let j = 1; j <= chainLength(i); j++) {
				const target = `c${j}-${label}`;
				zone.push(`${previous} CNAME ${target}`);
				previous = target;
			}
			zone.push(`${previous} A ${a(i)}\n${previous} AAAA ${aaaa(i)}`);
		}
		const name = nameOf(i);
		names.push(name);
		queries.push(`${name} A\n${name} AAAA`);
	}
	await Promise.all([zone.close(), names.close(), queries.close()]);
	return {zoneFile, namesFile, queriesFile, expected: expectedFor(n)};
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const n = Number(process.argv[2] ?? 100000);
	const dir = process.argv[3] ?? 'bench-fixture';
	if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`N must be a whole number from 1 to 1000000, not ${process.argv[2]}`);
	process.stdout.write(`${JSON.stringify(await generate(n, dir))}\n`);
}
