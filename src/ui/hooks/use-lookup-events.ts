// Feeds a LookupEvent stream into the view: `for await` over it, each event dispatched into useReducer.
import {useEffect, useReducer, useState} from 'react';
import type {LookupEvent} from '../../core/events.js';
import {initialState, reduce, type LookupViewState} from '../state.js';

/** How the stream itself stands, apart from what its events said. */
export type StreamStatus =
	| {readonly kind: 'open'}
	| {readonly kind: 'ended'}
	| {readonly kind: 'failed'; readonly error: unknown};

export interface LookupEvents {
	readonly state: LookupViewState;
	readonly stream: StreamStatus;
}

/**
 * Consumes `events` once. The effect depends on the iterable's identity: an EventQueue has a single
 * consumer, so the same stream must never be iterated twice (no StrictMode around this).
 */
export function useLookupEvents(events: AsyncIterable<LookupEvent>): LookupEvents {
	const [state, dispatch] = useReducer(reduce, initialState);
	const [stream, setStream] = useState<StreamStatus>({kind: 'open'});

	useEffect(() => {
		let mounted = true;
		const consume = async (): Promise<void> => {
			try {
				for await (const event of events) {
					// Unmounted early (Ctrl+C): leaving the loop calls the iterator's return(), if it has one.
					if (!mounted) return;
					dispatch(event);
				}
				if (mounted) setStream({kind: 'ended'});
			} catch (error: unknown) {
				if (mounted) setStream({kind: 'failed', error});
			}
		};
		void consume();
		return () => {
			mounted = false;
		};
	}, [events]);

	return {state, stream};
}
