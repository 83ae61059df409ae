// Hidden `berth __hold-ports`: the detached process that keeps `berth ports` reservations for their TTL.
import * as v from "valibot";
import { defineBerthCommand } from "./command.ts";
import { UsageError } from "./errors.ts";
import { ENDED, type Ending } from "../core/exit.ts";
import { HOLD_COMMAND } from "../core/hidden-commands.ts";
import { HOLD_REQUEST_VARIABLE, PRINTED_ACK, type HolderReport } from "../host/registry/port-holder-process.ts";
import { reserveRequestedPorts } from "../host/registry/requested-ports.ts";
import { untilStopSignal } from "../host/process/stop-signal.ts";
import { after } from "../host/timers.ts";
import { closeStandardOutput, writeAll } from "../host/terminal.ts";

const RangeSchema = v.object({ first: v.number(), last: v.number() });
const HoldRequestSchema = v.object({
  request: v.object({ count: v.number(), blockSize: v.optional(v.number()), pool: v.optional(RangeSchema), holder: v.object({ role: v.string(), command: v.string() }) }),
  ttlMilliseconds: v.pipe(v.number(), v.minValue(0)),
});

/** The request berth ports passes in the environment; anything that is not JSON is no request at all. */
function parseRequest(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "null");
  } catch {
    return null;
  }
}

/** Tells `berth ports` the outcome; false when it is gone (nobody would ever learn of these ports). */
function report(result: HolderReport): boolean {
  const delivered = writeAll(1, `${JSON.stringify(result)}\n`);
  closeStandardOutput(); // EOF for the parent, which is waiting to print the ports and exit.
  return delivered;
}

/**
 * Whether `berth ports` printed the ports: it writes "printed" to our stdin and closes it. End of input
 * without it means it was killed before anyone saw them: holding them for the TTL would hold them for nobody.
 */
async function acknowledged(): Promise<boolean> {
  return (await Bun.stdin.text()).includes(PRINTED_ACK);
}

export const holdPortsCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {},
  async run({ io }) {
    const parsed = v.safeParse(HoldRequestSchema, parseRequest(io.env[HOLD_REQUEST_VARIABLE]));
    if (!parsed.success) throw new UsageError(`${HOLD_COMMAND} is internal to berth ports; run berth ports --ttl instead`);
    const { request, ttlMilliseconds } = parsed.output;
    // 0 means no limit, as for every duration berth takes as a limit: held until the holder is stopped.
    const expiresAt = ttlMilliseconds === 0 ? null : new Date(Date.now() + ttlMilliseconds).toISOString();
    const outcome = await reserveRequestedPorts({ ...request, holder: { ...request.holder, ...(expiresAt ? { expiresAt } : {}) } }, io.env);
    if (!outcome.ok) {
      const ending = ENDED[outcome.refusal.kind];
      report({ ok: false, ending, message: outcome.refusal.message });
      return ending;
    }
    const reserved = outcome.value;
    const checked = reserved.held.every((held) => held.checked === "ipv4+ipv6") ? "ipv4+ipv6" : "ipv4";
    const delivered = report({ ok: true, ports: reserved.held.map((held) => held.port), blocks: reserved.blocks, holder: process.pid, expiresAt, checked });
    if (!delivered || !(await acknowledged())) return ENDED.failed; // exiting releases everything at once
    // Exiting releases everything: the kernel drops the locks and closes the sockets.
    // `after`, not setTimeout: a TTL past ~24.8 days would overflow setTimeout and release at once.
    const timers = new AbortController();
    const expired = ttlMilliseconds === 0 ? new Promise<Ending>(() => {}) : new Promise<Ending>((resolve) => after(timers.signal, ttlMilliseconds, () => resolve(ENDED.ok)));
    const stopped = untilStopSignal().then((signal): Ending => ({ kind: "signalled", signal }));
    const code = await Promise.race([expired, stopped]);
    timers.abort();
    return code;
  },
});
