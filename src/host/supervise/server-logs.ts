// --log-dir: each server's output, line by line, in server-<index>.log.
import type { SupervisedServer } from "./supervised-server.ts";

export interface ServerLogs {
  write(entry: SupervisedServer, line: string): void;
  close(): Promise<void>;
}

export function openServerLogs(servers: readonly SupervisedServer[], directory: string | undefined): ServerLogs {
  const writers = new Map(directory ? servers.map((entry) => [entry, Bun.file(`${directory}/server-${entry.server.index}.log`).writer()] as const) : []);
  return {
    write: (entry, line) => void writers.get(entry)?.write(`${line}\n`),
    close: async () => {
      for (const writer of writers.values()) await writer.end();
    },
  };
}
