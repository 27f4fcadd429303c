// The JS half of the native lane's name judge (native/lane-judge.c): the address partition, Source(D), region facts and A/AAAA decisions.
//
// Decision (issue 6): the C judge writes the lines of the names whose shape it knows, and asks here for
// all that depends on the host, the stack and gai.conf, so no rule of RFC 6724 or of the verdict's
// address classes is restated in C:
// - the partition: every prefix the stack's attributes (select/stacks.ts attributePrefixes), the
//   address classes (core/address-class.ts) and the NAT64 prefixes read; an address inside the same set
//   of them as another has the same facts, so one address (the first seen) speaks for its region;
// - Source(D): the provider's own answers at once (the kernel's route lookups, a what-if map), a batch
//   of destinations a call; one not known at once leaves its name to JS, which awaits it;
// - the order of an A and an AAAA: selectFromSources on the first pair of each (region, Source(D)) class
//   pair. It reads the two addresses only through their attributes and sources (Rule 9 compares
//   prefixes within a family only, except musl, which has no partition).
import {addressClassPrefixes, isUniqueLocal, unusableReason} from '../core/address-class.js';
import {selectFromSources, sourcesNow, type SelectionSettings} from '../core/selection.js';
import {synthesizedBy, type Nat64Prefix} from '../resolve/dns64.js';
import {parseIp} from '../select/policy.js';
import {describeRule} from '../select/rfc6724.js';
import {probedSourceText} from '../host/source-probe.js';
import {attributePrefixes, type MappedPrefix} from '../select/stacks.js';
import type {RuleId, SourceInfo} from '../select/types.js';

/** What native/lane-judge-napi.c exports. */
export interface JudgeAddon {
	laneJudgeSetup(lane: unknown, prefixes: Uint8Array, rules: readonly string[]): void;
	laneJudge(lane: unknown, start: number, count: number, outputLimit: number, calls: JudgeCalls): number;
	laneJudgeForeign(lane: unknown, start: number, count: number, calls: JudgeCalls): number;
}

/** The calls the C judge makes (native/lane.h lane_judge_calls). */
interface JudgeCalls {
	sources(texts: string): [Int32Array, (number | string | null)[]];
	region(address: string, family: number): number;
	decide(a: string, aSource: number, aaaa: string, aaaaSource: number): number;
	/** With the kernel's provider: the id of a source address the addon's probe gave (C probes, as nowMany does). */
	kernelSource?(family: number, bytes: Uint8Array): [number, string, string | null];
}

/** native/lane.h's SOURCE_*, REGION_* and DECIDE_* values. */
const sourceUnknown = -2;
const sourceNone = -1;
const regionForeign = 2;
const regionUla = 4;
const decideAaaaFirst = 1;

/** The judge a final judgement uses (Inventory.judgeAll, through NameStore.native). */
export interface NativeJudge {
	/** Judges names from `start` (at most `count`) in C, their lines handed to the output; 0 when the first is JS's. */
	judge(start: number, count: number): number;
	/** How many names from `start` (which is JS's) JS judges, one after the other, at most `count`. */
	foreign(start: number, count: number): number;
	/** Names judged in C so far. */
	readonly judged: number;
}

export interface NativeJudgeContext {
	readonly selection: SelectionSettings | null;
	readonly nat64: readonly Nat64Prefix[];
	readonly noAaaa: boolean;
}

/**
 * The partition's prefixes for `context` as laneJudgeSetup takes them (17 bytes each), or null when the
 * C judge does not apply: no selection (its verdicts read no source), `options no-aaaa`, musl.
 */
export function judgePrefixes(context: NativeJudgeContext): Uint8Array | null {
	const settings = context.selection;
	if (settings === null || context.noAaaa) return null;
	const attributes = attributePrefixes(settings.stack, settings.gaiConf);
	if (attributes === null) return null;
	const all: MappedPrefix[] = [{bytes: new Array<number>(16).fill(0), bits: 0}, ...attributes];
	for (const [prefix, bits] of addressClassPrefixes) all.push({bytes: parseIp(prefix).mapped, bits});
	for (const p of context.nat64) all.push({bytes: parseIp(p.prefix).mapped, bits: p.length});
	const seen = new Set<string>();
	const out: number[] = [];
	for (const p of all) {
		// Bits past the length cleared, so that equal prefixes are listed once.
		const bytes = p.bytes.map((b, i) => (i * 8 >= p.bits ? 0 : i * 8 + 8 <= p.bits ? b : b & ((0xff << (8 - (p.bits - i * 8))) & 0xff)));
		const key = `${bytes.join('.')}/${p.bits}`;
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(...bytes, p.bits);
	}
	return Uint8Array.from(out);
}

/** Sets the lane's judge up for `context`; null when it does not apply (judgePrefixes) or the provider has no answer at once. */
export function nativeJudge(addon: JudgeAddon, lane: unknown, context: NativeJudgeContext, onOutput: () => void, outputLimit: number): NativeJudge | null {
	const settings = context.selection;
	const prefixes = judgePrefixes(context);
	if (settings === null || prefixes === null) return null;
	const {nowMany, known} = settings.sources;
	if (nowMany === undefined && known === undefined) return null;
	const rules = [''];
	for (let rule = 1; rule <= 10; rule++) rules.push(` (${describeRule(rule as RuleId)})`);
	addon.laneJudgeSetup(lane, prefixes, rules);
	const infos: SourceInfo[] = [];
	const ids = new Map<SourceInfo, number>();
	/** The id of a source, and whether it is new. */
	const idOf = (info: SourceInfo): [number, boolean] => {
		const id = ids.get(info);
		if (id !== undefined) return [id, false];
		infos.push(info);
		ids.set(info, infos.length - 1);
		return [infos.length - 1, true];
	};
	const nat64 = context.nat64;
	const calls: JudgeCalls = {
		sources(texts) {
			const list = texts.split('\0');
			list.pop();
			// nativeJudge is made only where one of them answers at once.
			const answers = sourcesNow(settings.sources, list) as (SourceInfo | null | undefined)[];
			const out = new Int32Array(list.length);
			const news: (number | string | null)[] = [];
			for (let i = 0; i < list.length; i++) {
				const info = answers[i];
				if (info === undefined) out[i] = sourceUnknown;
				else if (info === null) out[i] = sourceNone;
				else {
					const [id, fresh] = idOf(info);
					if (fresh) news.push(id, info.address, info.interface);
					out[i] = id;
				}
			}
			return [out, news];
		},
		region(address, family) {
			if (family !== 6) return 0;
			const foreign = unusableReason(address) !== null || synthesizedBy(address, nat64) !== null;
			return (foreign ? regionForeign : 0) | (isUniqueLocal(address) ? regionUla : 0);
		},
		decide(a, aSource, aaaa, aaaaSource) {
			const sources = new Map<string, SourceInfo | null>([
				[a, infos[aSource] ?? null],
				[aaaa, infos[aaaaSource] ?? null],
			]);
			const selection = selectFromSources([a, aaaa], sources, nat64, settings);
			return (selection.chosen === aaaa ? decideAaaaFirst : 0) | ((selection.rule ?? 0) << 1);
		},
	};
	const fromProbe = settings.sources.fromProbe;
	// The kernel's provider: C asks the addon's probe itself (no text a destination), as nowMany would.
	if (fromProbe !== undefined && nowMany !== undefined) {
		calls.kernelSource = (family, bytes) => {
			const info = fromProbe(probedSourceText(family === 4 ? 4 : 6, bytes));
			return [idOf(info)[0], info.address, info.interface];
		};
	}
	let judged = 0;
	return {
		judge(start, count) {
			const n = addon.laneJudge(lane, start, count, outputLimit, calls);
			judged += n;
			onOutput();
			return n;
		},
		foreign: (start, count) => addon.laneJudgeForeign(lane, start, count, calls),
		get judged() {
			return judged;
		},
	};
}
