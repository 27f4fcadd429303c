// One family (A or AAAA) of one host: a status row, then its records dig-style (TTL, type, data).
import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {FamilyOutcome, OtherRecord} from '../../resolve/types.js';
import {formatRtt, formatServer, formatTtl} from '../../report/format.js';
import {describeProblem} from '../../report/problems.js';
import {usePalette, statusHue} from './palette.js';

/** Column widths; the view is a Box/Text table (ink-table cannot load under ESM, see ecosystem.md §3). */
export const columns = {indent: 2, family: 6, status: 10, ttl: 8, type: 7} as const;

type RecordRowProps = {
	readonly ttl: string;
	readonly type: string;
	readonly typeColor?: 'red' | 'yellow' | undefined;
	readonly children: ReactNode;
};

/** A record line under a status row: the TTL right-aligned so the units line up, then type and data. */
function RecordRow({ttl, type, typeColor, children}: RecordRowProps) {
	const palette = usePalette();
	return (
		<Box paddingLeft={columns.indent + columns.family}>
			<Box width={columns.ttl} flexShrink={0} justifyContent="flex-end" marginRight={2}>
				<Text dimColor={palette.dim}>{ttl}</Text>
			</Box>
			{/* A long RFC 3597 name (TYPE65534) widens its own row rather than wrapping inside the column. */}
			<Box width={Math.max(columns.type, type.length + 1)} flexShrink={0}>
				<Text color={typeColor === undefined ? undefined : palette.hue(typeColor)}>{type}</Text>
			</Box>
			<Box flexGrow={1}>
				<Text>{children}</Text>
			</Box>
		</Box>
	);
}

/** A record that is neither chain, address nor SOA: owner and data as received (already escaped), the class only when not IN. */
function OtherRow({record}: {readonly record: OtherRecord}) {
	return (
		<RecordRow ttl={formatTtl(record.ttl)} type={record.class === 'IN' ? record.type : `${record.class} ${record.type}`} typeColor="yellow">
			{`${record.name}  ${record.data}`}
		</RecordRow>
	);
}

type StatusRowProps = {
	readonly outcome: FamilyOutcome;
	/** The host's queried name; the asked qname is shown only when the search list changed it. */
	readonly hostName: string;
};

function StatusRow({outcome, hostName}: StatusRowProps) {
	const palette = usePalette();
	const notes: string[] = [];
	if (outcome.qname !== hostName) notes.push(`as ${outcome.qname}`);
	if (outcome.queries > 1) notes.push(`${outcome.queries} queries`);
	return (
		<Box paddingLeft={columns.indent}>
			<Box width={columns.family} flexShrink={0}>
				<Text bold={palette.bold}>{outcome.family}</Text>
			</Box>
			<Box width={columns.status} flexShrink={0}>
				<Text color={palette.hue(statusHue(outcome.status))} bold={palette.bold}>
					{outcome.status}
				</Text>
			</Box>
			<Text>
				{formatServer(outcome.server, outcome.transport)}
				{'  '}
				{formatRtt(outcome.rttMs)}
				{notes.length > 0 ? <Text dimColor={palette.dim}>{`  · ${notes.join(' · ')}`}</Text> : null}
				{outcome.mismatched > 0 ? (
					<Text color={palette.hue('yellow')}>{`  · ${outcome.mismatched} mismatched ${outcome.mismatched === 1 ? 'reply' : 'replies'} dropped`}</Text>
				) : null}
			</Text>
		</Box>
	);
}

type FamilyRowsProps = {
	readonly outcome: FamilyOutcome;
	readonly hostName: string;
};

/** Status row, CNAME hops (one per line, owner → target), addresses, other answer records, the SOA of a negative answer, other authority records, the problem. */
export function FamilyRows({outcome, hostName}: FamilyRowsProps) {
	const soa = outcome.soa;
	return (
		<Box flexDirection="column">
			<StatusRow outcome={outcome} hostName={hostName} />
			{outcome.chain.map((link, i) => (
				<RecordRow key={`cname-${i}`} ttl={formatTtl(link.ttl)} type="CNAME">
					{`${link.name} → ${link.target}`}
				</RecordRow>
			))}
			{outcome.addresses.map((record, i) => (
				<RecordRow key={`addr-${i}`} ttl={formatTtl(record.ttl)} type={outcome.family}>
					{record.address}
				</RecordRow>
			))}
			{outcome.otherRecords.map((record, i) =>
				record.section === 'answer' ? <OtherRow key={`other-${i}`} record={record} /> : null,
			)}
			{soa === null ? null : (
				// RFC 2308 §5: the negative answer is cached for min(SOA TTL, MINIMUM); both are shown.
				<RecordRow ttl={formatTtl(soa.ttl)} type="SOA">
					{`${soa.name}  ${soa.mname} ${soa.rname} ${soa.serial}  minimum ${formatTtl(soa.minimum)}`}
				</RecordRow>
			)}
			{outcome.otherRecords.map((record, i) =>
				record.section === 'authority' ? <OtherRow key={`other-${i}`} record={record} /> : null,
			)}
			{outcome.problem === null ? null : (
				<RecordRow ttl="" type="!" typeColor="red">
					{describeProblem(outcome.problem)}
				</RecordRow>
			)}
		</Box>
	);
}
