// The batch loop: reads lines as they come, keeps at most `concurrency` names in flight, emits a record each.
import type {HostChecker} from '../core/host-check.js';
import type {HostResult} from '../core/host-result.js';
import {checkName, type NameCheck} from '../resolve/names.js';
import {InFlightLimit} from './in-flight-limit.js';
import {ListClassifier, type ListItem} from './input.js';
import type {InputLine} from './line-reader.js';
import {digest, inShard, nameKey, seededDigest, type Digest, type Shard} from './name-key.js';
import {pack, pending, unpack} from './outcome-code.js';
import {duplicateRecord, fullRecord, invalidResult, type BatchRecord, type LinePlace} from './record.js';
import type {ResumedLines} from './resume.js';
import {SeenTable} from './seen-table.js';
import type {BatchTally, RecordKind} from './tally.js';
import {monotonicMs} from '../transport/clock.js';

/**
 * What the engine needs of a checker: check(), and optionally the same with callbacks (the lean lane
 * has it), which the engine then uses: no promise per name.
 */
export interface BatchChecker extends Pick<HostChecker, 'check'> {
	/** check() as callbacks: exactly one of `done` and `fail` is called, once (possibly before this returns). */
	checkWith?(input: string, index: number, checked: NameCheck, done: (result: HostResult) => void, fail: (error: unknown) => void): void;
}

export interface BatchEngineOptions {
	/** The list, a chunk's lines at a time (line-reader.ts readLineBatches). */
	readonly lines: AsyncIterable<readonly InputLine[]>;
	readonly checker: BatchChecker;
	/** Names (and duplicates waiting for them) in flight at once, at most (see InFlightLimit). */
	readonly concurrency: number;
	/** The first try's timeout: what a reply may wait, unread, is a quarter of it. */
	readonly timeoutMs: number;
	/** Whether the search list applies (then `a.b` and `a.b.` are different questions). */
	readonly search: boolean;
	readonly shard: Shard | null;
	/** Lines the output already holds (--resume), or null. */
	readonly resumed: ResumedLines | null;
	readonly tally: BatchTally;
	/** Called once per record, as it is finished. */
	readonly emit: (record: BatchRecord) => void;
	/** Aborted: take no new line; names in flight still finish. */
	readonly stop: AbortSignal;
	/**
	 * The output's backlog (RecordWriter.backlog): while it gives a promise, no new name starts; names in
	 * flight finish, and taking resumes when it settles. Absent: never wait.
	 */
	readonly backlog?: () => Promise<void> | null;
}

/** What progress views read; all counts, no results. */
export interface BatchProgress {
	readonly linesRead: number;
	readonly bytesRead: number;
	readonly inFlight: number;
	/** The in-flight cap right now (below --concurrency while this process is the bottleneck). */
	readonly limit: number;
}

/** A name line that needs a slot: its check, or a duplicate waiting for its first line's check. */
type Task =
	| {readonly kind: 'check'; readonly place: LinePlace; readonly key: Digest; readonly checked: NameCheck & {ok: true}}
	| {readonly kind: 'duplicate'; readonly place: LinePlace; readonly key: Digest; readonly checked: NameCheck & {ok: true}; readonly first: number};

/**
 * Decision: a state machine driven by callbacks, not an async loop. `#pump` takes lines while there
 * is a free slot, from a chunk of lines read ahead; a check's completion frees its slot and pumps
 * again; a line that needs a slot while none is free waits as the one parked task. The async loop
 * made about a dozen promises per name (the line, the stop race, the slot, the check, its
 * bookkeeping), as much work as judging the name.
 */
export class BatchEngine {
	readonly #o: BatchEngineOptions;
	readonly #classifier = new ListClassifier();
	readonly #seen = new SeenTable(4096);
	/** Duplicates (holding slots) waiting for an original in flight, by the original's line. */
	readonly #waiting = new Map<number, Task[]>();
	readonly #limit: InFlightLimit;
	/** SHA-1 when a shard is taken (its split is SHA-1's), else a cheaper digest for the duplicate table. */
	readonly #digest: (key: string) => Digest;
	#lines: AsyncIterator<readonly InputLine[]> | null = null;
	#chunk: readonly InputLine[] = [];
	#at = 0;
	#reading = false;
	#ended = false;
	#parked: Task | null = null;
	#pumping = false;
	/** Waiting for the output's backlog to clear (EngineOptions.backlog). */
	#held = false;
	#busy = 0;
	#failure: {error: unknown} | null = null;
	#finish: (() => void) | null = null;
	#linesRead = 0;
	#bytesRead = 0;

	constructor(options: BatchEngineOptions) {
		this.#o = options;
		this.#limit = new InFlightLimit(options.concurrency, options.timeoutMs);
		this.#digest = options.shard === null ? seededDigest((Math.random() * 0x100000000) >>> 0) : digest;
	}

	progress(): BatchProgress {
		return {linesRead: this.#linesRead, bytesRead: this.#bytesRead, inFlight: this.#busy, limit: this.#limit.value};
	}

	/** Reads the list to its end (or to `stop`), then waits for everything in flight. Rejects on a bug. */
	run(): Promise<void> {
		const stop = this.#o.stop;
		this.#lines = this.#o.lines[Symbol.asyncIterator]();
		return new Promise<void>((resolve, reject) => {
			const onAbort = (): void => this.#pump();
			stop.addEventListener('abort', onAbort, {once: true});
			const ticker = setInterval(() => {
				this.#limit.update(monotonicMs());
				this.#pump();
			}, 250);
			ticker.unref();
			this.#finish = () => {
				this.#finish = null;
				clearInterval(ticker);
				stop.removeEventListener('abort', onAbort);
				this.#closeLines();
				if (this.#failure !== null) reject(this.#failure.error);
				else resolve();
			};
			this.#pump();
		});
	}

	/** Takes lines while there is room, reads ahead when the chunk is used up, and ends the run when all is done. */
	#pump(): void {
		// A completion inside the loop (never expected, but harmless) is seen by the loop's own checks.
		if (this.#pumping || this.#finish === null) return;
		this.#pumping = true;
		try {
			while (!this.#o.stop.aborted && this.#failure === null) {
				if (this.#held || this.#heldByOutput()) break;
				if (this.#parked !== null) {
					if (this.#busy >= this.#limit.value) break;
					const task = this.#parked;
					this.#parked = null;
					this.#launch(task);
					continue;
				}
				if (this.#at >= this.#chunk.length) {
					if (!this.#ended) this.#read();
					break;
				}
				const line = this.#chunk[this.#at++] as InputLine;
				this.#linesRead = line.number;
				this.#bytesRead = line.offset;
				this.#take(this.#classifier.classify(line));
			}
		} catch (error) {
			// emit (the writer) or the classifier threw: a bug or a broken output; the run ends (resumable).
			this.#failure ??= {error};
		} finally {
			this.#pumping = false;
		}
		const taking = !this.#o.stop.aborted && this.#failure === null;
		if (!taking) {
			// Stopped: a parked line is not started (the stop takes no new name).
			this.#parked = null;
			this.#closeLines();
		}
		const drained = !taking || (this.#ended && this.#at >= this.#chunk.length && this.#parked === null);
		if (drained && this.#busy === 0) this.#finish?.();
	}

	/** True, and taking resumes by itself later, when the output is behind (EngineOptions.backlog). */
	#heldByOutput(): boolean {
		const wait = this.#o.backlog?.() ?? null;
		if (wait === null) return false;
		this.#held = true;
		void wait.then(() => {
			this.#held = false;
			this.#pump();
		});
		return true;
	}

	/** Reads the next chunk of lines; a read error ends the run at once, as a bug does. */
	#read(): void {
		if (this.#reading || this.#lines === null) return;
		this.#reading = true;
		this.#lines.next().then(
			(next) => {
				this.#reading = false;
				if (next.done === true) this.#ended = true;
				else {
					this.#chunk = next.value;
					this.#at = 0;
				}
				this.#pump();
			},
			(error: unknown) => {
				this.#reading = false;
				this.#ended = true;
				this.#failure ??= {error};
				// Not waiting for the names in flight: their records may never come if the input is gone for good.
				this.#finish?.();
			},
		);
	}

	#closeLines(): void {
		const lines = this.#lines;
		this.#lines = null;
		this.#ended = true;
		// Not awaited: a read of an idle stdin may never return, and the run must still end.
		void lines?.return?.(undefined).catch(() => undefined);
	}

	#take(item: ListItem): void {
		const tally = this.#o.tally;
		if (item.kind === 'skip') {
			tally.skipped[item.why]++;
			return;
		}
		const place: LinePlace = {line: item.line, input: item.input, rank: item.rank};
		const checked = item.invalid === null ? checkName(item.input) : null;
		const key = this.#digest(checked?.ok === true ? nameKey(checked.ascii, checked.absolute, this.#o.search) : item.input);
		if (this.#o.shard !== null && !inShard(key, this.#o.shard)) {
			tally.skipped.otherShard++;
			return;
		}
		const resumed = this.#o.resumed?.get(item.line);
		if (resumed !== undefined) {
			// Done in an earlier run: its first occurrence still answers for later duplicates.
			if (checked?.ok === true && !resumed.duplicate && this.#seen.find(key) < 0) this.#seen.insert(key, item.line, resumed.code);
			return;
		}
		if (checked === null || !checked.ok) {
			const detail = item.invalid ?? (checked?.ok === false ? checked.detail : 'invalid');
			this.#record(fullRecord(place, invalidResult(item.input, detail, item.line - 1)), 'invalid');
			return;
		}
		const slot = this.#seen.find(key);
		if (slot >= 0) {
			const first = this.#seen.line(slot);
			const brief = unpack(this.#seen.code(slot));
			if (brief !== null) {
				this.#record(duplicateRecord(place, checked.ascii, checked.unicode, brief, first), 'duplicate');
				return;
			}
			// The first is still in flight: wait for it, holding a slot so waiting duplicates are bounded too.
			this.#enter({kind: 'duplicate', place, key, checked, first});
			return;
		}
		this.#seen.insert(key, item.line, pending);
		this.#enter({kind: 'check', place, key, checked});
	}

	/** Starts `task` in a free slot, or parks it until one frees (the pump then takes no further line). */
	#enter(task: Task): void {
		if (this.#busy >= this.#limit.value) this.#parked = task;
		else this.#launch(task);
	}

	#launch(task: Task): void {
		this.#busy++;
		if (task.kind === 'duplicate') {
			const done = unpack(this.#seen.code(this.#seen.find(task.key)));
			if (done === null) {
				const list = this.#waiting.get(task.first);
				if (list === undefined) this.#waiting.set(task.first, [task]);
				else list.push(task);
				return;
			}
			// The first finished while this one waited for a slot.
			this.#settleDuplicate(task);
			this.#free();
			return;
		}
		const {place, checked} = task;
		const checker = this.#o.checker;
		const done = (result: HostResult): void => this.#checked(task, result);
		const fail = (error: unknown): void => this.#failed(task, error);
		try {
			if (checker.checkWith !== undefined) checker.checkWith(place.input, place.line - 1, checked, done, fail);
			else checker.check(place.input, place.line - 1, undefined, checked).then(done, fail);
		} catch (error) {
			fail(error);
		}
	}

	/** A check's result: its record, then its waiting duplicates' records (so a pointer never precedes its target). */
	#checked(task: Task, result: HostResult): void {
		try {
			this.#limit.completed(fastestRtt(result));
			const record = fullRecord(task.place, result);
			this.#seen.setCode(task.key, pack(record.brief));
			this.#record(record, 'checked');
			this.#releaseWaiting(task.place.line, true);
		} catch (error) {
			// A check never fails for DNS trouble: a throw here is a bug (or a broken output) and ends the run (resumable).
			this.#failure ??= {error};
			this.#releaseWaiting(task.place.line, false);
		}
		this.#free();
	}

	#failed(task: Task, error: unknown): void {
		this.#failure ??= {error};
		this.#releaseWaiting(task.place.line, false);
		this.#free();
	}

	/** Frees the slots of the duplicates waiting for `line`, with their records when its check succeeded. */
	#releaseWaiting(line: number, write: boolean): void {
		const waiting = this.#waiting.get(line);
		if (waiting === undefined) return;
		this.#waiting.delete(line);
		for (const task of waiting) {
			try {
				if (write) this.#settleDuplicate(task);
			} catch (error) {
				this.#failure ??= {error};
			}
			this.#busy--;
		}
	}

	#settleDuplicate(task: Task): void {
		if (task.kind !== 'duplicate') return;
		const done = unpack(this.#seen.code(this.#seen.find(task.key)));
		if (done !== null) this.#record(duplicateRecord(task.place, task.checked.ascii, task.checked.unicode, done, task.first), 'duplicate');
	}

	#record(record: BatchRecord, kind: RecordKind): void {
		this.#o.tally.add(record.brief, kind, record.queries);
		this.#o.emit(record);
	}

	#free(): void {
		this.#busy--;
		this.#pump();
	}
}

/** The shorter RTT of a result's two families, or null when neither had a reply. */
function fastestRtt(result: HostResult): number | null {
	const a = result.a.rttMs;
	const aaaa = result.aaaa.rttMs;
	if (a === null) return aaaa;
	return aaaa === null || a < aaaa ? a : aaaa;
}
