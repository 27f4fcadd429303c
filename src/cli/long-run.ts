// V8 settings for a command that runs hot loops for seconds (batch): smaller TurboFan inlining budgets.

/**
 * Decision: V8's inlining budgets (460 and 920 bytes of bytecode) suit programs that run for hours. A
 * batch lives seconds on one core, and in a 100k-name run optimising took ~12% of all its CPU (perf:
 * v8::internal::compiler), the byte writers and readers inlined into every caller and several compiled
 * twice. With 50 and 150 it took about half, and the batch used ~5% less CPU (8 alternating runs).
 * Set when the batch starts, before its loops are hot; a plain lookup never loads node:v8 (~4 ms).
 * capture -r was measured too (unchanged), so it keeps V8's defaults.
 */
export function tuneForLongRun(): void {
	// process.getBuiltinModule is Node ≥ 20.16; on an older 20 the batch runs with V8's defaults.
	const v8 = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:v8') : undefined;
	if (v8 === undefined) return;
	v8.setFlagsFromString('--max-inlined-bytecode-size=50');
	v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=150');
}
