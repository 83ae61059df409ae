// --log-dir: each server's output, line by line, in server-<index>.log. Appended, never truncated: the
// previous run's crash is often what the user came to read. A marker line starts every run and every
// restart, so each start's output can be told apart.
import { openSync } from "node:fs";
import type { SupervisedServer } from "./supervised-server.ts";

export interface ServerLogs {
  /** The marker line before a server's output of one start (the first, or a restart). */
  started(entry: SupervisedServer): void;
  write(entry: SupervisedServer, line: string): void;
  close(): Promise<void>;
}

export function startMarker(entry: SupervisedServer, at: Date): string {
  const what = entry.restarts === 0 ? "start" : `restart ${entry.restarts}`;
  return `===== berth ${at.toISOString()}: server ${entry.server.index} ${what}, pid ${entry.pid}, GPUs ${entry.launch.env.CUDA_VISIBLE_DEVICES ?? "-"}, ports ${entry.placement.ports.first}-${entry.placement.ports.last} =====`;
}

type Writer = ReturnType<ReturnType<typeof Bun.file>["writer"]>;

/** O_APPEND through the descriptor: Bun's file writer on a path would truncate the file. */
function appendTo(path: string, warn: (message: string) => void): Writer | undefined {
  try {
    return Bun.file(openSync(path, "a", 0o644)).writer();
  } catch (error) {
    warn(`cannot open the log file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}; that server's output is not kept`);
    return undefined;
  }
}

export function openServerLogs(servers: readonly SupervisedServer[], directory: string | undefined, warn: (message: string) => void): ServerLogs {
  const writers = new Map<SupervisedServer, Writer>();
  for (const entry of directory ? servers : []) {
    const writer = appendTo(`${directory}/server-${entry.server.index}.log`, warn);
    if (writer) writers.set(entry, writer);
  }
  return {
    started: (entry) => void writers.get(entry)?.write(`${startMarker(entry, new Date())}\n`),
    write: (entry, line) => void writers.get(entry)?.write(`${line}\n`),
    close: async () => {
      for (const writer of writers.values()) await writer.end();
    },
  };
}
