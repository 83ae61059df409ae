// The compiled binary starts with JavaScriptCore's tier-up thresholds scaled up (build.ts, jitPolicy), so
// run-once start-up code stays in the interpreter instead of paying for JIT compiles it never profits
// from: on a cold `berth plan` of 512 servers that was a fifth of the time. A process that goes on running
// (the supervisor, the demo server) puts the normal policy back once its start-up is done.
export function useNormalJitPolicy(): void {
  // Absent outside a compiled binary of a Bun that has it; there the policy is normal already.
  const unsafe = Bun.unsafe as { setJITPolicy?: (scale: number) => void };
  unsafe.setJITPolicy?.(1);
}
