// Test hosts in network namespaces (ip netns + veth): the kernel's source choice inside a host we shape.
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';

export interface TestHost {
	readonly name: string;
	/** Runs a command inside the host; returns exit code and output, never throws. */
	run(command: readonly string[]): {code: number | null; stdout: string; stderr: string};
	destroy(): void;
}

export interface HostShape {
	readonly ipv6?: {readonly address: string; readonly prefixLen: number; readonly defaultRoute: boolean};
	readonly ipv4?: {readonly address: string; readonly prefixLen: number; readonly gateway: string};
	/** Files `ip netns exec` bind-mounts over /etc inside the host (e.g. hosts, gai.conf). */
	readonly etc?: Readonly<Record<string, string>>;
}

/** True when this process may make namespaces (root with iproute2); tests say why they skip otherwise. */
export function canMakeNamespaces(): boolean {
	if (process.getuid?.() !== 0) return false;
	return spawnSync('ip', ['-V']).status === 0;
}

const ip = (...args: string[]): void => {
	execFileSync('ip', args, {stdio: ['ignore', 'ignore', 'pipe']});
};

/**
 * Makes a namespace with loopback up and one veth end shaped as asked; the root-side end gets no
 * address, so nothing outside the namespace is touched and no packet leaves it. Deleting the
 * namespace deletes the veth pair.
 */
export function makeHost(tag: string, shape: HostShape): TestHost {
	const name = `he6-${tag}-${process.pid}`;
	const outside = `h6${tag.slice(0, 4)}${process.pid % 10000}`;
	spawnSync('ip', ['netns', 'del', name]);
	const etcDir = `/etc/netns/${name}`;
	if (shape.etc !== undefined) {
		mkdirSync(etcDir, {recursive: true});
		for (const [file, text] of Object.entries(shape.etc)) writeFileSync(`${etcDir}/${file}`, text);
	}
	ip('netns', 'add', name);
	try {
		ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
		ip('link', 'set', outside, 'up');
		ip('-n', name, 'link', 'set', 'lo', 'up');
		ip('-n', name, 'link', 'set', 'eth0', 'up');
		if (shape.ipv6) {
			ip('-n', name, 'addr', 'add', `${shape.ipv6.address}/${shape.ipv6.prefixLen}`, 'dev', 'eth0', 'nodad');
			if (shape.ipv6.defaultRoute) ip('-n', name, '-6', 'route', 'add', 'default', 'dev', 'eth0');
		}
		if (shape.ipv4) {
			ip('-n', name, 'addr', 'add', `${shape.ipv4.address}/${shape.ipv4.prefixLen}`, 'dev', 'eth0');
			ip('-n', name, 'route', 'add', 'default', 'via', shape.ipv4.gateway, 'dev', 'eth0', 'onlink');
		}
	} catch (error) {
		spawnSync('ip', ['netns', 'del', name]);
		rmSync(etcDir, {recursive: true, force: true});
		throw error;
	}
	return {
		name,
		run(command) {
			const result = spawnSync('ip', ['netns', 'exec', name, ...command], {encoding: 'utf8', env: {...process.env, CI: '1', NO_COLOR: '1'}, timeout: 30_000});
			return {code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? ''};
		},
		destroy() {
			spawnSync('ip', ['netns', 'del', name]);
			rmSync(etcDir, {recursive: true, force: true});
		},
	};
}
