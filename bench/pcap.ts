// Packet timestamps from a classic pcap file, and the busiest second of them (the pacing check).
import {readFileSync} from 'node:fs';

/** Timestamps in seconds of every record in a classic pcap file (µs or ns resolution, either byte order). */
export function pcapTimes(file: string): number[] {
	const data = readFileSync(file);
	if (data.length < 24) return [];
	const magic = data.readUInt32LE(0);
	const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
	const big = data.readUInt32BE(0) === 0xa1b2c3d4 || data.readUInt32BE(0) === 0xa1b23c4d;
	if (!little && !big) throw new Error(`${file}: not a classic pcap file (magic ${magic.toString(16)})`);
	const nano = (little ? magic : data.readUInt32BE(0)) === 0xa1b23c4d;
	const u32 = (at: number): number => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
	const times: number[] = [];
	for (let at = 24; at + 16 <= data.length; ) {
		times.push(u32(at) + u32(at + 4) / (nano ? 1e9 : 1e6));
		at += 16 + u32(at + 8);
	}
	return times;
}

export interface Busiest {
	readonly packets: number;
	/** Most packets with the same whole-second timestamp (the AWS recipe: `cut -d. -f1 | uniq -c`). */
	readonly perSecond: number;
	/** Most packets inside any window [t, t + 1 s): stricter, shows bursts that straddle a second boundary. */
	readonly sliding: number;
	readonly spanS: number;
}

export function busiest(times: readonly number[]): Busiest {
	const sorted = [...times].sort((x, y) => x - y);
	const buckets = new Map<number, number>();
	for (const t of sorted) buckets.set(Math.floor(t), (buckets.get(Math.floor(t)) ?? 0) + 1);
	let sliding = 0;
	for (let start = 0, end = 0; start < sorted.length; start++) {
		while (end < sorted.length && (sorted[end] ?? 0) < (sorted[start] ?? 0) + 1) end++;
		sliding = Math.max(sliding, end - start);
	}
	return {
		packets: sorted.length,
		perSecond: Math.max(0, ...buckets.values()),
		sliding,
		spanS: sorted.length > 1 ? (sorted[sorted.length - 1] ?? 0) - (sorted[0] ?? 0) : 0,
	};
}
