// /proc/net/if_inet6 parsing: the kernel's IPv6 addresses with prefix length, scope and flags.
import ipaddr from 'ipaddr.js';

/** One line of /proc/net/if_inet6 (net/ipv6/addrconf.c if6_seq_show). */
export interface Inet6Address {
	/** RFC 5952 text. */
	readonly address: string;
	readonly ifindex: number;
	readonly prefixLen: number;
	readonly flags: number;
	readonly interface: string;
	/** IFA_F_DEPRECATED or IFA_F_OPTIMISTIC: glibc's check_pf.c treats both as deprecated for Rule 3. */
	readonly deprecated: boolean;
	/** IFA_F_HOMEADDRESS (Mobile IPv6), for Rule 4. */
	readonly home: boolean;
}

/** linux/if_addr.h */
const IFA_F_OPTIMISTIC = 0x04;
const IFA_F_HOMEADDRESS = 0x10;
const IFA_F_DEPRECATED = 0x20;

/** Parses the file's text; malformed lines are skipped. */
export function parseIfInet6(text: string): Inet6Address[] {
	const out: Inet6Address[] = [];
	for (const line of text.split('\n')) {
		const fields = line.trim().split(/\s+/);
		if (fields.length < 6) continue;
		const [hex = '', ifindex = '', prefix = '', , flagsHex = '', name = ''] = fields;
		if (!/^[0-9a-f]{32}$/i.test(hex)) continue;
		const groups = hex.match(/.{4}/g) ?? [];
		const flags = parseInt(flagsHex, 16);
		out.push({
			address: ipaddr.parse(groups.join(':')).toString(),
			ifindex: parseInt(ifindex, 16),
			prefixLen: parseInt(prefix, 16),
			flags,
			interface: name,
			deprecated: (flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC)) !== 0,
			home: (flags & IFA_F_HOMEADDRESS) !== 0,
		});
	}
	return out;
}
