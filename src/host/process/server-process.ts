// Starting one server in a new session and process group, with PR_SET_PDEATHSIG(SIGKILL) armed before the
// engine's execve, so a SIGKILLed berth takes its servers along. The step that arms it is util-linux's setpriv
// where the host has it (a C program: ~1 ms, where a second berth costs a whole Bun start per server), else
// berth itself in a hidden exec step, which also maps a missing or unrunnable command to 127/126.
import type { Launch } from "../../core/launch/launch-types.ts";
import type { ChildEnd } from "../../core/exit.ts";
import { EXEC_STEP } from "../../core/hidden-commands.ts";
import { OUTPUT_DRAIN_MS } from "../../core/supervise/timing.ts";
import { isExecutable, readSmallFile } from "../../ffi/libc.ts";
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

let setpriv: string | null | undefined;

function isProgram(path: string): boolean {
  const head = readSmallFile(path, 4) ?? "";
  return head.startsWith("\x7fELF") || head.startsWith("#!");
}

/** The argv that starts the engine with the parent-death signal armed (see the header). */
export function guardedArgv(argv: readonly string[], path: string | undefined): string[] {
  setpriv ??= Bun.which("setpriv");
  const [command, ...args] = argv;
  // Only a command that resolves to a real executable (an ELF binary or a #! script) takes the fast step:
  // setpriv's execvp would run anything else through sh, where berth's own step answers 126/127 as tini does.
  const resolved = command === undefined ? null : command.includes("/") ? command : Bun.which(command, { PATH: path ?? "/usr/local/bin:/usr/bin:/bin" });
  if (setpriv && resolved && isExecutable(resolved) && isProgram(resolved)) return [setpriv, "--pdeathsig", "KILL", "--", resolved, ...args];
  return [...selfArgv(), EXEC_STEP, "--", ...argv];
}

export function startServerProcess(launch: Launch, onLine: (stream: "stdout" | "stderr", line: string) => void): ServerProcess {
  const child = Bun.spawn(guardedArgv(launch.argv, launch.env.PATH), {
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
