// `he6-dns sort ADDRESS...`: RFC 6724 destination order with this host's (or what-if) sources.
import ipaddr from 'ipaddr.js';
import {describeRule, sortDestinations} from '../select/rfc6724.js';
import {UsageError} from './errors.js';
import {exitCode} from './exit-codes.js';
import {selectionSettings, type SelectionFlags} from './selection-options.js';

export interface SortFlags extends SelectionFlags {
	readonly json?: boolean;
}

/** Prints the order and, for each adjacent pair, the rule that decided. */
export async function sortCommand(addresses: readonly string[], flags: SortFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
	if (addresses.length === 0) throw new UsageError('no address to sort; try: he6-dns sort 2a04:f540:1::b93f:930a 185.63.147.10');
	const bad = addresses.find((a) => !ipaddr.isValid(a.split('%')[0] ?? a));
	if (bad !== undefined) throw new UsageError(`'${bad.replace(/[^\x21-\x7e]/g, '?')}' is not an IP address`);
	const settings = selectionSettings(flags);
	const sources = await settings.sources(addresses);
	const options = settings.gaiConf === undefined ? {} : {gaiConf: settings.gaiConf};
	const {order, decisions} = sortDestinations(addresses, sources, settings.stack, options);
	if (flags.json) {
		out.write(JSON.stringify({order, decisions, stack: settings.stack, sources: Object.fromEntries(order.map((a) => [a, sources.get(a) ?? null]))}) + '\n');
		return exitCode.ok;
	}
	out.write(`${settings.stack} order, sources from ${settings.label}:\n`);
	const width = Math.max(...order.map((a) => a.length));
	order.forEach((address, i) => {
		const source = sources.get(address) ?? null;
		const from = source === null ? 'unusable: no source address' : `from ${source.address}${source.interface === null ? '' : ` (${source.interface})`}`;
		out.write(`  ${String(i + 1).padStart(2)}  ${address.padEnd(width)}  ${from}\n`);
		const decision = decisions[i];
		if (decision !== undefined) out.write(`        ↳ before the next by ${describeRule(decision.rule)}\n`);
	});
	return exitCode.ok;
}
