// Drives `berth run --json` as a real process: collects its events and lets tests wait on them.
import { resolve } from "node:path";
import { berthArgv, berthEnvironment, REPO_ROOT } from "./berth-process.ts";

export const FAKE_SERVER = [process.execPath, resolve(REPO_ROOT, "test/fixtures/fake-server.ts")];

export interface BerthEvent {
  event: string;
  server?: number;
  state?: string;
  pid?: number;
  detail?: string | null;
  urls?: string[];
  text?: string;
  [key: string]: unknown;
}

export interface RunningBerth {
  pid: number;
  events: BerthEvent[];
  stderr: () => string;
  exited: Promise<number>;
  /** The exit code with all of stderr, once both are in: what `expect(…).toExitWith(code)` reads. */
  result(): Promise<{ code: number; stderr: string }>;
  waitForEvent(match: (event: BerthEvent) => boolean, what: string, timeoutMs?: number): Promise<BerthEvent>;
  kill(signal: NodeJS.Signals): void;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

const started: RunningBerth[] = [];

/** For afterEach: a failed test must not leave a berth (or, under unshare, its PID 1) running. */
export async function killLeftoverBerths(): Promise<void> {
  for (const berth of started.splice(0)) {
    for (const pid of childrenOf(berth.pid)) tryKill(pid);
    tryKill(berth.pid);
    await berth.exited;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return require("node:fs").readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export function startBerth(args: string[], options: { env?: Record<string, string>; prefix?: string[] } = {}): RunningBerth {
  const child = Bun.spawn([...(options.prefix ?? []), ...berthArgv(), ...args], {
    cwd: REPO_ROOT,
    env: berthEnvironment(options.env),
    stdout: "pipe",
    stderr: "pipe",
  });
  const events: BerthEvent[] = [];
  let stderr = "";
  const stdoutRead = (async () => {
    let pending = "";
    for await (const chunk of child.stdout) {
      pending += new TextDecoder().decode(chunk);
      let newline: number;
      while ((newline = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        try {
          events.push(JSON.parse(line));
        } catch {
          events.push({ event: "output", text: line });
        }
      }
    }
  })();
  const stderrRead = (async () => {
    for await (const chunk of child.stderr) stderr += new TextDecoder().decode(chunk);
  })();
  const running: RunningBerth = {
    pid: child.pid,
    events,
    stderr: () => stderr,
    // Resolves once the process has exited *and* all it wrote has been read, so a test that looks at the
    // events right after the exit sees the last ones too.
    exited: Promise.all([child.exited, stdoutRead, stderrRead]).then(([code]) => code),
    result: async () => ({ code: await running.exited, stderr }),
    async waitForEvent(match, what, timeoutMs = 20_000) {
      await waitFor(() => events.some(match) || child.exitCode !== null, what, timeoutMs);
      const found = events.find(match);
      if (!found) throw new Error(`berth exited (${child.exitCode}) before ${what}; stderr: ${stderr}`);
      return found;
    },
    kill(signal) {
      child.kill(signal);
    },
  };
  started.push(running);
  return running;
}

/** Whether a pid still runs (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}
