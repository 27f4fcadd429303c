// The default packet rate: none, except for the AWS VPC resolver, which drops everything over 1024 pps.
import {readFileSync} from 'node:fs';
import ipaddr from 'ipaddr.js';
import type {Endpoint} from '../transport/endpoint.js';
import {formatEndpoint} from '../transport/endpoint.js';

/** Below AWS's 1024 packets/s per network interface, with room for the bucket's 2% and other traffic. */
export const awsDefaultQps = 900;

/** The link-local addresses of the Route 53 VPC resolver (Nitro instances), IPv4 and IPv6. */
const awsResolvers = ['169.254.169.253', 'fd00:ec2::253'];

export interface Politeness {
	/** Packets per second, or null for no cap. */
	readonly qps: number | null;
	/** Why the cap is what it is, for stderr and the view; null when the user set it or there is none. */
	readonly note: string | null;
}

/** True on an EC2 instance: the DMI vendor strings say Amazon EC2 (Nitro) or the Xen UUID starts with ec2. */
export function onEc2(read: (path: string) => string | null = readOrNull): boolean {
	const vendor = read('/sys/devices/virtual/dmi/id/sys_vendor') ?? read('/sys/devices/virtual/dmi/id/board_vendor') ?? '';
	if (/amazon ec2/i.test(vendor)) return true;
	return /^ec2/i.test(read('/sys/hypervisor/uuid') ?? '');
}

/**
 * Whether `server` is the Amazon-provided DNS server: one of its link-local addresses, or — on EC2
 * only — a private IPv4 address that is the VPC's base + 2. The VPC's CIDR is not known without the
 * metadata service, so "base + 2" is read as "…2 in a /28-aligned block" (the smallest VPC is a /28).
 */
export function isAwsResolver(server: Endpoint, ec2: () => boolean): boolean {
	if (!ipaddr.isValid(server.address)) return false;
	const ip = ipaddr.process(server.address);
	if (awsResolvers.some((a) => ipaddr.parse(a).toString() === ip.toString())) return true;
	if (ip.kind() !== 'ipv4' || ip.range() !== 'private') return false;
	const last = (ip as ipaddr.IPv4).octets[3] ?? 0;
	return (last & 0x0f) === 2 && ec2();
}

/** `--qps` as given, or the default for these servers. `0` means no cap. */
export function choosePoliteness(flag: number | undefined, servers: readonly Endpoint[], ec2: () => boolean = onEc2): Politeness {
	if (flag !== undefined) return {qps: flag === 0 ? null : flag, note: null};
	const aws = servers.find((server) => isAwsResolver(server, ec2));
	if (aws === undefined) return {qps: null, note: null};
	return {
		qps: awsDefaultQps,
		note: `--qps ${awsDefaultQps}: ${formatEndpoint(aws)} is the AWS VPC resolver, which silently drops every packet over 1024/s per network interface (retries included); --qps N changes it, --qps 0 removes it`,
	};
}

function readOrNull(path: string): string | null {
	try {
		return readFileSync(path, 'utf8').trim();
	} catch {
		return null;
	}
}
