// Host facts from a fake /proc and /sys tree: prefix lengths, deprecated/home flags, tunnels (Rule 7).
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {findLocal, readHostFacts, readLinkTypes} from '../../src/host/host-facts.js';
import {parseIfInet6} from '../../src/host/if-inet6.js';
import {classifyLinkType} from '../../src/host/link-types.js';
import {kernelSources, whatIfSources} from '../../src/host/sources.js';
import {parseWhatIf, whatIfSource} from '../../src/host/what-if.js';

// The seed's box: sit1 with the tunnel address (flags 0x80 permanent) and a deprecated one (0x20).
const ifInet6 = [
	'200104701f1c06660000000000000002 05 40 00 80     sit1',
	'fe800000000000000000000000a52b404 05 40 20 80     sit1', // 33 hex digits: malformed, skipped
	'200104701f1c06660000000000000099 05 40 00 a0     sit1',
	'fd000000000000000000000000000002 02 40 00 90     eth0',
	'00000000000000000000000000000001 01 80 10 80       lo',
].join('\n');

function fakeTree(): {ifInet6: string; sysClassNet: string} {
	const root = mkdtempSync(join(tmpdir(), 'he6-facts-'));
	writeFileSync(join(root, 'if_inet6'), ifInet6);
	for (const [name, type] of [['sit1', 776], ['eth0', 1], ['lo', 772], ['wg0', 65534], ['gre1', 778]] as const) {
		mkdirSync(join(root, 'net', name), {recursive: true});
		writeFileSync(join(root, 'net', name, 'type'), `${type}\n`);
	}
	return {ifInet6: join(root, 'if_inet6'), sysClassNet: join(root, 'net')};
}

describe('parseIfInet6', () => {
	it('reads address, prefix, flags and interface; skips malformed lines', () => {
		const rows = parseIfInet6(ifInet6);
		expect(rows.map((r) => [r.address, r.prefixLen, r.interface, r.deprecated, r.home])).toEqual([
			['2001:470:1f1c:666::2', 64, 'sit1', false, false],
			['2001:470:1f1c:666::99', 64, 'sit1', true, false],
			['fd00::2', 64, 'eth0', false, true],
			['::1', 128, 'lo', false, false],
		]);
	});
});

describe('link types (tunnel devices cannot be made in this kernel: a fake /sys/class/net)', () => {
	it('sit, gre and ARPHRD_NONE (WireGuard, tun) are tunnels; Ethernet and loopback are native', () => {
		const links = readLinkTypes(fakeTree().sysClassNet);
		expect(Object.fromEntries([...links].map(([n, l]) => [n, [l.name, l.native]]))).toEqual({
			sit1: ['sit', false],
			eth0: ['ether', true],
			lo: ['loopback', true],
			wg0: ['none', false],
			gre1: ['gre', false],
		});
		expect(classifyLinkType(769)).toEqual({type: 769, name: 'ip6tnl', native: false});
	});
	it('findLocal matches a source in any textual form and carries the link', () => {
		const facts = readHostFacts(fakeTree());
		const local = findLocal(facts, '2001:0470:1f1c:0666:0:0:0:2');
		expect(local).toMatchObject({interface: 'sit1', prefixLen: 64, deprecated: false});
		expect(local?.link.native).toBe(false);
	});
	it('the kernel provider gives Source(D) for loopback and null for an unroutable link-local', async () => {
		const sources = await kernelSources()(['127.0.0.1', 'fe80::1']);
		expect(sources.get('127.0.0.1')).toMatchObject({address: '127.0.0.1', interface: 'lo', native: true});
		expect(sources.get('fe80::1')).toBeNull();
	});
});

describe('what-if sources', () => {
	const whatIf = parseWhatIf(
		JSON.stringify({
			sources: {'2a04:f540:1::b93f:930a': '2001:db8::5', '::/0': '2001:470:1f1c:666::2', '2a04::/16': null, '0.0.0.0/0': '10.0.0.5'},
			attrs: {'2001:470:1f1c:666::2': {native: false, prefixLen: 64, interface: 'sit1'}},
		}),
	);
	it('an exact address wins, then the longest prefix; null means unusable', () => {
		expect(whatIfSource(whatIf, '2a04:f540:1:0::b93f:930a')).toBe('2001:db8::5');
		expect(whatIfSource(whatIf, '2a04::1')).toBeNull();
		expect(whatIfSource(whatIf, '2600::1')).toBe('2001:470:1f1c:666::2');
		expect(whatIfSource(whatIf, '192.0.2.1')).toBe('10.0.0.5');
	});
	it('the provider attaches attrs, with defaults for sources without any', async () => {
		const sources = await whatIfSources(whatIf)(['2600::1', '192.0.2.1']);
		expect(sources.get('2600::1')).toEqual({address: '2001:470:1f1c:666::2', prefixLen: 64, deprecated: false, home: false, native: false, interface: 'sit1'});
		expect(sources.get('192.0.2.1')).toEqual({address: '10.0.0.5', prefixLen: 24, deprecated: false, home: false, native: true, interface: null});
	});
	it('refuses a malformed file with a reason', () => {
		expect(() => parseWhatIf('[')).toThrow(/not JSON/);
		expect(() => parseWhatIf('{"sources": {"x": "::1"}}')).toThrow(/not an IP address/);
		expect(() => parseWhatIf('{"sources": {}, "attrs": {"::1": {"prefixLen": 200}}}')).toThrow(/prefixLen/);
	});
});
