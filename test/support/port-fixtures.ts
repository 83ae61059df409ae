// Real processes that bind ports the way other programs do (test/fixtures/bind-port.ts).
import { resolve } from "node:path";
import { REPO_ROOT } from "./berth-process.ts";

const FIXTURE = resolve(REPO_ROOT, "test/fixtures/bind-port.ts");

export interface PortSquatter {
  stop(): Promise<void>;
}

/** Starts a process holding `port` in the given mode and waits until it has bound. */
export async function squat(mode: "plain" | "reuse" | "listen", port: number): Promise<PortSquatter> {
  const child = Bun.spawn([process.execPath, FIXTURE, mode, String(port)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  const line = new TextDecoder().decode(value).trim();
  if (line !== "ready") throw new Error(`squatter on ${port} (${mode}) said ${line}`);
  return {
    async stop() {
      child.stdin.end();
      await child.exited;
    },
  };
}

/** Whether a plain bind on 0.0.0.0:port succeeds right now, asked from another process. */
export async function plainBindSucceeds(port: number): Promise<boolean> {
  const child = Bun.spawn([process.execPath, FIXTURE, "check", String(port)], { stdout: "pipe" });
  return (await child.exited) === 0;
}
