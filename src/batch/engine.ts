// The batch loop: reads lines as they come, keeps at most `concurrency` names in flight, emits a record each.
import type {HostChecker} from '../core/host-check.js';
import {checkName, type NameCheck} from '../resolve/names.js';
import {InFlightLimit} from './in-flight-limit.js';
import {ListClassifier, type ListItem} from './input.js';
import type {InputLine} from './line-reader.js';
import {digest, inShard, nameKey, type Digest, type Shard} from './name-key.js';
import {pack, pending, unpack} from './outcome-code.js';
import {duplicateRecord, fullRecord, invalidResult, type BatchRecord, type LinePlace} from './record.js';
import type {ResumedLines} from './resume.js';
import {SeenTable} from './seen-table.js';
import type {BatchTally, RecordKind} from './tally.js';
import {monotonicMs} from '../transport/clock.js';

export interface BatchEngineOptions {
	readonly lines: AsyncIterable<InputLine>;
	readonly checker: Pick<HostChecker, 'check'>;
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
}

/** What progress views read; all counts, no results. */
export interface BatchProgress {
	readonly linesRead: number;
	readonly bytesRead: number;
	readonly inFlight: number;
	/** The in-flight cap right now (below --concurrency while this process is the bottleneck). */
	readonly limit: number;
}

const stopped = Symbol('stopped');

export class BatchEngine {
	readonly #o: BatchEngineOptions;
	readonly #classifier = new ListClassifier();
	readonly #seen = new SeenTable(4096);
	/** Originals in flight, by line: what their duplicates wait for. */
	readonly #inFlight = new Map<number, Promise<void>>();
	#busy = 0;
	#wake: (() => void) | null = null;
	#interrupt: (() => void) | null = null;
	#failure: {error: unknown} | null = null;
	#linesRead = 0;
	#bytesRead = 0;

	readonly #limit: InFlightLimit;

	constructor(options: BatchEngineOptions) {
		this.#o = options;
		this.#limit = new InFlightLimit(options.concurrency, options.timeoutMs);
	}

	progress(): BatchProgress {
		return {linesRead: this.#linesRead, bytesRead: this.#bytesRead, inFlight: this.#busy, limit: this.#limit.value};
	}

	/** Reads the list to its end (or to `stop`), then waits for everything in flight. Rejects on a bug. */
	async run(): Promise<void> {
		const stop = this.#o.stop;
		const onAbort = (): void => this.#interrupt?.();
		stop.addEventListener('abort', onAbort, {once: true});
		const lines = this.#o.lines[Symbol.asyncIterator]();
		const ticker = setInterval(() => {
			this.#limit.update(monotonicMs());
			this.#wakeUp();
		}, 250);
		ticker.unref();
		try {
			try {
				while (!stop.aborted && this.#failure === null) {
					const next = await this.#unlessStopped(lines.next());
					if (next === stopped || next.done === true) break;
					this.#linesRead = next.value.number;
					this.#bytesRead = next.value.offset;
					await this.#take(this.#classifier.classify(next.value));
				}
			} finally {
				stop.removeEventListener('abort', onAbort);
				// Not awaited: a read of an idle stdin may never return, and the run must still end.
				void lines.return?.(undefined).catch(() => undefined);
			}
			while (this.#busy > 0) await new Promise<void>((resolve) => (this.#wake = resolve));
		} finally {
			clearInterval(ticker);
		}
		if (this.#failure !== null) throw this.#failure.error;
	}

	/**
	 * `work`, or `stopped` as soon as the stop comes. Decision: not Promise.race with one long-lived
	 * stop promise — every race adds a reaction to it that is never released, so memory would grow
	 * with every line read. One interrupt slot, replaced per wait, holds nothing after it.
	 */
	#unlessStopped<T>(work: Promise<T>): Promise<T | typeof stopped> {
		if (this.#o.stop.aborted) return Promise.resolve(stopped);
		return new Promise<T | typeof stopped>((resolve, reject) => {
			this.#interrupt = () => resolve(stopped);
			work.then(resolve, reject);
		}).finally(() => {
			this.#interrupt = null;
		});
	}

	async #take(item: ListItem): Promise<void> {
		const tally = this.#o.tally;
		if (item.kind === 'skip') {
			tally.skipped[item.why]++;
			return;
		}
		const place: LinePlace = {line: item.line, input: item.input, rank: item.rank};
		const checked = item.invalid === null ? checkName(item.input) : null;
		const key = digest(checked?.ok === true ? nameKey(checked.ascii, checked.absolute, this.#o.search) : item.input);
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
			if ((await this.#slot()) === stopped) return;
			const original = this.#inFlight.get(first) ?? Promise.resolve();
			this.#start(
				original.then(() => {
					const done = unpack(this.#seen.code(this.#seen.find(key)));
					if (done !== null) this.#record(duplicateRecord(place, checked.ascii, checked.unicode, done, first), 'duplicate');
				}),
			);
			return;
		}
		this.#seen.insert(key, item.line, pending);
		if ((await this.#slot()) === stopped) return;
		const work = this.#check(place, key, checked);
		this.#inFlight.set(item.line, work);
		this.#start(work.finally(() => this.#inFlight.delete(item.line)));
	}

	async #check(place: LinePlace, key: Digest, checked: NameCheck): Promise<void> {
		const result = await this.#o.checker.check(place.input, place.line - 1, undefined, checked);
		this.#limit.completed();
		const record = fullRecord(place, result);
		this.#seen.setCode(key, pack(record.brief));
		this.#record(record, 'checked');
	}

	#record(record: BatchRecord, kind: RecordKind): void {
		this.#o.tally.add(record.brief, kind, record.queries);
		this.#o.emit(record);
	}

	/** Waits for a free slot (or the stop), then takes it. */
	async #slot(): Promise<true | typeof stopped> {
		while (this.#busy >= this.#limit.value) {
			const freed = new Promise<true>((resolve) => (this.#wake = () => resolve(true)));
			if ((await this.#unlessStopped(freed)) === stopped) return stopped;
		}
		this.#busy++;
		return true;
	}

	#start(work: Promise<void>): void {
		work
			.catch((error: unknown) => {
				// A check never rejects for DNS trouble; a rejection is a bug and ends the run (resumable).
				this.#failure ??= {error};
			})
			.finally(() => {
				this.#busy--;
				this.#wakeUp();
			});
	}

	#wakeUp(): void {
		const wake = this.#wake;
		this.#wake = null;
		wake?.();
	}
}
