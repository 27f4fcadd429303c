// The correctness gate: a run counts only if it answered every name as the zone says (100,000 A, 60,000 AAAA, 40,000 NODATA, 0 errors).
import {createReadStream} from 'node:fs';
import {createInterface} from 'node:readline';
import type {Expected} from './gen-zone.js';

export interface Counts {
	readonly names: number;
	readonly a: number;
	readonly aaaa: number;
	readonly nodata: number;
	readonly errors: number;
}

export interface Verdict {
	readonly pass: boolean;
	readonly counts: Counts;
	readonly detail: string;
}

export function judgeCounts(counts: Counts, want: Expected): Verdict {
	const pass = counts.names === want.names && counts.a === want.a && counts.aaaa === want.aaaa && counts.nodata === want.nodata && counts.errors === 0;
	const detail = `${counts.names} names: ${counts.a} A, ${counts.aaaa} AAAA, ${counts.nodata} NODATA, ${counts.errors} errors` + (pass ? '' : ` (want ${want.names}: ${want.a} A, ${want.aaaa} AAAA, ${want.nodata} NODATA, 0 errors)`);
	return {pass, counts, detail};
}

interface FamilyJson {
	readonly status?: unknown;
	readonly addresses?: unknown;
}

const hasAddresses = (family: FamilyJson | undefined): boolean => family?.status === 'NOERROR' && Array.isArray(family.addresses) && family.addresses.length > 0;

/** Counts he6-dns batch NDJSON records (`a.status`, `a.addresses`, `aaaa.status`, `aaaa.addresses`); a record that is not A-with-addresses plus AAAA-with-addresses-or-NODATA is an error. */
export async function countNdjson(file: string): Promise<Counts> {
	let names = 0;
	let a = 0;
	let aaaa = 0;
	let nodata = 0;
	let errors = 0;
	for await (const line of createInterface({input: createReadStream(file), crlfDelay: Infinity})) {
		if (line === '') continue;
		names++;
		let record: {a?: FamilyJson; aaaa?: FamilyJson};
		try {
			record = JSON.parse(line) as typeof record;
		} catch {
			errors++;
			continue;
		}
		const aOk = hasAddresses(record.a);
		const aaaaOk = hasAddresses(record.aaaa);
		const isNodata = record.aaaa?.status === 'NODATA';
		if (aOk) a++;
		if (aaaaOk) aaaa++;
		if (isNodata) nodata++;
		if (!aOk || !(aaaaOk || isNodata)) errors++;
	}
	return {names, a, aaaa, nodata, errors};
}

/** node-resolver.mjs prints its counts as one JSON line. */
export function parseCounts(text: string): Counts | null {
	try {
		const value = JSON.parse(text.trim().split('\n').pop() ?? '') as Partial<Counts>;
		return typeof value.names === 'number' ? {names: value.names, a: value.a ?? 0, aaaa: value.aaaa ?? 0, nodata: value.nodata ?? 0, errors: value.errors ?? 0} : null;
	} catch {
		return null;
	}
}
