// Interface link types (/sys/class/net/IF/type, ARPHRD_* from linux/if_arp.h): native or tunnel.

/** ARPHRD values that mean encapsulation (RFC 6724 Rule 7 "prefer native transport"). */
const tunnelTypes: ReadonlyMap<number, string> = new Map([
	[768, 'ipip'], // ARPHRD_TUNNEL
	[769, 'ip6tnl'], // ARPHRD_TUNNEL6
	[776, 'sit'], // ARPHRD_SIT (6in4, the seed's Hurricane Electric tunnel)
	[778, 'gre'], // ARPHRD_IPGRE
	[823, 'ip6gre'], // ARPHRD_IP6GRE
	[65534, 'none'], // ARPHRD_NONE: tun, WireGuard, other L3 tunnels
]);

const nativeTypes: ReadonlyMap<number, string> = new Map([
	[1, 'ether'],
	[772, 'loopback'],
	[32, 'infiniband'],
	[512, 'ppp'],
]);

export interface LinkType {
	readonly type: number;
	readonly name: string;
	/** False for encapsulating interfaces. glibc's check_native.c counts only TUNNEL, TUNNEL6 and SIT. */
	readonly native: boolean;
}

export function classifyLinkType(type: number): LinkType {
	const tunnel = tunnelTypes.get(type);
	if (tunnel !== undefined) return {type, name: tunnel, native: false};
	return {type, name: nativeTypes.get(type) ?? `arphrd-${type}`, native: true};
}
