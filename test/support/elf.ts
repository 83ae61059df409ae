// Reads the facts of an ELF executable that say where it can run: the machine it is built for, the dynamic
// loader it asks for (glibc's or musl's) and the shared libraries it needs, from the headers themselves.
import { closeSync, openSync, readSync } from "node:fs";

const MACHINES: Record<number, string> = { 62: "x86-64", 183: "aarch64" };
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

export interface ElfFacts {
  machine: string;
  interpreter: string | null;
  /** DT_NEEDED: the libraries the loader must find besides the binary itself, in the binary's order. */
  needed: string[];
}

interface Segment {
  type: number;
  offset: number;
  address: number;
  fileSize: number;
}

function read(descriptor: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  readSync(descriptor, buffer, 0, length, offset);
  return buffer;
}

function segmentsOf(descriptor: number, header: Buffer): Segment[] {
  const table = header.readBigUInt64LE(32);
  const entrySize = header.readUInt16LE(54);
  const count = header.readUInt16LE(56);
  const bytes = read(descriptor, Number(table), entrySize * count);
  return Array.from({ length: count }, (_, index) => {
    const entry = index * entrySize;
    return { type: bytes.readUInt32LE(entry), offset: Number(bytes.readBigUInt64LE(entry + 8)), address: Number(bytes.readBigUInt64LE(entry + 16)), fileSize: Number(bytes.readBigUInt64LE(entry + 32)) };
  });
}

/** A NUL-terminated string at a virtual address, found through the PT_LOAD segment that maps it. */
function stringAt(descriptor: number, segments: readonly Segment[], address: number): string {
  const load = segments.find((segment) => segment.type === PT_LOAD && address >= segment.address && address < segment.address + segment.fileSize);
  if (!load) throw new Error(`address ${address.toString(16)} is in no loaded segment`);
  const text = read(descriptor, address - load.address + load.offset, 256).toString("latin1");
  return text.slice(0, text.indexOf("\0"));
}

function neededLibraries(descriptor: number, segments: readonly Segment[]): string[] {
  const dynamic = segments.find((segment) => segment.type === PT_DYNAMIC);
  if (!dynamic) return [];
  const bytes = read(descriptor, dynamic.offset, dynamic.fileSize);
  const offsets: bigint[] = [];
  let strings: bigint | undefined;
  for (let entry = 0; entry + 16 <= bytes.length; entry += 16) {
    const tag = bytes.readBigInt64LE(entry);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) offsets.push(bytes.readBigUInt64LE(entry + 8));
    if (tag === DT_STRTAB) strings = bytes.readBigUInt64LE(entry + 8);
  }
  if (strings === undefined) return [];
  return offsets.map((offset) => stringAt(descriptor, segments, Number(strings! + offset)));
}

export function elfFacts(path: string): ElfFacts {
  const descriptor = openSync(path, "r");
  try {
    const header = read(descriptor, 0, 64);
    if (header.toString("latin1", 0, 4) !== "\x7fELF" || header[4] !== 2) throw new Error(`${path} is not a 64-bit ELF file`);
    const machine = MACHINES[header.readUInt16LE(18)] ?? `machine ${header.readUInt16LE(18)}`;
    const segments = segmentsOf(descriptor, header);
    const interp = segments.find((segment) => segment.type === PT_INTERP);
    const interpreter = interp ? read(descriptor, interp.offset, interp.fileSize).toString("latin1").replace(/\0+$/, "") : null;
    return { machine, interpreter, needed: neededLibraries(descriptor, segments) };
  } finally {
    closeSync(descriptor);
  }
}
