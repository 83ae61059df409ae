// Who writes this node's records, and what a reader on this host can check of another record's writer: on
// the same boot and in the same pid namespace, its pid and start time say whether it still runs. Elsewhere
// nothing here can tell, and the reader goes by heartbeats it sees move.
import type { WriterCheck } from "../../core/rendezvous/liveness.ts";
import type { RecordWriter } from "../../core/rendezvous/node-record.ts";
import { geteuid, readSmallFile } from "../../ffi/libc.ts";
import { ownIdentity, ownPidNamespace, startTicksOf } from "../process/self-process.ts";

let bootId: string | undefined;

/** /proc/sys/kernel/random/boot_id: one value per boot of this host, the same in every container on it. */
export function ownBootId(): string {
  bootId ??= readSmallFile("/proc/sys/kernel/random/boot_id")?.trim() || "unknown";
  return bootId;
}

export function ownWriter(): RecordWriter {
  const identity = ownIdentity();
  return {
    host: identity?.host ?? "unknown",
    bootId: ownBootId(),
    pid: identity?.pid ?? process.pid,
    startTicks: identity?.startTicks ?? 0,
    ...(identity?.pidNamespace ? { pidNamespace: identity.pidNamespace } : {}),
    uid: geteuid(),
  };
}

export function isOwnWriter(writer: RecordWriter): boolean {
  const mine = ownWriter();
  return writer.bootId === mine.bootId && writer.pid === mine.pid && writer.startTicks === mine.startTicks && writer.pidNamespace === mine.pidNamespace;
}

/** Writers found dead stay dead (a pid and start time never come back): each is checked once. */
const deadWriters = new Set<string>();

export function checkWriterHere(writer: RecordWriter): WriterCheck {
  if (writer.bootId !== ownBootId() || writer.bootId === "unknown" || writer.pidNamespace === undefined || writer.pidNamespace !== ownPidNamespace()) return { kind: "unknown" };
  const key = `${writer.pid}/${writer.startTicks}`;
  if (!deadWriters.has(key) && startTicksOf(writer.pid) === writer.startTicks) return { kind: "alive" };
  deadWriters.add(key);
  return { kind: "dead", why: `berth pid ${writer.pid} on ${writer.host} is gone` };
}
