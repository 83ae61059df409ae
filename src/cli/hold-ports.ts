// Hidden `berth __hold-ports`: the detached process that keeps `berth ports` reservations for their TTL.
import * as v from "valibot";
import { defineBerthCommand } from "./command.ts";
import { BerthError, UsageError } from "./errors.ts";
import { reserveRequestedPorts } from "./ports-request.ts";
import { EXIT } from "../core/exit.ts";
import { exitCodeForSignalName } from "../core/supervise/exit-status.ts";
import { HOLD_COMMAND } from "../core/hidden-commands.ts";
import { HOLD_REQUEST_VARIABLE, type HolderReport } from "../host/port-holder-process.ts";
import { untilStopSignal } from "../host/stop-signal.ts";
import { closeStandardOutput, writeAll } from "../host/terminal.ts";

const RangeSchema = v.object({ first: v.number(), last: v.number() });
const HoldRequestSchema = v.object({
  request: v.object({ count: v.number(), blockSize: v.optional(v.number()), pool: v.optional(RangeSchema), holder: v.object({ role: v.string(), command: v.string() }) }),
  ttlMilliseconds: v.pipe(v.number(), v.minValue(0)),
});

function report(result: HolderReport): void {
  writeAll(1, `${JSON.stringify(result)}\n`);
  closeStandardOutput(); // EOF for the parent, which is waiting to print the ports and exit.
}

export const holdPortsCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {},
  async run({ io }) {
    const parsed = v.safeParse(HoldRequestSchema, JSON.parse(io.env[HOLD_REQUEST_VARIABLE] ?? "null"));
    if (!parsed.success) throw new UsageError(`${HOLD_COMMAND} is internal to berth ports`);
    const { request, ttlMilliseconds } = parsed.output;
    let reserved;
    try {
      reserved = await reserveRequestedPorts(request, io.env);
    } catch (error) {
      if (error instanceof BerthError) {
        report({ ok: false, exitCode: error.exitCode, message: error.message });
        return error.exitCode;
      }
      throw error;
    }
    const expiresAt = new Date(Date.now() + ttlMilliseconds).toISOString();
    const checked = reserved.held.every((held) => held.checked === "ipv4+ipv6") ? "ipv4+ipv6" : "ipv4";
    report({ ok: true, ports: reserved.held.map((held) => held.port), blocks: reserved.blocks, holder: process.pid, expiresAt, checked });
    // Exiting releases everything: the kernel drops the locks and closes the sockets.
    let timer: Timer | undefined;
    const expired = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(EXIT.ok), ttlMilliseconds)));
    const stopped = untilStopSignal().then(exitCodeForSignalName);
    const code = await Promise.race([expired, stopped]);
    clearTimeout(timer);
    return code;
  },
});
