// Deterministic batch fixture: the batch.test zone for Knot and the list of its names, with the expected counts.
//
// Run: npx tsx scripts/gen-batch-zone.ts N DIR   (writes DIR/zones/batch.test.zone and DIR/names.txt)
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** What name i is, by i % 20 (no randomness: the same N gives the same files and counts). */
export type NameClass = 'a-only' | 'dual' | 'chain1' | 'chain2' | 'chain3' | 'nxdomain' | 'servfail';

export function classOf(i: number): NameClass {
	const k = i % 20;
	if (k < 6) return 'a-only'; // 30%
	if (k < 11) return 'dual'; // 25%
	if (k < 13) return 'chain1'; // 10%
	if (k < 15) return 'chain2'; // 10%
	if (k < 17) return 'chain3'; // 10%
	if (k < 19) return 'nxdomain'; // 10%
	return 'servfail'; // 5%: a two-name CNAME loop, which Unbound answers with SERVFAIL
}

export const zoneName = 'batch.test';
export const nameOf = (i: number): string => `h${String(i).padStart(6, '0')}.${zoneName}`;
/** `bücher` as an A-label (UTS #46). */
export const idnLabel = 'xn--bcher-kva';

// Public-looking unicast, never contacted (only DNS is asked): 198.18.0.0/15 (benchmarking) and a /32 of 2a0f::/16.
const a = (i: number): string => `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;
const aaaa = (i: number): string => `2a0f:b47c::${((i >> 16) & 0xffff).toString(16)}:${(i & 0xffff).toString(16)}`;

export interface BatchFixture {
	readonly zoneDir: string;
	readonly namesFile: string;
	readonly counts: Readonly<Record<NameClass, number>>;
}

/** The zone text for names 0..n-1. */
export function zoneText(n: number): string {
	const out = [`$ORIGIN ${zoneName}.`, '$TTL 86400', '@ SOA ns1 hostmaster 1 3600 900 604800 60', '@ NS ns1', 'ns1 A 127.0.0.1'];
	// One IDN, outside the numbered names: bücher.batch.test, dual-stack.
	out.push(`${idnLabel} A 198.51.100.1`, `${idnLabel} AAAA 2a0f:b47c::b:1`);
	for (let i = 0; i < n; i++) {
		const label = nameOf(i).slice(0, -(zoneName.length + 1));
		const kind = classOf(i);
		if (kind === 'a-only') out.push(`${label} A ${a(i)}`);
		else if (kind === 'dual') out.push(`${label} A ${a(i)}`, `${label} AAAA ${aaaa(i)}`);
		else if (kind === 'servfail') out.push(`${label} CNAME ${label}-loop`, `${label}-loop CNAME ${label}`);
		else if (kind !== 'nxdomain') {
			const hops = Number(kind.slice('chain'.length));
			let previous = label;
			for (let j = 1; j <= hops; j++) {
				const target = `c${j}-${label}`;
				out.push(`${previous} CNAME ${target}`);
				previous = target;
			}
			out.push(`${previous} A ${a(i)}`, `${previous} AAAA ${aaaa(i)}`);
		}
	}
	return out.join('\n') + '\n';
}

/** Writes `dir/zones/batch.test.zone` and `dir/names.txt` (every name once, in order). */
export function generateBatchFixture(n: number, dir: string): BatchFixture {
	const zoneDir = path.join(dir, 'zones');
	mkdirSync(zoneDir, {recursive: true});
	writeFileSync(path.join(zoneDir, `${zoneName}.zone`), zoneText(n));
	const namesFile = path.join(dir, 'names.txt');
	const names: string[] = [];
	const counts: Record<NameClass, number> = {'a-only': 0, dual: 0, chain1: 0, chain2: 0, chain3: 0, nxdomain: 0, servfail: 0};
	for (let i = 0; i < n; i++) {
		names.push(nameOf(i));
		counts[classOf(i)]++;
	}
	writeFileSync(namesFile, names.join('\n') + '\n');
	return {zoneDir, namesFile, counts};
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const n = Number(process.argv[2] ?? 100000);
	const dir = process.argv[3] ?? 'batch-fixture';
	const fixture = generateBatchFixture(n, dir);
	process.stdout.write(`${JSON.stringify({...fixture, n})}\n`);
}
