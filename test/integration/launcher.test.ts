// The built command (dist/cli.js): the bundle runs with the code cache the build recorded, and the same without it.
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';

describe('dist/cli.js', () => {
	it('compiles the bundle from the code cache that npm run build recorded', async () => {
		const result = await runCli(['--version'], {env: {HE6_DNS_CODE_CACHE: 'report'}});
		expect(result.stderr).toBe('he6-dns: code cache used\n');
		expect(result.code).toBe(0);
	});

	it('answers the same with the cache turned off (a demo lookup, plain and JSON)', async () => {
		for (const format of ['--plain', '--json']) {
			const cached = await runCli(['demo', '--this-host', format]);
			const uncached = await runCli(['demo', '--this-host', format], {env: {HE6_DNS_CODE_CACHE: 'off'}});
			expect(cached.code).toBe(0);
			expect(uncached.code).toBe(0);
			// RTTs and the demo server's port differ from run to run; everything else is the same text.
			const steady = (text: string): string => text.replace(/"?rttMs"?[:=]\s*[\d.]+|\d+(\.\d+)? ?ms\b|127\.0\.0\.1[:#]\d+/g, '');
			expect(steady(cached.stdout)).toBe(steady(uncached.stdout));
			expect(cached.stdout.length).toBeGreaterThan(100);
		}
	});
});
