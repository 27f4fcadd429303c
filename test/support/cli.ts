// Runs the built CLI (node dist/cli.js) as a child process and collects its exit code and output; never throws.
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliOptions {
	env?: Record<string, string | undefined>;
	/** Written to standard input, which is then closed (standard input is empty otherwise). */
	input?: string;
	/** The child is killed with SIGKILL after this long (code is then null). */
	timeoutMs?: number;
}

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [cliPath, ...args], {
			env: {...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: undefined, ...opts.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
		child.on('error', (error) => (stderr += `\n${error.message}`));
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
		child.stdin.on('error', () => {});
		child.stdin.end(opts.input ?? '');
	});
}
