// A DeadlineQueue whose cancelled deadlines let go of their callbacks at once, not when they expire.
import {DeadlineQueue, type Deadline} from '../transport/deadlines.js';

/**
 * Decision: DeadlineQueue keeps a cancelled entry in its heap until the entry's time comes, callback
 * and all — and a query's callback holds its whole context (question, encoder, channel, host). At
 * batch rates that is rate × timeout contexts (30,000 at 6,000 queries/s and 5 s) promoted to the old
 * generation only to die there: measured on 100k names, peak RSS 495 MB with the plain queue, 177 MB
 * this way, and 20% less CPU. Here the heap only holds a small trampoline whose target is dropped on
 * cancel. (The same one line belongs in DeadlineQueue.cancel itself; until then batch uses this.)
 */
export class LeanDeadlineQueue extends DeadlineQueue {
	override schedule(ms: number, fire: () => void): Deadline {
		let target: (() => void) | null = fire;
		const inner = super.schedule(ms, () => target?.());
		return {
			cancel: () => {
				target = null;
				inner.cancel();
			},
		};
	}
}
