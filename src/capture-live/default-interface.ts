// The interface that carries the default route, from /proc/net/route and /proc/net/ipv6_route (pure parsers + one reader).
import {readFileSync} from 'node:fs';

export interface DefaultRoute {
	readonly iface: string;
	readonly metric: number;
	readonly family: 4 | 6;
}

/** rtnetlink route flags as the proc files print them (include/uapi/linux/route.h). */
const rtfUp = 0x0001;
const rtfReject = 0x0200;

/**
 * IPv4 default routes: `Iface Destination Gateway Flags RefCnt Use Metric Mask …`, hex destination
 * and mask 00000000, flags hex, metric decimal. Routes that are down or `unreachable` are skipped.
 */
export function parseRoute(text: string): DefaultRoute[] {
	const out: DefaultRoute[] = [];
	for (const line of text.split('\n').slice(1)) {
		const f = line.trim().split(/\s+/);
		if (f.length < 8) continue;
		const [iface, destination, , flags, , , metric, mask] = f;
		if (iface === undefined || destination !== '00000000' || mask !== '00000000') continue;
		const bits = parseInt(flags ?? '0', 16);
		if ((bits & rtfUp) === 0 || (bits & rtfReject) !== 0) continue;
		out.push({iface, metric: Number(metric ?? 0), family: 4});
	}
	return out;
}

/**
 * IPv6 default routes: `dest plen src splen nexthop metric refcnt use flags iface`, all hex. The
 * kernel's own `unreachable ::/0` on lo (RTF_REJECT, metric ffffffff) is not a default route.
 */
export function parseIpv6Route(text: string): DefaultRoute[] {
	const out: DefaultRoute[] = [];
	for (const line of text.split('\n')) {
		const f = line.trim().split(/\s+/);
		if (f.length < 10) continue;
		const [destination, plen, , , , metric, , , flags, iface] = f;
		if (iface === undefined || !/^0{32}$/.test(destination ?? '') || plen !== '00') continue;
		const bits = parseInt(flags ?? '0', 16);
		if ((bits & rtfUp) === 0 || (bits & rtfReject) !== 0) continue;
		out.push({iface, metric: parseInt(metric ?? '0', 16), family: 6});
	}
	return out;
}

/** The IPv4 default route with the lowest metric, else the IPv6 one (a v6-only host); null without either. */
export function pickDefault(v4: readonly DefaultRoute[], v6: readonly DefaultRoute[]): DefaultRoute | null {
	const best = (routes: readonly DefaultRoute[]): DefaultRoute | null =>
		routes.reduce<DefaultRoute | null>((a, r) => (a === null || r.metric < a.metric ? r : a), null);
	return best(v4) ?? best(v6);
}

const readOr = (path: string): string => {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
};

/** The default-route interface of this host (the network namespace the process is in), or null. */
export function defaultInterface(procRoot = '/proc'): DefaultRoute | null {
	return pickDefault(parseRoute(readOr(`${procRoot}/net/route`)), parseIpv6Route(readOr(`${procRoot}/net/ipv6_route`)));
}
