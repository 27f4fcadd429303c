// What each input line is: a comment, a blank, a Tranco header, or a name (with its rank) to check.
import type {InputLine} from './line-reader.js';

/** Longest line kept; longer lines are INVALID records. Far above 253 + a rank, far below harm. */
export const maxLineBytes = 4096;
/** How much of an overlong line a record shows (its `line` number says where the rest is). */
const shownOfOverlong = 64;

export type ListItem =
	| {readonly kind: 'skip'; readonly why: 'comment' | 'blank' | 'header'}
	| {
			readonly kind: 'name';
			readonly line: number;
			/** The name as the line gives it (the domain column of `rank,domain`). */
			readonly input: string;
			readonly rank: number | null;
			/** Why the line cannot be a name before it is even parsed as one, or null. */
			readonly invalid: string | null;
	  };

export type ListFormat = 'names' | 'tranco';

const tranco = /^(\d{1,15})\s*,\s*"?([^,"]*)"?\s*(?:,.*)?$/;
const trancoHeader = /^"?rank"?\s*,\s*"?(domain|name|host)"?\s*$/i;
const looksTranco = /^\d+\s*,/;

/**
 * Classifies lines one by one. The format is decided by the first line that is not a comment or
 * blank: `rank,domain` (Tranco, Umbrella, Majestic exports) or one name per line. After that the
 * format holds for the whole list, so a stray `1,foo` in a name list is an invalid name, not a rank.
 */
export class ListClassifier {
	#format: ListFormat | null = null;

	get format(): ListFormat | null {
		return this.#format;
	}

	classify(line: InputLine): ListItem {
		if (line.overlong) {
			const shown = `${line.text.slice(0, shownOfOverlong)}…`;
			return {kind: 'name', line: line.number, input: shown, rank: null, invalid: `line of ${line.bytes} bytes is longer than ${maxLineBytes}`};
		}
		let text = line.number === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
		if (text === '') return {kind: 'skip', why: 'blank'};
		// The trims and the comment rule below change only a line with a space, a tab or `#`: most lines
		// have none, and the two regexes were a visible part of a batch's per-line work.
		if (!plainLine(text)) {
			// Only spaces and tabs are trimmed: any other control byte makes the name invalid, visibly.
			text = text.replace(/^[ \t]+|[ \t]+$/g, '');
			if (text === '') return {kind: 'skip', why: 'blank'};
			if (text.startsWith('#')) return {kind: 'skip', why: 'comment'};
			// A name has no space, so whitespace then `#` starts a trailing comment.
			text = text.replace(/[ \t]+#.*$/, '');
		}
		if (this.#format === null) {
			if (trancoHeader.test(text)) {
				this.#format = 'tranco';
				return {kind: 'skip', why: 'header'};
			}
			this.#format = looksTranco.test(text) ? 'tranco' : 'names';
		}
		if (this.#format === 'names') return {kind: 'name', line: line.number, input: text, rank: null, invalid: null};
		const match = tranco.exec(text);
		if (match === null) return {kind: 'name', line: line.number, input: text, rank: null, invalid: 'expected rank,domain (the list is in Tranco CSV form)'};
		return {kind: 'name', line: line.number, input: match[2] ?? '', rank: Number(match[1]), invalid: null};
	}
}

/** Whether `text` has no space, tab or `#`: then trimming and the comment rule leave it as it is. */
function plainLine(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x20 || c === 0x09 || c === 0x23) return false;
	}
	return true;
}
