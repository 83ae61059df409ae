// The detached helper behind `berth ports --ttl`: berth starts itself in a new session, the helper reserves
// the ports (so the locks and sockets are its own), reports them on its stdout, and lives out the TTL.
import { ENDED, type Ending } from "../../core/exit.ts";
import { HOLD_COMMAND } from "../../core/hidden-commands.ts";
import { selfArgv } from "../process/self-process.ts";

export const HOLD_REQUEST_VARIABLE = "BERTH_HOLD_REQUEST";
/** What `berth ports` writes to the holder once it has printed the ports (see hold-ports.ts). */
export const PRINTED_ACK = "printed";

/** checked: how the free check was made, "ipv4+ipv6", or "ipv4" where the host has no IPv6. */
export type HolderReport =
  | { ok: true; ports: number[]; blocks: { first: number; last: number }[]; holder: number; /** null: --ttl 0, held until the holder is stopped. */ expiresAt: string | null; checked: string }
  | { ok: false; ending: Ending; message: string };

/**
 * Starts the holder and reads its report; `printed()` must be called once the ports are shown to the user:
 * a holder whose `berth ports` dies before that lets go of them at once.
 */
export async function startPortHolder(request: unknown, ttlMilliseconds: number, env: Record<string, string | undefined>): Promise<HolderReport & { printed(): void }> {
  const child = Bun.spawn([...selfArgv(), HOLD_COMMAND], {
    env: { ...env, [HOLD_REQUEST_VARIABLE]: JSON.stringify({ request, ttlMilliseconds }) },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "ignore",
    detached: true,
  });
  // The helper closes its stdout once it has reported, so reading to the end returns as soon as it has.
  const text = await new Response(child.stdout).text();
  child.unref();
  const line = text.split("\n")[0] ?? "";
  const printed = () => {
    child.stdin.write(`${PRINTED_ACK}\n`);
    void child.stdin.end();
  };
  try {
    return { ...(JSON.parse(line) as HolderReport), printed };
  } catch {
    const exitCode = await Promise.race([child.exited, Bun.sleep(2000).then(() => undefined)]);
    return { ok: false, ending: ENDED.failed, message: `the port holder process stopped without reporting (exit ${exitCode ?? "unknown"})`, printed };
  }
}
