// The servers behind each supervising holder, for `berth status`: the manifest each running berth keeps in
// the registry (manifest-writer.ts), read only for holders whose locks show them alive, and only from a
// regular file this user (or root) owns whose supervisor is that holder. A table whose holder is gone is a
// leftover of a SIGKILLed berth and is removed.
import type { HolderSummary } from "../../core/registry/holders.ts";
import { isServerTableFileName, serverTableFileName } from "../../core/registry/registry-layout.ts";
import { parseServerTable, type ServerTable } from "../../core/observe/server-table.ts";
import { geteuid, listDirectory, unlink } from "../../ffi/libc.ts";
import { readRegularFile } from "../files/safe-files.ts";

function readTable(directory: string, name: string, holder: HolderSummary, uid: number): ServerTable | undefined {
  const read = readRegularFile((file) => `${directory}/${file}`, name, 16 << 20);
  if (!read.ok || (read.value.uid !== uid && read.value.uid !== 0)) return undefined;
  const parsed = parseServerTable(read.value.text);
  return parsed.ok && parsed.table.supervisor.pid === holder.pid ? parsed.table : undefined;
}

/** Each live holder's servers, where it keeps a table; leftovers of dead holders are swept on the way. */
export function readServerTables(directory: string, holders: readonly HolderSummary[]): Map<HolderSummary, ServerTable> {
  const tables = new Map<HolderSummary, ServerTable>();
  const listing = listDirectory(directory);
  if (!listing.ok) return tables;
  const names = new Set(listing.value.entries.map((entry) => entry.name).filter(isServerTableFileName));
  if (names.size === 0) return tables;
  const uid = geteuid();
  for (const holder of holders) {
    const name = serverTableFileName(holder);
    if (!names.delete(name)) continue;
    const table = readTable(directory, name, holder, uid);
    if (table) tables.set(holder, table);
  }
  for (const leftover of names) unlink(`${directory}/${leftover}`);
  return tables;
}
