// Everything a command touches of its process, so tests can run commands in-process with captured output.
import { isTerminal, writeAll } from "../host/terminal.ts";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  /** The terminal's width, when stdout is one (for --help). */
  columns?: number;
  /** The terminal's height, when stderr is one (the live table must fit it). */
  rows?: number;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  let isTTY: boolean | undefined;
  return {
    stdout: (text) => writeAll(1, text),
    stderr: (text) => writeAll(2, text),
    // Asked lazily: commands that never look (--version) skip the check.
    get isTTY() {
      isTTY ??= isTerminal(1);
      return isTTY;
    },
    get columns() {
      return process.stdout.columns;
    },
    get rows() {
      return process.stderr.rows;
    },
    env: process.env,
  };
}

/** Collects output in memory; used by tests and the fuzz harness. */
export function memoryIo(env: Record<string, string | undefined> = {}, isTTY = false): Io & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    isTTY,
    env,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}
