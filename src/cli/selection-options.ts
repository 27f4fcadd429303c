// Builds the address-selection settings from flags: stack, gai.conf, and kernel or what-if sources.
import {readFileSync} from 'node:fs';
import {detectLibc} from '../host/libc.js';
import {kernelSources, whatIfSources} from '../host/sources.js';
import {parseWhatIf, WhatIfError, type WhatIf} from '../host/what-if.js';
import type {SelectionSettings} from '../core/selection.js';
import {parseGaiConf} from '../select/gai-conf.js';
import type {GaiConf, Stack} from '../select/types.js';
import {UsageError} from './errors.js';

export interface SelectionFlags {
	readonly stack?: string;
	readonly gaiConf?: string;
	readonly sources?: string;
}

const stacks: readonly Stack[] = ['glibc', 'musl', 'go', 'rfc6724'];
export const systemGaiConf = '/etc/gai.conf';

export function parseStack(text: string | undefined): Stack {
	if (text === undefined) return detectLibc();
	if ((stacks as readonly string[]).includes(text)) return text as Stack;
	throw new UsageError(`--stack takes one of ${stacks.join(', ')}, not '${text}'`);
}

/** glibc reads /etc/gai.conf (absent: built-in tables); other stacks have no such file. */
export function loadGaiConf(stack: Stack, path: string | undefined): GaiConf | undefined {
	if (path === undefined && stack !== 'glibc') return undefined;
	const file = path ?? systemGaiConf;
	try {
		return parseGaiConf(readFileSync(file, 'utf8'));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (path === undefined && code === 'ENOENT') return undefined;
		throw new UsageError(`cannot read ${file}: ${code ?? String(error)}`);
	}
}

export function loadWhatIf(path: string): WhatIf {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read --sources ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
	try {
		return parseWhatIf(text);
	} catch (error) {
		if (error instanceof WhatIfError) throw new UsageError(`--sources ${path}: ${error.message}`);
		throw error;
	}
}

export function selectionSettings(flags: SelectionFlags, fallbackWhatIf?: {whatIf: WhatIf; label: string}): SelectionSettings {
	const stack = parseStack(flags.stack);
	const gaiConf = loadGaiConf(stack, flags.gaiConf);
	if (flags.sources !== undefined) return {stack, gaiConf, sources: whatIfSources(loadWhatIf(flags.sources)), label: `what-if ${flags.sources}`};
	if (fallbackWhatIf !== undefined) return {stack, gaiConf, sources: whatIfSources(fallbackWhatIf.whatIf), label: fallbackWhatIf.label};
	return {stack, gaiConf, sources: kernelSources(), label: 'this host (kernel)'};
}
