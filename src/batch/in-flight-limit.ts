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
 *
 * Decision (issue 6): while saturated, also no more than twice the resolver's bandwidth-delay product
 * (`completions/s × the fastest reply's RTT in the last period × 2`, as BBR caps a TCP flow): that many
 * keep the resolver busy, and every name beyond them only waits unread in a socket buffer, where its
 * objects are alive at young collections and promoted. On the bench's loopback resolver (fastest RTT
 * ~0.12 ms at ~45,000 names/s) the cap falls from 256 to the floor of 32: 100k names, 6 alternating
 * runs, 2,853 → 2,797 ms CPU, the same as --concurrency 32. A far resolver has a long fastest RTT, so
 * its cap stays where the timeout puts it.
 */
export class InFlightLimit {
	readonly #ceiling: number;
	readonly #floor: number;
	readonly #budgetMs: number;
	#limit: number;
	#completions = 0;
	/** The shortest RTT (ms) a completion reported since the last update; Infinity: none. */
	#fastestMs = Infinity;
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

	/** A name is done; `rttMs` is its fastest reply's RTT, null when it had none (a timeout, a duplicate). */
	completed(rttMs: number | null = null): void {
		this.#completions++;
		if (rttMs !== null && rttMs < this.#fastestMs) this.#fastestMs = rttMs;
	}

	/** Re-decides the limit from what happened since the last call (the engine calls it every 250 ms). */
	update(now: number, elu: EventLoopUtilization = performance.eventLoopUtilization(this.#last.elu)): void {
		const elapsedMs = now - this.#last.t;
		if (elapsedMs <= 0) return;
		const rate = ((this.#completions - this.#last.completions) * 1000) / elapsedMs;
		if (elu.utilization < 0.9) this.#limit = Math.min(this.#ceiling, this.#limit * 2);
		else {
			const needed = Number.isFinite(this.#fastestMs) ? (rate * this.#fastestMs * 2) / 1000 : Infinity;
			this.#limit = Math.round(Math.min(this.#ceiling, Math.max(this.#floor, Math.min(needed, (rate * this.#budgetMs) / 1000))));
		}
		this.#fastestMs = Infinity;
		this.#last = {t: now, completions: this.#completions, elu: performance.eventLoopUtilization()};
	}
}
