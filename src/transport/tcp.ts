// One query over TCP (RFC 1035 §4.2.2, RFC 7766): 2-byte length framing, reply matched like UDP.
import net from 'node:net';
import {decodeMessage, peekId} from '../wire/codec.js';
import type {DeadlineQueue} from './deadlines.js';
import {socketAddress, type Endpoint} from './endpoint.js';
import {answersQuestion, type AskedQuestion, type TryOutcome} from './reply.js';
import {monotonicMs} from './clock.js';

/** Sends `query` (with id `id`) to `server` over a fresh TCP connection and reads one matching reply. */
export function tcpExchange(
	server: Endpoint,
	question: AskedQuestion,
	id: number,
	query: Buffer,
	timeoutMs: number,
	deadlines: DeadlineQueue,
): Promise<TryOutcome> {
	return new Promise((resolve) => {
		const sentAt = monotonicMs();
		let mismatched = 0;
		let buffered: Buffer = Buffer.alloc(0);
		let settled = false;
		const socket = net.connect({host: socketAddress(server), port: server.port});
		const finish = (outcome: TryOutcome): void => {
			if (settled) return;
			settled = true;
			deadline.cancel();
			socket.destroy();
			resolve(outcome);
		};
		const deadline = deadlines.schedule(timeoutMs, () => finish({kind: 'timeout', server, transport: 'tcp', mismatched}));
		socket.setNoDelay(true);
		socket.on('connect', () => {
			const framed = Buffer.allocUnsafe(query.length + 2);
			framed.writeUInt16BE(query.length, 0);
			query.copy(framed, 2);
			socket.write(framed);
		});
		socket.on('data', (chunk: Buffer) => {
			buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
			// Several messages may share a segment and one may span several: take whole frames only.
			while (buffered.length >= 2) {
				const length = buffered.readUInt16BE(0);
				if (buffered.length < length + 2) return;
				const frame = buffered.subarray(2, length + 2);
				buffered = buffered.subarray(length + 2);
				if (peekId(frame) !== id) {
					mismatched++;
					continue;
				}
				const decoded = decodeMessage(frame);
				if (!decoded.ok) return finish({kind: 'malformed', error: decoded.error, server, transport: 'tcp', mismatched});
				if (!answersQuestion(decoded.value, question)) {
					mismatched++;
					continue;
				}
				return finish({kind: 'reply', message: decoded.value, server, transport: 'tcp', rttMs: monotonicMs() - sentAt, mismatched});
			}
		});
		socket.on('error', (error) => finish({kind: 'network', detail: `TCP: ${error.message}`, server, transport: 'tcp', mismatched}));
		socket.on('close', () => {
			const detail =
				buffered.length > 0
					? `TCP connection closed mid-message (${Math.max(0, buffered.length - 2)} of ${buffered.length >= 2 ? buffered.readUInt16BE(0) : "?"} bytes)`
					: 'TCP connection closed before a reply';
			finish({kind: 'network', detail, server, transport: 'tcp', mismatched});
		});
	});
}
