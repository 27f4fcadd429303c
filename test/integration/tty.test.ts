// The Ink view on a real terminal: `he6-dns demo` run inside a detached tmux pane, read back with capture-pane.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, expect, test} from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = resolve(root, 'dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V'], {stdio: 'ignore'}).status === 0;

// Our own tmux server (-L): a fresh environment, and no effect on a tmux the developer has open.
const socket = `he6-tty-${process.pid}-${Date.now()}`;

function tmux(...args: string[]): {status: number | null; stdout: string; stderr: string} {
	const run = spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	return {status: run.status, stdout: run.stdout, stderr: run.stderr};
}

/** The whole pane, scrollback included (-S -), wrapped lines joined (-J), no escape sequences. */
function capture(): string {
	return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', socket).stdout;
}

afterEach(() => {
	if (hasTmux) tmux('kill-server');
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const name = 'he6-dns demo draws the seed hosts with chains, NODATA and verdicts in a real terminal';

// Skipping is for a developer's machine only: CI must have tmux (.ci/run installs it), so there it fails.
if (!hasTmux && !process.env['CI']) {
	test.skip(`${name} (skipped: tmux is not installed)`, () => {});
} else {
	test(name, async () => {
		if (!hasTmux) throw new Error('tmux is required for the TTY test in CI: apt-get install -y tmux');
		if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
		// `env -u CI`: with CI set, Ink (is-in-ci) prints only the final frame, and the CLI picks plain output.
		// The trailing sleep keeps the pane (and its text) after the CLI exits; `exit=` shows it did exit.
		const command = `env -u CI node ${JSON.stringify(cli)} demo; echo "exit=$?"; sleep 30`;
		const started = tmux('new-session', '-d', '-s', socket, '-x', '120', '-y', '50', '-c', root, command);
		expect(started.status, started.stderr).toBe(0);

		let screen = '';
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline) {
			screen = capture();
			if (/exit=\d+/.test(screen)) break;
			await sleep(200);
		}
		const context = `\n--- pane ---\n${screen}`;
		expect(screen, `the CLI did not finish within 10 s${context}`).toMatch(/exit=\d+/);

		// The chain of the seed's `dig AAAA www.linkedin.com`, one hop per line, in the Ink view's form.
		expect(screen, context).toContain('www.linkedin.com → glb-any-eu.www.linkedin.com');
		expect(screen, context).toContain('glb-any-eu.www.linkedin.com → any-eu.www.linkedin.com');
		expect(screen, context).toContain('2a04:f540:1::b93f:930a');
		expect(screen, context).toMatch(/AAAA\s+NODATA/);
		expect(screen, context).toMatch(/^\s+migrated\s/m);
		// What the seed's box would do (the demo's what-if sources): the AAAA through the sit1 tunnel.
		expect(screen, context).toMatch(/would connect to 2a04:f540:1::b93f:930a from 2001:470:1f1c:666::2 via sit1 \(Rule 6/);
		expect(screen, context).toMatch(/order 1\s+2a04:f540:1::b93f:930a\s+from 2001:470:1f1c:666::2 \(sit1\)/);
		expect(screen, context).toMatch(/^\s+not-migrated\s+IPv4 only/m);
		expect(screen, context).toContain('github.com');
		expect(screen, context).toMatch(/\d+ hosts?: /);

		// Each host block printed exactly once: <Static> must not repeat itself on a real terminal.
		for (const host of ['www.linkedin.com', 'www.facebook.com', 'github.com', 'www.google.com']) {
			const titles = screen.split('\n').filter((line) => line.trim() === host);
			expect(titles, `${host} title lines${context}`).toHaveLength(1);
		}
		// Nothing of the live region is left behind: no spinner frame once the run has ended.
		expect(screen, context).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/u);
	});
}
