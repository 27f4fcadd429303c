// How many names may be in flight right now: --concurrency, unless this process cannot keep up with it.
import {performance, type EventLoopUtilization} from 'node:perf_hooks';
import {monotonicMs} from '../transport/clock.js';

/**
 * Decision: against a nearby resolver the client, not the server, is the bottleneck (one event loop
 * decoding every reply). Extra names in flight then only wait as unread replies in the socket
 * buffers; once that wait nears the timeout, queries time out with their answers already here,
 * retries add load, late replies pile up, and the run collapses into drops (what Node's own resolver
 * does at C=500). So while the event loop is saturated, in flight is capped by Little's law at
 * `completions/s × timeout/4`: a reply then waits a quarter of its timeout at most. While the loop
 * has idle time the cap doubles back toward --concurrency (slow start), since then the wait is the
 * server's, and more in flight is more throughput.
 */
export class InFlightLimit {
	readonly #ceiling: number;
	readonly #floor: number;
	readonly #budgetMs: number;
	#limit: number;
	#completions = 0;
	#last: {t: number; completions: number; elu: EventLoopUtilization};

	constructor(ceiling: number, timeoutMs: number, now: () => number = monotonicMs) {
		this.#ceiling = ceiling;
		this.#floor = Math.min(ceiling, 32);
		this.#budgetMs = timeoutMs / 4;
		this.#limit = Math.min(ceiling, 128);
		this.#last = {t: now(), completions: 0, elu: performance.eventLoopUtilization()};
	}

	get value(): number {
		return this.#limit;
	}

	completed(): void {
		this.#completions++;
	}

	/** Re-decides the limit from what happened since the last call (the engine calls it every 250 ms). */
	update(now: number, elu: EventLoopUtilization = performance.eventLoopUtilization(this.#last.elu)): void {
		const elapsedMs = now - this.#last.t;
		if (elapsedMs <= 0) return;
		const rate = ((this.#completions - this.#last.completions) * 1000) / elapsedMs;
		if (elu.utilization < 0.9) this.#limit = Math.min(this.#ceiling, this.#limit * 2);
		else this.#limit = Math.round(Math.min(this.#ceiling, Math.max(this.#floor, (rate * this.#budgetMs) / 1000)));
		this.#last = {t: now, completions: this.#completions, elu: performance.eventLoopUtilization()};
	}
}
