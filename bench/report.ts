// The results as Markdown tables (printed and written to bench/RESULTS.md), with ratios and each of issue 6's floors marked PASS or FAIL.
import type {CaptureResult} from './capture.js';
import type {Measured, Spread} from './measure.js';
import {spread} from './measure.js';
import type {PacingResult} from './pacing.js';
import type {Row} from './resolution.js';
import type {MillionResult, StartupResult} from './startup.js';

export interface Machine {
	readonly nproc: number;
	readonly cpu: string;
	readonly kernel: string;
	readonly node: string;
	readonly date: string;
	readonly commit: string;
	readonly memory: string;
	readonly rmemMax: string;
	readonly tools: string[];
	readonly placement: string;
}

export interface Results {
	readonly machine: Machine;
	readonly quick: boolean;
	readonly runs: number;
	readonly names: number;
	readonly warm: {qps: number; lost: number} | null;
	readonly resolution: Row[] | null;
	readonly capture: CaptureResult | null;
	readonly startup: StartupResult | null;
	readonly million: MillionResult | null;
	readonly pacing: PacingResult | null;
	readonly commands: Map<string, string>;
	readonly notes: string[];
	readonly errors: string[];
	readonly totalS: number;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const dec = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const mb = (kb: number): string => (Number.isFinite(kb) ? (kb / 1024).toFixed(0) : '—');
const range = (s: Spread | null, f: (n: number) => string): string => (s === null ? '—' : `${f(s.min)}–${f(s.max)}`);
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const table = (head: string[], rows: string[][]): string => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** performance.md §4.3: flag a row whose range is over 20% of the median, or with a run that had over 1 s of foreign CPU. */
function noise(values: Spread | null, runs: readonly Measured[]): string {
	const flags: string[] = [];
	if (values !== null && values.median > 0 && (values.max - values.min) / values.median > 0.2) flags.push(`range ${Math.round(((values.max - values.min) / values.median) * 100)}%`);
	const foreign = runs.filter((m) => m.foreignCpuS > 1).length;
	if (foreign > 0) flags.push(`${foreign} run(s) >1 s foreign CPU`);
	const neverQuiet = runs.filter((m) => m.quietWaitS < 0).length;
	if (neverQuiet > 0) flags.push(`${neverQuiet} run(s) started while busy`);
	return flags.length === 0 ? 'ok' : flags.join('; ');
}

interface RowFigures {
	readonly namesPerS: Spread | null;
	readonly cpu: Spread | null;
	readonly failed: number;
	readonly rcvbufMax: number;
	readonly socketDropsMax: number;
	readonly rssMaxKb: number;
}

function figures(row: Row): RowFigures {
	const ok = row.runs.filter((r) => r.gate === null || r.gate.pass);
	return {
		namesPerS: spread(ok.map((r) => r.namesPerS).filter(Number.isFinite)),
		cpu: spread(ok.map((r) => r.cpuUsPerName).filter(Number.isFinite)),
		failed: row.runs.length - ok.length,
		rcvbufMax: Math.max(0, ...row.runs.map((r) => r.measured.rcvbufErrors)),
		socketDropsMax: Math.max(0, ...row.runs.map((r) => r.measured.socketDrops)),
		rssMaxKb: Math.max(0, ...row.runs.map((r) => r.measured.maxRssKb).filter(Number.isFinite)),
	};
}

type Outcome = 'PASS' | 'FAIL' | 'n/a';
interface Floor {
	readonly what: string;
	readonly measured: string;
	readonly required: string;
	readonly outcome: Outcome;
}

const judge = (ok: boolean | null): Outcome => (ok === null ? 'n/a' : ok ? 'PASS' : 'FAIL');

/** Ratios of paired runs: their median, then each in order (`—` without any). */
function pairedRatios(ratios: readonly number[]): string {
	const med = spread(ratios)?.median;
	if (med === undefined) return '—';
	return `${ratio(med)} (${ratios.map((v) => v.toFixed(2)).join(', ')})`;
}

export function render(r: Results): {text: string; floors: Floor[]} {
	const parts: string[] = [];
	const floors: Floor[] = [];
	const scale = `${int(r.names)} names${r.quick ? ' (BENCH_QUICK smoke run: not comparable with full runs)' : ''}`;

	// Resolution
	const byKey = new Map<string, {row: Row; f: RowFigures}>();
	if (r.resolution !== null) {
		parts.push(`### Resolution — ${scale}, warm Unbound cache, medians of ${r.runs} runs`);
		if (r.warm !== null) parts.push(`Cold pass (the warm-up, Unbound recursing to Knot): ${int(r.warm.qps)} q/s, ${r.warm.lost} lost.`);
		const rows = r.resolution.map((row) => {
			const f = figures(row);
			byKey.set(`${row.config.kind}-${row.config.concurrency ?? 'default'}`, {row, f});
			const gate = row.config.kind === 'ceiling' ? (f.failed > 0 ? `FAILED ${f.failed}/${row.runs.length}` : 'n/a') : f.failed === 0 ? `ok ${row.runs.length}/${row.runs.length}` : `FAILED ${f.failed}/${row.runs.length}`;
			const failedAll = f.namesPerS === null;
			return [
				row.config.label,
				failedAll ? 'FAILED' : int(f.namesPerS?.median ?? NaN),
				failedAll ? '—' : range(f.namesPerS, int),
				failedAll ? '—' : dec(f.cpu?.median ?? NaN),
				int(f.socketDropsMax),
				int(f.rcvbufMax),
				mb(f.rssMaxKb),
				gate,
				noise(f.namesPerS, row.runs.map((x) => x.measured)),
			];
		});
		parts.push(table(['client (pinned to the client core)', 'names/s', 'min–max', 'client CPU µs/name', 'rcvbuf drops, own sockets (worst run)', 'UdpRcvbufErrors machine-wide (worst run)', 'peak RSS MB', 'correctness gate', 'noise'], rows));
		const failures = r.resolution.flatMap((row) => row.runs.filter((x) => x.gate !== null && !x.gate.pass).map((x) => `${row.config.label}: ${x.gate?.detail}`));
		if (failures.length > 0) parts.push(`Gate failures (not timed):\n${[...new Set(failures)].map((f) => `- ${f}`).join('\n')}`);

		const median = (key: string): number => byKey.get(key)?.f.namesPerS?.median ?? NaN;
		const failed = (key: string): boolean => (byKey.get(key)?.f.failed ?? 1) > 0;
		const ceiling = median('ceiling-100');
		const he6Default = median('he6-default');
		const he6Keys = [...byKey.keys()].filter((k) => k.startsWith('he6-'));
		// The highest median among rows that have one (a row whose runs all failed the gate has none).
		const bestOf = (keys: string[], fallback: string): string => keys.reduce((best, k) => ((median(k) || -1) > (median(best) || -1) ? k : best), keys[0] ?? fallback);
		const he6Best = bestOf(he6Keys, 'he6-default');
		const nodeKeys = [...byKey.keys()].filter((k) => k.startsWith('node-'));
		const nodeBest = bestOf(nodeKeys, 'node-100');
		const label = (k: string): string => byKey.get(k)?.row.config.label ?? k;
		// Per round: the two rows' runs of the same round, minutes apart, which a slow spell of the VM tends
		// to hit together; the median of those ratios is shown beside the ratio of medians (what the floors judge).
		const perRound = (num: string, den: string): string => {
			const a = byKey.get(num)?.row.runs ?? [];
			const b = byKey.get(den)?.row.runs ?? [];
			const ratios = a.flatMap((x, i) => {
				const y = b[i];
				return y !== undefined && x.gate?.pass !== false && y.gate?.pass !== false && y.namesPerS > 0 ? [x.namesPerS / y.namesPerS] : [];
			});
			return pairedRatios(ratios);
		};
		const ratioRow = (what: string, num: string, den: string): string[] => [what, ratio(median(num) / median(den)), perRound(num, den)];
		parts.push(
			table(
				['ratio', 'of the medians', 'per round: median (rounds in order)'],
				[
					ratioRow(`he6 default / ceiling (names/s; ceiling = ${int(ceiling * 2)} q/s ÷ 2)`, 'he6-default', 'ceiling-100'),
					ratioRow(`he6 best (${label(he6Best)}) / ceiling`, he6Best, 'ceiling-100'),
					ratioRow(`he6 default / Node best (${label(nodeBest)})`, 'he6-default', nodeBest),
					ratioRow('he6 best / Node best', he6Best, nodeBest),
					ratioRow('he6 --concurrency 500 / Node C=500', 'he6-500', 'node-500'),
					ratioRow('he6 --concurrency 100 / Node C=100', 'he6-100', 'node-100'),
					ratioRow('he6 default / the bare node:dgram anchor (what a client on node:dgram, one datagram a system call, reaches here)', 'he6-default', 'dgram-500'),
					ratioRow('bare node:dgram anchor / Node best', 'dgram-500', nodeBest),
					ratioRow('bare node:dgram anchor / ceiling', 'dgram-500', 'ceiling-100'),
					ratioRow("he6 with this host's kernel sources / he6 default with --sources (what asking the kernel for Source(D) of every address costs; each address of this zone is unique)", 'kernel-default', 'he6-default'),
				],
			),
		);
		parts.push('The floors below are judged on the ratio of the medians; the per-round column pairs the runs of one round, which tells a slow spell of the VM (every row of a round slower) from a real difference.');
		const gateNote = (...keys: string[]): string => (keys.some(failed) ? ' (a correctness gate failed)' : '');
		const ratioFloor = (what: string, num: string, den: string, min: number): void => {
			const value = median(num) / median(den);
			const known = Number.isFinite(value);
			floors.push({what, measured: `${ratio(value)}${gateNote(num, den)}`, required: `≥ ${min.toFixed(2)}×`, outcome: judge(known ? value >= min && !failed(num) && !failed(den) : failed(num) || failed(den) ? false : null)});
		};
		ratioFloor(`batch (default) names/s vs Node Resolver at its best (${label(nodeBest)})`, 'he6-default', nodeBest, 1.5);
		ratioFloor('batch --concurrency 500 vs Node Resolver C=500', 'he6-500', 'node-500', 2);
		ratioFloor('batch (default) vs the dnsperf ceiling (names/s = q/s ÷ 2)', 'he6-default', 'ceiling-100', 0.75);
		// Judged on the run's own sockets (client and servers): the machine-wide counter also holds other workloads' drops.
		const drops = he6Keys.map((k) => byKey.get(k)?.f.socketDropsMax ?? 0);
		const wide = he6Keys.map((k) => byKey.get(k)?.f.rcvbufMax ?? 0);
		floors.push({
			what: `zero UDP receive-buffer drops (client and server sockets), batch at concurrency ${he6Keys.map((k) => k.slice(4)).join(', ')}`,
			measured: `worst run ${int(Math.max(0, ...drops))} (machine-wide counter: ${int(Math.max(0, ...wide))})`,
			required: '0',
			outcome: judge(Math.max(0, ...drops) === 0),
		});
	}

	// Capture
	if (r.capture !== null) {
		const c = r.capture;
		parts.push(`### Capture decode — ${int(c.packets)} packets (${(c.bytes / 1e6).toFixed(1)} MB, ${int(c.droppedByKernel)} dropped by the kernel), medians of ${r.runs} runs`);
		const walls = new Map(c.decoders.map((d) => [d.key, spread(d.runs.filter((m) => m.exitCode === 0).map((m) => m.wallS))]));
		const rows = c.decoders.map((d) => {
			const wall = walls.get(d.key) ?? null;
			const failedRuns = d.runs.filter((m) => m.exitCode !== 0).length;
			const cpu = spread(d.runs.map((m) => m.userS + m.sysS));
			return [
				d.label,
				wall === null ? 'FAILED' : dec(wall.median, 3),
				range(wall, (n) => dec(n, 3)),
				wall === null ? '—' : int(c.packets / wall.median),
				dec(cpu?.median ?? NaN, 2),
				mb(Math.max(0, ...d.runs.map((m) => m.maxRssKb).filter(Number.isFinite))),
				failedRuns > 0 ? `${failedRuns} run(s) failed` : noise(wall, d.runs),
			];
		});
		parts.push(table(['decoder (stdout to /dev/null)', 'wall s', 'min–max', 'packets/s', 'CPU s', 'peak RSS MB', 'noise'], rows));
		for (const s of c.skipped) parts.push(`Skipped: ${s}.`);
		const statuses = c.he6Statuses === null ? '' : ` (he6 exchanges by status: ${Object.entries(c.he6Statuses).map(([k, v]) => `${k} ${int(v)}`).join(', ') || 'none'})`;
		parts.push(`Exchanges: he6-dns answered ${c.he6Answered === null ? '—' : int(c.he6Answered)}, tshark responses matched to a query (\`-Y dns.response_to\`) ${c.tsharkMatched === null ? '—' : int(c.tsharkMatched)}${statuses}.`);
		const he6 = walls.get('he6');
		const tcpdump = walls.get('tcpdump');
		const speedup = (tcpdump?.median ?? NaN) / (he6?.median ?? NaN);
		parts.push(table(['ratio', 'value'], [['tcpdump -nn -r wall / he6-dns capture wall (speed-up)', ratio(speedup)], ['tshark fields wall / he6-dns capture wall', ratio((walls.get('tshark')?.median ?? NaN) / (he6?.median ?? NaN))]]));
		floors.push({what: 'capture decode with pairing vs `tcpdump -nn -r` (speed-up)', measured: ratio(speedup), required: '≥ 1.50×', outcome: judge(c.he6Answered === null ? null : Number.isFinite(speedup) ? speedup >= 1.5 : false)});
		floors.push({
			what: 'capture: he6 answered exchanges = tshark matched responses',
			measured: `${c.he6Answered === null ? '—' : int(c.he6Answered)} vs ${c.tsharkMatched === null ? '—' : int(c.tsharkMatched)}`,
			required: 'equal',
			outcome: judge(c.he6Answered === null || c.tsharkMatched === null ? null : c.he6Answered === c.tsharkMatched),
		});
	}

	// Start-up
	if (r.startup !== null) {
		const s = r.startup;
		parts.push(`### Start-up — one lookup of h000001.bench.test against the local Unbound (${s.tool})`);
		const wall = (key: string): number => s.rows.find((x) => x.key === key)?.wall?.median ?? NaN;
		parts.push(table(['command', 'wall ms', 'min–max', 'runs', '÷ node -e 0', '÷ dig +short'], s.rows.map((x) => [x.label, dec((x.wall?.median ?? NaN) * 1000), range(x.wall, (n) => dec(n * 1000)), String(x.runs), ratio((x.wall?.median ?? NaN) / wall('node')), ratio((x.wall?.median ?? NaN) / wall('dig'))])));
		// Per round: the rows' medians in the same round (seconds apart); the floor judges the ratio of the medians, as above.
		const perRound = (num: string, den: string): string => {
			const a = s.rows.find((x) => x.key === num)?.rounds ?? [];
			const b = s.rows.find((x) => x.key === den)?.rounds ?? [];
			return pairedRatios(a.flatMap((x, i) => {
				const y = b[i];
				return y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y > 0 ? [x / y] : [];
			}));
		};
		const startRatio = (what: string, num: string, den: string): string[] => [what, ratio(wall(num) / wall(den)), perRound(num, den)];
		parts.push(
			table(
				['ratio', 'of the medians', 'per round: median (rounds in order)'],
				[startRatio('he6-dns --plain / node -e 0', 'plain', 'node'), startRatio('he6-dns --json / node -e 0', 'json', 'node'), startRatio('he6-dns --plain / dig +short', 'plain', 'dig')],
			),
		);
		const plainVsNode = wall('plain') / wall('node');
		floors.push({what: 'plain-mode single lookup wall vs `node -e 0`', measured: `${ratio(plainVsNode)} (vs dig: ${ratio(wall('plain') / wall('dig'))})`, required: '≤ 1.50×', outcome: judge(Number.isFinite(plainVsNode) ? plainVsNode <= 1.5 : false)});
	}
	if (r.million !== null) {
		const m = r.million.measured;
		parts.push(`1M-line batch (the zone's names cycled; default concurrency; records to /dev/null): peak RSS **${mb(m.maxRssKb)} MB**, ${dec(m.wallS)} s, exit ${m.exitCode}.`);
		floors.push({what: '1M-name batch peak RSS', measured: `${mb(m.maxRssKb)} MB${m.exitCode === 0 ? '' : ` (exit ${m.exitCode})`}`, required: '< 150 MB', outcome: judge(m.exitCode === 0 && m.maxRssKb / 1024 < 150)});
	} else {
		floors.push({what: '1M-name batch peak RSS', measured: 'not measured (BENCH_QUICK; BENCH_1M=1 adds it)', required: '< 150 MB', outcome: 'n/a'});
	}

	// Pacing
	if (r.pacing !== null) {
		const p = r.pacing;
		parts.push(`### Pacing — \`batch --qps 1000\`, ${int(p.names)} names, queries recorded with tcpdump on lo`);
		parts.push(
			table(
				['queries captured', 'over s', 'busiest whole second (AWS recipe)', 'busiest sliding 1 s window', 'wall s', 'kernel drops (tcpdump)', 'correctness gate'],
				[[int(p.busiest.packets), dec(p.busiest.spanS), int(p.busiest.perSecond), int(p.busiest.sliding), dec(p.measured.wallS), int(p.droppedByKernel), p.gate.pass ? 'ok' : `FAILED: ${p.gate.detail}`]],
			),
		);
		floors.push({what: 'pacing: queries in any one second with --qps 1000', measured: `${int(p.busiest.perSecond)} (sliding window ${int(p.busiest.sliding)})`, required: '≤ 1000', outcome: judge(p.gate.pass && p.busiest.perSecond <= 1000 && p.busiest.packets > 0)});
	}

	parts.push('### Floors (issue 6)');
	parts.push(table(['floor', 'measured', 'required', 'result'], floors.map((f) => [f.what, f.measured, f.required, f.outcome === 'PASS' ? 'PASS' : f.outcome === 'FAIL' ? '**FAIL**' : 'n/a'])));
	if (r.errors.length > 0) parts.push(`### Sections that failed\n${r.errors.map((e) => `- ${e}`).join('\n')}`);
	return {text: parts.join('\n\n'), floors};
}

export function resultsMarkdown(r: Results, body: string): string {
	const m = r.machine;
	const commands = [...r.commands.entries()].map(([label, command]) => `# ${label}\n${command}`).join('\n');
	return [
		'# he6-dns benchmark results',
		'',
		`Written by \`npm run bench\` (bench/run.ts) on ${m.date}; refresh it with every change that moves a figure.${r.quick ? ' This is a BENCH_QUICK smoke run.' : ''}`,
		'Method: performance.md §3–§4 (Knot + Unbound on loopback, pinned; every client pinned to the other core; wait-for-quiet before each timed run; medians with min–max).',
		'Differences under about 15% are noise on a shared 2-vCPU VM (performance.md §3.5).',
		'',
		body,
		'',
		'### Machine',
		'',
		table(
			['', ''],
			[
				['nproc', String(m.nproc)],
				['CPU', m.cpu],
				['memory', m.memory],
				['kernel', m.kernel],
				['node', m.node],
				['net.core.rmem_max', m.rmemMax],
				['placement', m.placement],
				['commit', m.commit],
				['date', m.date],
				['total bench time', `${Math.round(r.totalS)} s`],
			],
		),
		'',
		`Tools: ${m.tools.join('; ')}.`,
		'',
		...(r.notes.length > 0 ? ['### Notes', '', ...r.notes.map((n) => `- ${n}`), ''] : []),
		'### Commands',
		'',
		'`$W` is the scratch directory, `$PORT` Unbound\'s port. Each timed command ran as `taskset -c CPU /usr/bin/time -f "%U %S %M" …` after the wait-for-quiet guard; drops are the `drops` column of /proc/net/udp{,6} for the run\'s own sockets (client and servers, sampled every 200 ms), next to the machine-wide UdpRcvbufErrors delta of /proc/net/snmp{,6}.',
		'',
		'```sh',
		commands,
		'```',
		'',
	].join('\n');
}
