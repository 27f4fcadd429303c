// Colours of the lookup view, and the switch that turns them all off for NO_COLOR.
//
// Decision: the chalk inside ink 6.8.0 (chalk 5.6.2, vendored supports-color) reads FORCE_COLOR and
// --no-color but not NO_COLOR, so the view cannot rely on it. Every colour goes through this palette,
// which returns `undefined` (Ink's "no colour") when colour is off; the Spinner's theme is overridden
// the same way. dimColor and bold are styles, not colours, but they are dropped too: NO_COLOR users
// usually want plain text.
import {createContext, useContext, type ReactNode} from 'react';
import {ThemeProvider, defaultTheme, extendTheme} from '@inkjs/ui';
import type {Status, Verdict} from '../../resolve/types.js';

/** no-color.org: NO_COLOR set to a non-empty value disables colour. */
export function colorWanted(env: NodeJS.ProcessEnv): boolean {
	const noColor = env['NO_COLOR'];
	return noColor === undefined || noColor === '';
}

export type Hue = 'green' | 'yellow' | 'red' | 'blue' | 'cyan';

export function statusHue(status: Status): Hue {
	switch (status) {
		case 'NOERROR':
			return 'green';
		case 'NODATA':
		case 'NXDOMAIN':
			return 'yellow';
		default:
			return 'red';
	}
}

/** The brief's rule: green for migrated, yellow for not-migrated, red for error and unresolved. */
export function verdictHue(verdict: Verdict | string): Hue {
	if (verdict === 'migrated') return 'green';
	if (verdict === 'not-migrated' || verdict === 'v6-not-preferred' || verdict === 'synthetic') return 'yellow';
	return 'red';
}

export interface Palette {
	readonly enabled: boolean;
	/** A colour for Ink's `color` prop, or undefined when colour is off. */
	readonly hue: (hue: Hue) => Hue | undefined;
	/** Ink's `dimColor`, off with colour. */
	readonly dim: boolean;
	readonly bold: boolean;
}

export function makePalette(enabled: boolean): Palette {
	return {enabled, hue: (hue) => (enabled ? hue : undefined), dim: enabled, bold: enabled};
}

const PaletteContext = createContext<Palette>(makePalette(true));

export function usePalette(): Palette {
	return useContext(PaletteContext);
}

const plainSpinner = extendTheme(defaultTheme, {
	components: {Spinner: {styles: {frame: () => ({})}}},
});

type ProviderProps = {
	readonly color: boolean;
	readonly children: ReactNode;
};

/** Provides the palette and, without colour, a Spinner theme whose frame has no colour. */
export function PaletteProvider({color, children}: ProviderProps) {
	const palette = makePalette(color);
	const inner = <PaletteContext.Provider value={palette}>{children}</PaletteContext.Provider>;
	return color ? inner : <ThemeProvider theme={plainSpinner}>{inner}</ThemeProvider>;
}
