// Vitest globalSetup: needs the built CLI; starts Knot + Unbound once and provides their addresses to the tests.
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {TestProject} from 'vitest/node';
import {resolversInstalled, startResolvers, startUnbound} from './resolvers.js';

declare module 'vitest' {
	export interface ProvidedContext {
		unbound: {address: string; port: number} | null;
		knot: {address: string; port: number} | null;
		/** A second Unbound with `dns64 iterator` and 64:ff9b::/96 in front of the same Knot. */
		unbound64: {address: string; port: number} | null;
	}
}

export default async function setup({provide}: TestProject): Promise<() => Promise<void>> {
	if (!existsSync(fileURLToPath(new URL('../../dist/cli.js', import.meta.url)))) throw new Error('dist/cli.js is missing: run npm run build first');
	// The batch's UDP addon is optional for users (node:dgram otherwise) but not for CI: its tests must run.
	if (process.env.CI && !existsSync(fileURLToPath(new URL('../../dist/udp-batch.node', import.meta.url)))) throw new Error('dist/udp-batch.node is missing: npm run build could not compile native/udp-batch.c (see its warning)');
	if (!resolversInstalled()) {
		if (process.env.CI) throw new Error('knotd and unbound are required in CI (apt-get install knot unbound)');
		provide('unbound', null);
		provide('knot', null);
		provide('unbound64', null);
		return async () => {};
	}
	const pair = await startResolvers();
	provide('unbound', {address: pair.unbound.address, port: pair.unbound.port});
	provide('knot', {address: pair.knot.address, port: pair.knot.port});
	let dns64;
	try {
		dns64 = await startUnbound(pair.knot, {dns64: true});
	} catch (error) {
		await pair.stop();
		throw error;
	}
	provide('unbound64', {address: dns64.address, port: dns64.port});
	return async () => {
		await dns64.stop();
		await pair.stop();
	};
}
