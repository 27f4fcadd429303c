// The Ink view on a real terminal (tmux) with hostile bytes and unknown types off the wire: shown escaped, never acted on.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import type {ZoneServer} from '../../src/demo/zone-server.js';
import {cliPath} from '../support/cli.js';
import {evilMname, evilRname, evilTarget, evilTxtShown, httpsRdata, oddRecords, oddTable} from '../support/odd-records.js';
import {startScripted} from '../support/scripted-server.js';

const hasTmux = spawnSync('tmux', ['-V'], {stdio: 'ignore'}).status === 0;
// Our own tmux server (-L), as in tty.test.ts: no effect on a tmux the developer has open.
const socket = `he6-ttywire-${process.pid}-${Date.now()}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let server: ZoneServer | null = null;
let scratch = '';
beforeAll(async () => {
	server = await startScripted(oddRecords, oddTable);
	scratch = mkdtempSync(join(tmpdir(), 'he6-ttywire-'));
});
afterAll(async () => {
	if (hasTmux) tmux('kill-server');
	await server?.close();
	if (scratch !== '') rmSync(scratch, {recursive: true, force: true});
});

const name = 'a hostile CNAME target, TXT and SOA, and TYPE65 records off the wire: escaped on screen, no control byte written, the title untouched';

// As in tty.test.ts: skipped only on a developer's machine without tmux; CI must have it.
if (!hasTmux && !process.env['CI']) {
	test.skip(`${name} (skipped: tmux is not installed)`, () => {});
} else {
	test(name, async () => {
		if (!hasTmux) throw new Error('tmux is required for the TTY test in CI: apt-get install -y tmux');
		if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
		const resolvConf = join(scratch, 'resolv.conf');
		writeFileSync(resolvConf, '');
		const go = join(scratch, 'go');
		const raw = join(scratch, 'pane.raw');
		const port = server?.endpoint.port ?? 0;
		// The pane waits for `go`, so pipe-pane records every byte the CLI writes from its first.
		const command = `while [ ! -e ${go} ]; do sleep 0.05; done; env -u CI node ${JSON.stringify(cliPath)} --resolv-conf ${resolvConf} --stack glibc @127.0.0.1:${port} mixed.rr.test evil.rr.test; echo "exit=$?"; sleep 30`;
		const started = tmux('new-session', '-d', '-s', socket, '-x', '160', '-y', '80', command);
		expect(started.status, started.stderr).toBe(0);
		const title = tmux('display-message', '-p', '-t', socket, '#{pane_title}').stdout;
		expect(tmux('pipe-pane', '-t', socket, `cat > ${raw}`).status).toBe(0);
		writeFileSync(go, '');

		let screen = '';
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline) {
			screen = tmux('capture-pane', '-p', '-J', '-S', '-', '-t', socket).stdout;
			if (/exit=\d+/.test(screen)) break;
			await sleep(200);
		}
		const context = `\n--- pane ---\n${screen}`;
		expect(screen, `the CLI did not finish within 10 s${context}`).toMatch(/exit=0/);

		// On screen: the escaped forms, as in every other view.
		expect(screen, context).toContain(`evil.rr.test → ${evilTarget}`);
		expect(screen, context).toContain(`evil.rr.test  ${evilTxtShown}`);
		expect(screen, context).toContain(`${evilMname} ${evilRname}`);
		expect(screen, context).toMatch(new RegExp(`TYPE65\\s+mixed\\.rr\\.test  \\\\# 10 ${httpsRdata}`));

		// What the CLI wrote: Ink's own sequences (CSI colour and cursor codes) but none of the hostile
		// ones: no OSC (ESC ]), no BEL, no NUL, no C1 CSI, nothing that is not UTF-8.
		tmux('pipe-pane', '-t', socket);
		const written = readFileSync(raw).toString('utf8');
		expect(written, 'pipe-pane recorded nothing').toContain('evil.rr.test');
		expect(written).not.toContain('\u001b]');
		// eslint-disable-next-line no-control-regex
		expect(written).not.toMatch(/[\u0000\u0007\u0080-\u009f\ufffd]/u);
		// The OSC in the CNAME target would have set the pane title to "pwned".
		expect(tmux('display-message', '-p', '-t', socket, '#{pane_title}').stdout).toBe(title);
	});
}
