// Capture decode (issue 6 §3): a tcpdump capture of a dnsperf run, decoded by he6-dns, `tcpdump -nn -r` and `tshark -T fields`; exchange counts checked against tshark.
import {spawnSync} from 'node:child_process';
import {createReadStream, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {clientRun, log, record, type Context} from './context.js';
import {measure, type Measured} from './measure.js';
import {stop, track, waitExit} from './procs.js';
import {dnsperfArgv, parseDnsperf} from './resolution.js';

export interface Decoder {
	readonly label: string;
	readonly key: 'he6' | 'tcpdump' | 'tshark';
	readonly runs: Measured[];
}

export interface CaptureResult {
	readonly file: string;
	readonly packets: number;
	readonly droppedByKernel: number;
	readonly bytes: number;
	readonly decoders: Decoder[];
	/** he6's exchanges with status answered, and per status; null when the capture command is not there. */
	readonly he6Answered: number | null;
	readonly he6Statuses: Record<string, number> | null;
	/** tshark's responses matched to a query (`-Y dns.response_to`). */
	readonly tsharkMatched: number | null;
	readonly skipped: string[];
}

/** Starts `argv` (tcpdump) and resolves once it reports "listening on", so no packet of the run is missed. */
async function startTcpdump(ctx: Context, argv: readonly string[]): Promise<{child: ReturnType<typeof track>; stderr: () => string}> {
	const child = track('taskset', ['-c', ctx.clientCpu, ...argv]);
	let text = '';
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening:\n${text}`)), 10_000);
		child.stderr?.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			if (text.includes('listening on')) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once('exit', () => reject(new Error(`tcpdump exited:\n${text}`)));
	});
	return {child, stderr: () => text};
}

/** Records `udp and port PORT` on lo with tcpdump while `traffic` runs; tcpdump stops by itself at `-c`, or is interrupted after the traffic. */
export async function recordLo(ctx: Context, file: string, filter: string, count: number | null, traffic: () => Promise<unknown>): Promise<{captured: number; dropped: number}> {
	// As root, tcpdump drops to the tcpdump user before opening the file, which cannot write into the scratch directory: -Z root keeps root.
	const asRoot = process.getuid?.() === 0 ? ['-Z', 'root'] : [];
	// Without -c the capture ends with SIGINT, and packets still in a TPACKET_V3 block that has not been handed over are lost:
	// --immediate-mode (fine at the pacing run's 1000 pps) delivers each packet at once.
	const mode = count === null ? ['--immediate-mode'] : [];
	const argv = ['tcpdump', '-i', 'lo', '-nn', '-B', '65536', ...mode, ...asRoot, ...(count === null ? [] : ['-c', String(count)]), '-w', file, filter];
	record(ctx, `capture ${path.basename(file)}`, argv);
	const tcpdump = await startTcpdump(ctx, argv);
	try {
		await traffic();
	} finally {
		// Give tcpdump a moment to drain its buffer, then SIGINT (it writes the file's tail and its counts on SIGINT).
		const deadline = Date.now() + (count === null ? 1500 : 5000);
		while (tcpdump.child.exitCode === null && tcpdump.child.signalCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
		await stop(tcpdump.child, 5000, 'SIGINT');
	}
	await waitExit(tcpdump.child);
	const text = tcpdump.stderr();
	return {captured: Number(/(\d+) packets? captured/.exec(text)?.[1] ?? NaN), dropped: Number(/(\d+) packets? dropped by kernel/.exec(text)?.[1] ?? NaN)};
}

/** Whether dist/cli.js has a `capture` command yet. */
export function he6Has(ctx: Context, command: string): boolean {
	const help = spawnSync(process.execPath, [ctx.he6, '--help'], {encoding: 'utf8'});
	return new RegExp(`^\\s+${command}\\b`, 'm').test(help.stdout ?? '');
}

async function he6Counts(file: string): Promise<{answered: number; statuses: Record<string, number>}> {
	const statuses: Record<string, number> = {};
	for await (const line of createInterface({input: createReadStream(file), crlfDelay: Infinity})) {
		if (!line.startsWith('{')) continue;
		const record = JSON.parse(line) as {kind?: string; status?: string};
		if (record.kind !== 'exchange') continue;
		const status = String(record.status);
		statuses[status] = (statuses[status] ?? 0) + 1;
	}
	return {answered: statuses.answered ?? 0, statuses};
}

export async function captureDecode(ctx: Context): Promise<CaptureResult> {
	const packets = ctx.quick ? 100_000 : 400_000;
	const file = path.join(ctx.dir, 'dns.pcap');
	const skipped: string[] = [];
	const port = ctx.servers.unbound.port;
	const traffic = async (): Promise<void> => {
		const stdout = path.join(ctx.dir, 'logs', 'capture-dnsperf.stdout');
		const argv = dnsperfArgv(ctx, ['-Q', '20000', '-l', ctx.quick ? '5' : '15', '-q', '500', '-c', '4', '-T', '1']);
		record(ctx, 'capture traffic (dnsperf, paced)', argv);
		const [program = '', ...args] = argv;
		const run = await measure(program, args, {cpu: ctx.clientCpu, stdout, stderr: `${stdout}.stderr`, serverPids: [], noGuard: true});
		log(`capture traffic: dnsperf exit ${run.exitCode}, ${Math.round(parseDnsperf(readFileSync(stdout, 'utf8')).qps)} q/s`);
	};
	const {captured, dropped} = await recordLo(ctx, file, `udp and port ${port}`, packets, traffic);
	log(`capture: ${captured} packets captured, ${dropped} dropped by kernel, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

	const decoders: Array<{label: string; key: Decoder['key']; argv: string[]}> = [];
	const hasHe6 = he6Has(ctx, 'capture');
	if (hasHe6) decoders.push({label: 'he6-dns capture -r FILE --json', key: 'he6', argv: [process.execPath, ctx.he6, 'capture', '-r', file, '--json']});
	else skipped.push('he6-dns capture: dist/cli.js has no `capture` command yet');
	decoders.push({label: 'tcpdump -nn -r FILE', key: 'tcpdump', argv: ['tcpdump', '-nn', '-r', file]});
	const hasTshark = spawnSync('tshark', ['--version'], {encoding: 'utf8'}).status === 0;
	const tsharkFields = ['-T', 'fields', '-e', 'dns.id', '-e', 'dns.flags.response', '-e', 'dns.qry.name', '-e', 'dns.qry.type', '-e', 'dns.a', '-e', 'dns.aaaa'];
	if (hasTshark) decoders.push({label: 'tshark -n -r FILE -T fields (DNS)', key: 'tshark', argv: ['tshark', '-n', '-r', file, ...tsharkFields]});
	else skipped.push('tshark: not installed');

	const results: Decoder[] = decoders.map((d) => ({label: d.label, key: d.key, runs: []}));
	for (let run = 1; run <= ctx.runs; run++) {
		for (const [i, decoder] of decoders.entries()) {
			const measured = await clientRun(ctx, decoder.label, decoder.argv, run);
			results[i]?.runs.push(measured);
			log(`capture decode ${run}/${ctx.runs} ${decoder.label}: ${measured.wallS.toFixed(3)} s, exit ${measured.exitCode}, ${(measured.maxRssKb / 1024).toFixed(0)} MB`);
		}
	}

	// The counts, from untimed runs.
	let he6Answered: number | null = null;
	let he6Statuses: Record<string, number> | null = null;
	if (hasHe6) {
		const out = path.join(ctx.dir, 'out', 'capture.ndjson');
		const [program = '', ...args] = [process.execPath, ctx.he6, 'capture', '-r', file, '--json'];
		await measure(program, args, {cpu: ctx.clientCpu, stdout: out, stderr: `${out}.stderr`, serverPids: [], noGuard: true});
		({answered: he6Answered, statuses: he6Statuses} = await he6Counts(out).catch(() => ({answered: 0, statuses: {}})));
	}
	let tsharkMatched: number | null = null;
	if (hasTshark) {
		const matchedArgv = ['tshark', '-n', '-r', file, '-Y', 'dns.response_to', '-T', 'fields', '-e', 'frame.number'];
		record(ctx, 'tshark responses matched to a query', matchedArgv, '');
		const matched = spawnSync(matchedArgv[0] ?? 'tshark', matchedArgv.slice(1), {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
		tsharkMatched = matched.stdout.split('\n').filter((line) => line !== '').length;
	}
	return {file, packets: captured, droppedByKernel: dropped, bytes: statSync(file).size, decoders: results, he6Answered, he6Statuses, tsharkMatched, skipped};
}
