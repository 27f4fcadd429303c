// The header printed once above the hosts: which resolver(s) the run asks, from where, and how.
import {Box, Text} from 'ink';
import type {ResolverConfig} from '../../resolve/resolv-conf.js';
import {formatEndpoint} from '../../transport/endpoint.js';
import {escapeText} from '../../wire/name.js';
import {usePalette} from './palette.js';

/** escapeText, but spaces stay spaces: a source like "embedded demo resolver" or a file line stays readable. */
function escapeWords(text: string): string {
	return text.split(' ').map(escapeText).join(' ');
}

/** The glibc options that change what goes on the wire, as resolv.conf spells them. */
function activeOptions(config: ResolverConfig): string[] {
	const flags: [boolean, string][] = [
		[config.rotate, 'rotate'],
		[config.singleRequest, 'single-request'],
		[config.singleRequestReopen, 'single-request-reopen'],
		[config.noAaaa, 'no-aaaa'],
		[config.edns0, 'edns0'],
		[config.trustAd, 'trust-ad'],
		[config.useVc, 'use-vc'],
	];
	return [`timeout:${config.timeout}`, `attempts:${config.attempts}`, `ndots:${config.ndots}`, ...flags.filter(([on]) => on).map(([, name]) => name)];
}

type HeaderProps = {
	readonly config: ResolverConfig;
	readonly total: number;
	readonly selection?: {readonly stack: string; readonly sources: string} | null;
};

/**
 * Source, search domains and ignored lines come from a file or the environment, not off the wire,
 * so they are escaped here; endpoints are IP literals parsed by us and safe as they are.
 */
export function Header({config, total, selection = null}: HeaderProps) {
	const palette = usePalette();
	const servers = config.nameservers.map(formatEndpoint).join(', ');
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Text>
				<Text bold={palette.bold}>{`resolver${config.nameservers.length === 1 ? '' : 's'} `}</Text>
				<Text color={palette.hue('cyan')}>{servers}</Text>
				<Text dimColor={palette.dim}>{` from ${escapeWords(config.source)} · ${total} host${total === 1 ? '' : 's'}`}</Text>
			</Text>
			<Text dimColor={palette.dim}>
				{config.search.length > 0 ? `search ${config.search.map(escapeText).join(' ')} · ` : ''}
				{`options ${activeOptions(config).join(' ')}`}
			</Text>
			{selection === null ? null : <Text dimColor={palette.dim}>{`selection ${selection.stack} · sources from ${escapeWords(selection.sources)}`}</Text>}
			{config.ignored.map(([line, text], i) => (
				<Text key={i} color={palette.hue('yellow')}>
					{`ignored ${line === 0 ? '' : `line ${line}: `}${escapeWords(text)}`}
				</Text>
			))}
		</Box>
	);
}
