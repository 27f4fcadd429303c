// Anchor, not a competitor: the least a Node client on node:dgram (one datagram per system call) must spend — pre-built queries and next to no work per reply.
// Shows how far the event loop and the kernel's loopback path alone let a Node client go on this machine,
// so he6-dns's figure can be read against it (every name costs at least this much CPU in Node).
// Pre-built queries (A and AAAA per name, RD, no EDNS), 4 connected sockets with 4 MiB receive buffers,
// C names in flight, ids 1..65535 in one table; per reply only the id, RCODE and the answer types are read.
// A try left unanswered for 2 s is sent again, 3 tries in all (performance.md's client settings).
// Usage: node bench/node-dgram.mjs NAMES_FILE HOST:PORT CONCURRENCY   → prints {"names","a","aaaa","nodata","errors"}
import dgram from 'node:dgram';
import {readFileSync} from 'node:fs';

const [file, server, concurrencyText] = process.argv.slice(2);
if (file === undefined || server === undefined) {
	process.stderr.write('usage: node bench/node-dgram.mjs NAMES_FILE HOST:PORT CONCURRENCY\n');
	process.exit(1);
}
const concurrency = Number(concurrencyText ?? 500);
const [host, portText] = server.split(':');
const names = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');

/** RFC 1035 §4.1: header, QNAME as labels, QTYPE, QCLASS IN; id filled in at send time. */
function query(name, type) {
	const labels = name.split('.');
	const out = Buffer.alloc(12 + labels.reduce((n, l) => n + l.length + 1, 0) + 1 + 4);
	out.writeUInt16BE(0x0100, 2);
	out.writeUInt16BE(1, 4);
	let at = 12;
	for (const label of labels) {
		out[at++] = label.length;
		at += out.write(label, at, 'latin1');
	}
	out[at++] = 0;
	out.writeUInt16BE(type, at);
	out.writeUInt16BE(1, at + 2);
	return out;
}
const queries = names.map((name) => [query(name, 1), query(name, 28)]);

/** Skips a possibly compressed name; returns the offset after it. */
function skipName(m, at) {
	while (at < m.length) {
		const len = m[at];
		if (len === 0) return at + 1;
		if (len >= 0xc0) return at + 2;
		at += len + 1;
	}
	return m.length;
}
/** Whether the answer section holds a record of `type`. */
function answers(m, type) {
	let at = skipName(m, 12) + 4;
	for (let i = m.readUInt16BE(6); i > 0 && at + 10 <= m.length; i--) {
		at = skipName(m, at);
		if (m.readUInt16BE(at) === type) return true;
		at += 10 + m.readUInt16BE(at + 8);
	}
	return false;
}

const counts = {names: 0, a: 0, aaaa: 0, nodata: 0, errors: 0};
// Per id: the name's index × 2 + family (0 A, 1 AAAA), the tries made and when the last left; -1 free.
const slot = new Int32Array(65536).fill(-1);
const tries = new Uint8Array(65536);
const sentAt = new Float64Array(65536);
const left = new Uint8Array(names.length);
const free = [];
for (let id = 65535; id >= 1; id--) free.push(id);
const sockets = [];
let next = 0;
let inFlight = 0;

function send(id) {
	const q = queries[slot[id] >> 1][slot[id] & 1];
	q.writeUInt16BE(id, 0);
	tries[id]++;
	sentAt[id] = performance.now();
	sockets[id & 3].send(q);
}

function settle(id, ok, kind) {
	const index = slot[id] >> 1;
	slot[id] = -1;
	free.push(id);
	if (kind !== null) counts[kind]++;
	if (!ok) counts.errors++;
	if (--left[index] === 0) {
		counts.names++;
		inFlight--;
	}
}

function pump() {
	while (inFlight < concurrency && next < names.length) {
		const index = next++;
		inFlight++;
		left[index] = 2;
		for (const family of [0, 1]) {
			const id = free.pop();
			slot[id] = index * 2 + family;
			tries[id] = 0;
			send(id);
		}
	}
	if (counts.names === names.length) {
		clearInterval(sweeper);
		for (const socket of sockets) socket.close();
		process.stdout.write(`${JSON.stringify(counts)}\n`);
	}
}

function onMessage(m) {
	if (m.length < 12) return;
	const id = m.readUInt16BE(0);
	if (slot[id] === -1) return;
	const aaaa = (slot[id] & 1) === 1;
	const rcode = m[3] & 0x0f;
	if (rcode !== 0) settle(id, false, null);
	else if (answers(m, aaaa ? 28 : 1)) settle(id, true, aaaa ? 'aaaa' : 'a');
	else settle(id, aaaa, aaaa ? 'nodata' : null);
	pump();
}

const sweeper = setInterval(() => {
	const now = performance.now();
	for (let id = 1; id < 65536; id++) {
		if (slot[id] === -1 || now - sentAt[id] < 2000) continue;
		if (tries[id] < 3) send(id);
		else settle(id, false, null);
	}
	pump();
}, 250);

let ready = 0;
for (let i = 0; i < 4; i++) {
	const socket = dgram.createSocket({type: 'udp4', recvBufferSize: 4 * 1024 * 1024});
	socket.on('message', onMessage);
	socket.connect(Number(portText), host, () => {
		if (++ready === 4) pump();
	});
	sockets.push(socket);
}
