// `--qps`: a token bucket over packets, awaited before each one (retries and TCP included), one timer.
//
// Decision: the bucket holds at most 2% of a second's tokens (at least 1) and refills at the rate less
// that burst and 1% more, so any one-second window sees at most `rate` packets (burst + refill) even
// when the event loop sends a few milliseconds after the grant (a GC pause, a busy tick: up to ~10 ms
// at any rate, which a capture on the wire sees as bunching): --qps is a cap at the wire, not an
// average; the cost is a sustained rate 3% under it. (With a burst of 1 the spacing alone keeps the
// cap.) A late timer loses tokens rather than bursting them, so a busy loop can only slow the run.
// Measured at the wire (bench/pacing.ts, --qps 1000, tcpdump on lo): the busiest whole second
// 971–991, the busiest sliding one-second window 994–1,001 — the one packet over came in a run where
// the VM stalled: a send more than ~10 ms after its grant is beyond this margin.
import {monotonicMs} from '../transport/clock.js';

export type Pace = () => Promise<void>;

const ready: Promise<void> = Promise.resolve();

export interface TokenBucket {
	readonly pace: Pace;
	/** Packets granted so far. */
	readonly granted: () => number;
}

export function tokenBucket(rate: number, now: () => number = monotonicMs): TokenBucket {
	if (!(rate > 0)) throw new Error(`token bucket rate must be positive, not ${rate}`);
	const capacity = Math.max(1, Math.floor(rate * 0.02));
	const fill = capacity > 1 ? rate - capacity - Math.ceil(rate * 0.01) : rate;
	let tokens = capacity;
	let last = now();
	let granted = 0;
	// A FIFO of waiters with a moving head; compacted when half of it is spent.
	let waiters: (() => void)[] = [];
	let head = 0;
	let timer: NodeJS.Timeout | null = null;

	const refill = (): void => {
		const t = now();
		tokens = Math.min(capacity, tokens + ((t - last) * fill) / 1000);
		last = t;
	};
	const schedule = (): void => {
		if (timer !== null) return;
		const waitMs = Math.max(1, ((1 - tokens) * 1000) / fill);
		timer = setTimeout(release, waitMs);
	};
	const release = (): void => {
		timer = null;
		refill();
		while (head < waiters.length && tokens >= 1) {
			tokens -= 1;
			granted++;
			const wake = waiters[head];
			waiters[head++] = noop;
			wake?.();
		}
		if (head === waiters.length) {
			waiters = [];
			head = 0;
		} else if (head > 1024 && head * 2 > waiters.length) {
			waiters = waiters.slice(head);
			head = 0;
		}
		if (head < waiters.length) schedule();
	};
	const pace: Pace = () => {
		refill();
		if (head === waiters.length && tokens >= 1) {
			tokens -= 1;
			granted++;
			return ready;
		}
		return new Promise<void>((resolve) => {
			waiters.push(resolve);
			schedule();
		});
	};
	return {pace, granted: () => granted};
}

function noop(): void {}
