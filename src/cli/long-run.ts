// V8 settings for the commands that run hot loops for seconds (batch, capture): smaller TurboFan inlining budgets.

/**
 * Decision: V8's inlining budgets (460 and 920 bytes of bytecode) suit programs that run for hours. A
 * batch lives seconds on one core, and in a 100k-name run optimising took ~12% of all its CPU (perf:
 * v8::internal::compiler), the byte writers and readers inlined into every caller and several compiled
 * twice. With 50 and 150 it took about half, and the batch used ~5% less CPU (8 alternating runs);
 * capture -r of 400k packets ~3% less (6 runs; its TurboFan time 1.6 s -> 0.5 s, unpinned).
 * Set when the command starts, before its loops are hot; a plain lookup never loads node:v8 (~4 ms).
 */
export function tuneForLongRun(): void {
	// process.getBuiltinModule is Node ≥ 20.16; on an older 20 the batch runs with V8's defaults.
	const v8 = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:v8') : undefined;
	if (v8 === undefined) return;
	v8.setFlagsFromString('--max-inlined-bytecode-size=50');
	v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=150');
}
