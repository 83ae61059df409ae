// Reads the two facts of an ELF executable that say where it can run: the machine it is built for and
// the dynamic loader it asks for (glibc's or musl's), from the headers themselves.
import { openSync, readSync, closeSync } from "node:fs";

const MACHINES: Record<number, string> = { 62: "x86-64", 183: "aarch64" };
const PT_INTERP = 3;

export interface ElfFacts {
  machine: string;
  interpreter: string | null;
}

export function elfFacts(path: string): ElfFacts {
  const descriptor = openSync(path, "r");
  try {
    const header = Buffer.alloc(64);
    readSync(descriptor, header, 0, 64, 0);
    if (header.toString("latin1", 0, 4) !== "\x7fELF" || header[4] !== 2) throw new Error(`${path} is not a 64-bit ELF file`);
    const machine = MACHINES[header.readUInt16LE(18)] ?? `machine ${header.readUInt16LE(18)}`;
    const programHeaders = Number(header.readBigUInt64LE(32));
    const entrySize = header.readUInt16LE(54);
    const count = header.readUInt16LE(56);
    const table = Buffer.alloc(entrySize * count);
    readSync(descriptor, table, 0, table.length, programHeaders);
    for (let index = 0; index < count; index++) {
      const entry = index * entrySize;
      if (table.readUInt32LE(entry) !== PT_INTERP) continue;
      const interpreter = Buffer.alloc(Number(table.readBigUInt64LE(entry + 32)));
      readSync(descriptor, interpreter, 0, interpreter.length, Number(table.readBigUInt64LE(entry + 8)));
      return { machine, interpreter: interpreter.toString("latin1").replace(/\0+$/, "") };
    }
    return { machine, interpreter: null };
  } finally {
    closeSync(descriptor);
  }
}
