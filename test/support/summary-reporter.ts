// Prints the plain closing line 'N passed, N failed, N skipped' that CI's log reader recognises.
import type {Reporter, TestModule} from 'vitest/node';

export default class SummaryReporter implements Reporter {
	onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>, reason?: string): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const module of modules) {
			const tests = [...module.children.allTests()];
			for (const t of tests) {
				const state = t.result().state;
				if (state === 'passed') passed++;
				else if (state === 'failed') failed++;
				else skipped++;
			}
			// A file that failed to load has no tests but must still count as a failure.
			if (module.state() === 'failed' && tests.length === 0) failed++;
		}
		failed += errors.length;
		// A run that failed outside any test (a global setup that threw) must not read as all green.
		if (reason === 'failed' && failed === 0) failed = 1;
		process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
	}
}
