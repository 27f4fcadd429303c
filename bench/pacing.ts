// Pacing (issue 6 §5): a `batch --qps 1000` run recorded with tcpdump; the most queries in any one second must stay ≤ 1000.
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {recordLo} from './capture.js';
import {clientRun, log, type Context} from './context.js';
import {countNdjson, judgeCounts, type Verdict} from './gate.js';
import {expectedFor} from './gen-zone.js';
import type {Measured} from './measure.js';
import {busiest, pcapTimes, type Busiest} from './pcap.js';
import {he6BatchArgv} from './resolution.js';

export const pacingQps = 1000;

export interface PacingResult {
	readonly names: number;
	readonly measured: Measured;
	readonly gate: Verdict;
	readonly busiest: Busiest;
	readonly droppedByKernel: number;
}

export async function pacing(ctx: Context): Promise<PacingResult> {
	// 2 queries per name: 5,000 names are 10 s at 1000 q/s, long enough for whole seconds in the middle.
	const names = Math.min(ctx.quick ? 2000 : 5000, ctx.fixture.expected.names);
	const list = path.join(ctx.dir, 'names-pacing.txt');
	writeFileSync(list, readFileSync(ctx.fixture.namesFile, 'utf8').split('\n').slice(0, names).join('\n') + '\n');
	const pcap = path.join(ctx.dir, 'pacing.pcap');
	const out = path.join(ctx.dir, 'out', 'pacing.ndjson');
	rmSync(out, {force: true});
	let measured: Measured | undefined;
	// Only queries (to Unbound's port) count against the cap, as in the AWS recipe (`dst port 53`).
	const {dropped} = await recordLo(ctx, pcap, `udp and dst port ${ctx.servers.unbound.port}`, null, async () => {
		measured = await clientRun(ctx, `he6-dns batch --qps ${pacingQps}`, he6BatchArgv(ctx, list, ['--format', 'ndjson', '-o', out, '--qps', String(pacingQps)]), 1);
	});
	if (measured === undefined) throw new Error('pacing run did not happen');
	const verdict = judgeCounts(await countNdjson(out).catch(() => ({names: 0, a: 0, aaaa: 0, nodata: 0, errors: 1})), expectedFor(names));
	const gate = measured.exitCode === 0 ? verdict : {...verdict, pass: false, detail: `exit ${measured.exitCode}; ${verdict.detail}`};
	const result = busiest(pcapTimes(pcap));
	log(`pacing: ${result.packets} queries in ${result.spanS.toFixed(1)} s, busiest second ${result.perSecond}, busiest sliding 1 s window ${result.sliding}; gate ${gate.pass ? 'ok' : `FAILED: ${gate.detail}`}`);
	return {names, measured, gate, busiest: result, droppedByKernel: dropped};
}
