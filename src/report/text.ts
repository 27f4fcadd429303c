// Plain text: one stable block per host, dig-like record lines, fit for diff (no timings).
import {escapeText} from '../wire/name.js';
import type {RunSummary} from '../core/events.js';
import type {FamilyOutcome, OtherRecord} from '../resolve/types.js';
import type {HostResult} from '../core/host-result.js';
import {formatServer} from './format.js';
import {describeProblem} from './problems.js';

const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

/** Zone-file style rows, columns aligned within the block: `owner  ttl  IN  TYPE  data`. */
function recordRows(outcome: FamilyOutcome): string[][] {
	const rows: string[][] = outcome.chain.map((link) => [fqdn(link.name), String(link.ttl), 'IN', 'CNAME', fqdn(link.target)]);
	const owner = outcome.chain.length > 0 ? (outcome.chain[outcome.chain.length - 1]?.target ?? outcome.qname) : outcome.qname;
	for (const record of outcome.addresses) rows.push([fqdn(owner), String(record.ttl), 'IN', outcome.family, record.address]);
	const other = (section: OtherRecord['section']): string[][] =>
		outcome.otherRecords.filter((r) => r.section === section).map((r) => [fqdn(r.name), String(r.ttl), r.class, r.type, r.data]);
	// dig's order: the answer section, then the authority section (the SOA first).
	rows.push(...other('answer'));
	if (outcome.soa !== null) {
		const soa = outcome.soa;
		rows.push([fqdn(soa.name), String(soa.ttl), 'IN', 'SOA', `${fqdn(soa.mname)} ${fqdn(soa.rname)} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`]);
	}
	rows.push(...other('authority'));
	return rows;
}

function align(rows: readonly string[][], indent: string, rightAligned = 1): string[] {
	const widths: number[] = [];
	for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
	return rows.map((row) =>
		(indent + row.map((cell, i) => (i === row.length - 1 ? cell : i === rightAligned ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')).trimEnd(),
	);
}

function familyLines(outcome: FamilyOutcome): string[] {
	const head = `  ${outcome.family.padEnd(4)}  ${outcome.status.padEnd(8)}  ${formatServer(outcome.server, outcome.transport)}`;
	const lines = [head.trimEnd()];
	lines.push(...align(recordRows(outcome), '        '));
	if (outcome.problem !== null && outcome.status !== 'INVALID') lines.push(`        ! ${describeProblem(outcome.problem)}`);
	return lines;
}

/** The block for one host, ending with a blank line. */
export function hostBlock(result: HostResult): string {
	const title = result.name === result.input || result.a.status === 'INVALID' ? escapeText(result.input) : `${result.name} (${escapeText(result.input)})`;
	const lines = [result.unicode === null ? title : `${title} [${result.unicode}]`];
	if (result.a.status !== 'INVALID') lines.push(...familyLines(result.a), ...familyLines(result.aaaa));
	if (result.selection !== null && result.selection.order.length > 0) {
		lines.push(`  order   ${result.selection.stack}`);
		const rows = result.selection.order.map((r, i) => [
			`${i + 1}`,
			r.address,
			r.source === null ? 'unusable: no source address' : `from ${r.source}${r.interface === null ? '' : ` (${r.interface})`}`,
			r.synthesized === null ? '' : `DNS64 ${r.synthesized}`,
		]);
		lines.push(...align(rows, '        ', 0));
	}
	lines.push(`  verdict  ${result.verdict}: ${result.reason}`);
	return lines.join('\n') + '\n\n';
}

/** The closing line: counts per verdict. */
export function summaryLine(summary: RunSummary): string {
	const parts = Object.entries(summary.verdicts)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([verdict, n]) => `${n} ${verdict}`);
	return `${summary.hosts} host${summary.hosts === 1 ? '' : 's'}: ${parts.join(', ')}${summary.failed > 0 ? `; ${summary.failed} failed` : ''}\n`;
}
