// The guardian: a tiny shell in a session of its own that knows every server's process group and kills
// them all the moment berth's end of its pipe closes, which the kernel does even when berth is SIGKILLed.
// PR_SET_PDEATHSIG takes only each server's own process; real engines spawn workers (vLLM's engine core and
// GPU workers, SGLang's scheduler and detokenizer) that stay in the server's group, and those must go too.
// A shell blocked in read costs about 1 MB and no CPU, far less than a second berth would.
import { existsSync } from "node:fs";
import { GUARDIAN_SCRIPT, guardianLine } from "../../core/supervise/guardian-protocol.ts";
import { groupExists } from "../process/server-process.ts";

const SHELL = "/bin/sh";

export interface TreeGuardian {
  /** The guardian's pid, or null when there is none (no /bin/sh). */
  readonly pid: number | null;
  /** Guards one more process group (a server, started or restarted). */
  guard(pgid: number): void;
  /** Guards the servers' cgroup too: all of it is killed if berth dies. */
  guardCgroup(path: string): void;
  /** Supervision is over and every group is gone: the guardian exits without killing anything. */
  dismiss(): Promise<void>;
}

/** Starts the guardian; without a shell, says so once and guards nothing (each server still has PDEATHSIG). */
export function startTreeGuardian(warn: (message: string) => void): TreeGuardian {
  if (!existsSync(SHELL)) {
    warn(`${SHELL} is missing: if berth is SIGKILLed, only the servers' own processes die with it, not their workers`);
    return { pid: null, guard() {}, guardCgroup() {}, dismiss: async () => {} };
  }
  const child = Bun.spawn([SHELL, "-c", GUARDIAN_SCRIPT, "berth-guardian"], { stdin: "pipe", stdout: "ignore", stderr: "ignore", detached: true });
  const guarded = new Set<number>();
  const send = (line: string) => {
    child.stdin.write(line);
    child.stdin.flush();
  };
  return {
    pid: child.pid,
    guard(pgid) {
      // A group with no process left may have its number reused by a stranger: stop guarding it first.
      for (const old of [...guarded]) {
        if (groupExists(old)) continue;
        guarded.delete(old);
        send(guardianLine({ release: old }));
      }
      guarded.add(pgid);
      send(guardianLine({ guard: pgid }));
    },
    guardCgroup: (path) => send(guardianLine({ cgroup: path })),
    async dismiss() {
      send(guardianLine("dismiss"));
      await child.stdin.end();
      await child.exited;
    },
  };
}
