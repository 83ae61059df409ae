// Starting one server: berth runs itself in a hidden exec step, in a new session and process group, which
// arms PR_SET_PDEATHSIG(SIGKILL) and then execve's the engine, so a SIGKILLed berth takes its servers along.
import type { Launch } from "../core/launch/launch-types.ts";
import type { ChildEnd } from "../core/exit.ts";
import { EXEC_STEP } from "../core/hidden-commands.ts";
import { OUTPUT_DRAIN_MS } from "../core/supervise/timing.ts";
import { selfArgv } from "./self-process.ts";

export const EXEC_PARENT_VARIABLE = "BERTH_EXEC_PARENT";

export interface ServerProcess {
  pid: number;
  ended: Promise<ChildEnd>;
}

async function forwardLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) !== -1) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  if (pending) onLine(pending);
}

export function startServerProcess(launch: Launch, onLine: (stream: "stdout" | "stderr", line: string) => void): ServerProcess {
  const child = Bun.spawn([...selfArgv(), EXEC_STEP, "--", ...launch.argv], {
    env: { ...launch.env, [EXEC_PARENT_VARIABLE]: String(process.pid) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  const output = Promise.all([forwardLines(child.stdout, (line) => onLine("stdout", line)), forwardLines(child.stderr, (line) => onLine("stderr", line))]);
  // The end is the process's own exit, not its pipes closing: a daemon it forked may keep stdout open for
  // good. The last lines get a short while to arrive first; the rest drain in the background.
  const ended = child.exited.then(async () => {
    await Promise.race([output.catch(() => undefined), Bun.sleep(OUTPUT_DRAIN_MS)]);
    const signal = child.signalCode === null || child.signalCode === undefined ? null : String(child.signalCode);
    return { code: signal ? null : child.exitCode, signal };
  });
  // The process group is the pid itself: the step starts a new session.
  return { pid: child.pid, ended };
}

/** Signals one process; one that is already gone is not an error. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: it has exited.
  }
}

/** Signals a server's whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: every process of the group has exited.
  }
}

/** Whether any process of a group is still there (signal 0 checks without sending). */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
