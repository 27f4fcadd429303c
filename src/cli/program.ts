// The command line: commander wiring for `lookup` (default) and `demo`; parsing only, no work.
import {Command, CommanderError, Option} from 'commander';
import {UsageError} from './errors.js';
import {exitCodeHelp} from './exit-codes.js';
import {lookupCommand, type LookupFlags} from './lookup-command.js';
import type {SortFlags} from './sort-command.js';
import type {BatchFlags} from './batch-command.js';

function addViewOptions(command: Command): Command {
	return command
		.option('--json', 'NDJSON: one object per host (a stable contract)')
		.option('--plain', 'plain text even on a terminal')
		.option('--tcp', 'query over TCP only (like options use-vc)')
		.option('--no-edns', 'send no EDNS(0) OPT record (default: EDNS with a 1232-byte payload size)')
		.addOption(new Option('--concurrency <n>', 'hosts resolved at once').default(undefined, '16'));
}

function addSelectionOptions(command: Command): Command {
	return command
		.option('--stack <stack>', 'address selection as glibc, musl, go or rfc6724 (default: this host\'s C library)')
		.option('--gai-conf <file>', 'gai.conf for the glibc stack (default /etc/gai.conf)')
		.option('--sources <file>', 'what-if Source(D) map instead of asking the kernel (JSON, see README)')
		.option('--no-dns64', 'skip RFC 7050 discovery (only 64:ff9b::/96 marks synthesized AAAA)');
}

function addResolverOptions(command: Command): Command {
	return command
		.option('--resolv-conf <file>', 'resolver configuration to use instead of /etc/resolv.conf')
		.option('--timeout <seconds>', 'seconds to wait for each try (resolv.conf options timeout; default 5)')
		.option('--attempts <n>', 'rounds over all servers (resolv.conf options attempts; default 2)')
		.option('--single-request', 'send A, wait for its reply, then AAAA (resolv.conf options single-request)')
		.option('--single-request-reopen', 'send AAAA from a new socket after A (resolv.conf options single-request-reopen)')
		.option('--no-search', 'ask each name as given, without the search list');
}

/** Builds the program; `run` resolves to the exit code. */
export function buildProgram(setExit: (code: number) => void): Command {
	const program = new Command('he6-dns')
		.description('Will this host reach a service over IPv6? Paired A+AAAA lookups through the system resolver, CNAME chains, and a verdict.')
		.version('0.1.0')
		.exitOverride()
		// One line for every usage error, with where to look.
		.configureOutput({outputError: (text, write) => write(`${text.replace(/^error: /, 'he6-dns: ').trimEnd()} (see he6-dns --help)\n`)});

	addSelectionOptions(addResolverOptions(addViewOptions(program.command('lookup', {isDefault: true}))))
		.description('look up A and AAAA of each NAME through the resolver(s) of /etc/resolv.conf or @SERVER')
		.argument('[args...]', 'names to look up, and dig-style @server[:port] (repeatable; [v6]:port for IPv6)')
		.addHelpText('after', `\nExamples:\n  he6-dns www.linkedin.com github.com\n  he6-dns --json @127.0.0.1:5353 www.example.com\n\n${exitCodeHelp}`)
		.action(async (args: string[], flags: LookupFlags) => setExit(await lookupCommand(args, flags)));

	addSelectionOptions(addViewOptions(program.command('demo')))
		.option('--this-host', "use this host's sources instead of the seed's EC2 box (what-if)")
		.description("look up the seed field report's hosts against an embedded resolver on loopback (no network needed)")
		.argument('[names...]', 'other names to ask the demo resolver')
		.action(async (names: string[], flags: LookupFlags) => {
			const {demoCommand} = await import('./demo-command.js'); // the demo server is not needed for real lookups
			setExit(await demoCommand(flags, names));
		});

	addSelectionOptions(program.command('sort'))
		.description('sort addresses by RFC 6724 as this host (or --stack) would, with the rule that decided each pair')
		.argument('[addresses...]', 'IPv4 and IPv6 destination addresses')
		.option('--json', 'JSON: {order, decisions: [{a, b, rule}]}')
		.action(async (addresses: string[], flags: SortFlags) => {
			const {sortCommand} = await import('./sort-command.js');
			setExit(await sortCommand(addresses, flags));
		});

	addSelectionOptions(program.command('batch'))
		.description('check a long list of names (one per line, # comments, or Tranco rank,domain CSV): one record per name line, paced, resumable')
		.argument('[args...]', 'the list (FILE, or - for standard input, the default) and dig-style @server[:port] (repeatable)')
		.option('--format <format>', 'ndjson (default), csv (spreadsheet-safe) or json (one document with a final summary)')
		.option('-o, --output <file>', 'write the records to FILE instead of standard output')
		.option('--concurrency <n>', 'names in flight at once (default 256)')
		.option('--qps <n>', 'packets per second at most, retries included (default: none; 900 for the AWS VPC resolver; 0: none)')
		.option('--retries <n>', 'retries per query after a timeout, each waiting twice as long (default: resolv.conf attempts - 1)')
		.option('--resume', 'continue the run whose records are in -o FILE: skip lines already there, append the rest')
		.option('--shard <k/n>', 'take only the names in shard K of N (by a hash of the name), for N machines sharing a list')
		.option('--resolv-conf <file>', 'resolver configuration to use instead of /etc/resolv.conf')
		.option('--timeout <seconds>', 'seconds to wait for the first try (resolv.conf options timeout; default 5)')
		.option('--search', 'apply the search list (default: every name is asked as given)')
		.option('--tcp', 'query over TCP only (like options use-vc)')
		.option('--no-edns', 'send no EDNS(0) OPT record')
		.option('--single-request', 'send A, wait for its reply, then AAAA')
		.option('--single-request-reopen', 'send AAAA from a new socket after A')
		.option('--plain', 'progress as lines on stderr even on a terminal')
		.addHelpText('after', `\nExamples:\n  he6-dns batch -o out.ndjson top-1m.csv\n  he6-dns batch --format csv --qps 500 @10.0.0.2 - < names.txt > out.csv\n  he6-dns batch --resume -o out.ndjson top-1m.csv\n\n${exitCodeHelp}\n  130/143 stopped by SIGINT/SIGTERM (finished records are written; --resume continues)`)
		.action(async (args: string[], flags: BatchFlags) => {
			const {batchCommand} = await import('./batch-command.js');
			setExit(await batchCommand(args, flags));
		});

	// capture (issue 4): libpcap live capture or -r FILE through the capture pipeline.
	program
		.command('capture')
		.description('decode and pair port-53 traffic live (libpcap) or from a pcap file, with a per-name IPv6 inventory and which process asked')
		.option('-i, --interface <iface>', 'interface to capture on (default: the one with the default route; any: all)')
		.option('-r, --read <file>', 'read a pcap or pcapng file instead of capturing (every UDP/TCP packet is read as DNS unless --port/--filter)')
		.option('-w, --write <file>', 'also write the packets to FILE (classic pcap, same link type; tcpdump -r and tshark read it)')
		.option('--port <n>', 'DNS on this port: the filter "udp port N or tcp port N" (default 53)')
		.option('--filter <bpf>', 'a BPF filter instead (pcap-filter(7); default "udp port 53 or tcp port 53")')
		.option('--duration <seconds>', 'stop after this long (in a file: of packet time)')
		.option('--count <n>', 'stop after N exchanges (answered, unanswered or unsolicited)')
		.option('--max-pending <n>', 'queries awaiting a reply held at most; beyond it the oldest is dropped and counted as evicted (default 65536)')
		.option('--json', 'NDJSON: exchange events, then one name event per name and a summary (a stable contract)')
		.option('--plain', 'plain lines even on a terminal')
		.option('--stack <stack>', "address selection for the verdicts: glibc, musl, go or rfc6724 (default: this host's C library)")
		.option('--gai-conf <file>', 'gai.conf for the glibc stack (default /etc/gai.conf)')
		.option('--sources <file>', 'what-if Source(D) map instead of asking the kernel (JSON, see README)')
		.addHelpText(
			'after',
			'\nExamples:\n  he6-dns capture                      the default-route interface, port 53, until q or Ctrl-C\n  he6-dns capture -i any --duration 60 --json > dns.ndjson\n  he6-dns capture -r dns.pcap --plain\n\nKeys (terminal view): p pause, / filter by name, v exchanges/inventory, q quit.\nLive capture needs root or CAP_NET_RAW. Exit codes: 0 done, 1 usage, set-up or read error.',
		)
		.action(async (flags: import('./capture-command.js').CaptureFlags) => {
			const {captureCommand} = await import('./capture-command.js');
			setExit(await captureCommand(flags));
		});

	program.addHelpText('after', `\n${exitCodeHelp}`);
	return program;
}

/** Parses argv and runs the command; commander's own errors become exit code 1 with one line. */
export async function runProgram(argv: readonly string[]): Promise<number> {
	let code = 0;
	const program = buildProgram((c) => (code = c));
	try {
		await program.parseAsync([...argv], {from: 'user'});
		return code;
	} catch (error) {
		if (error instanceof CommanderError) {
			// --help and --version exit 0 through here; real parse errors were already printed.
			return error.exitCode === 0 ? 0 : 1;
		}
		if (error instanceof UsageError) throw error;
		throw error;
	}
}
