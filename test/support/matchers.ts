// Preloaded: `expect(run).toExitWith(code)` fails with berth's stderr in the message, so a port collision or
// any other refusal reads as what it is instead of "expected 0, received 3".
import { expect } from "bun:test";

interface FinishedBerth {
  code: number;
  stderr: string;
}

declare module "bun:test" {
  interface Matchers<T> {
    toExitWith(code: number): T;
  }
}

expect.extend({
  toExitWith(received: unknown, expected: number) {
    const run = received as FinishedBerth;
    const pass = run.code === expected;
    return {
      pass,
      message: () => `berth exited with ${run.code}, expected ${pass ? "anything but " : ""}${expected}\n--- berth's stderr ---\n${run.stderr}--- end of stderr ---`,
    };
  },
});
