// Test runner configuration: unit tests sit in test/unit, integration tests run the built CLI.
import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		globalSetup: ['test/support/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Integration tests start real servers and time real timeouts; two cores, so two forks.
		pool: 'forks',
		maxWorkers: 2,
		reporters: process.env.CI ? ['default', './test/support/summary-reporter.ts'] : ['default', './test/support/summary-reporter.ts'],
	},
});
