// Everything a command touches of its process, so tests can run commands in-process with captured output.

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Collects output in memory; used by tests and the fuzz harness. */
export function memoryIo(env: Record<string, string | undefined> = {}, isTTY = false): Io & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    isTTY,
    env,
    cwd: process.cwd(),
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}
