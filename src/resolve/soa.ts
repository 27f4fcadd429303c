// The SOA of a negative answer (RFC 2308 §3), read from an authority section; shared by lookup and capture.
import type {WireRecord} from '../wire/codec.js';
import type {SoaRecord} from './types.js';

/** The first SOA of the authority section (RFC 2308 §3: negative answers carry the zone's SOA). */
export function findSoa(authorities: readonly WireRecord[]): SoaRecord | null {
	for (const rr of authorities) {
		if (rr.type !== 'SOA') continue;
		const data = (typeof rr.data === 'object' && rr.data !== null ? rr.data : {}) as Partial<Omit<SoaRecord, 'name' | 'ttl'>>;
		return {
			name: rr.name,
			ttl: rr.ttl,
			mname: data.mname ?? '.',
			rname: data.rname ?? '.',
			serial: data.serial ?? 0,
			refresh: data.refresh ?? 0,
			retry: data.retry ?? 0,
			expire: data.expire ?? 0,
			minimum: data.minimum ?? 0,
		};
	}
	return null;
}
