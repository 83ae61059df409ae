// The files a run writes besides its servers' own (--manifest, --log-dir), checked before the first lock is
// taken by really writing there: a path that cannot be written is refused with one line, instead of raw
// errno lines mid-run, a ready announced with no manifest, or a hang holding GPUs and ports.
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { badInput, environmentRefusal, refused, succeeded, type Outcome, type Refusal } from "../../core/refusal.ts";

/** The host's doing (a read-only or full filesystem, an immutable directory), not the path the user gave. */
const HOST_ERRORS = new Set(["EROFS", "ENOSPC", "EDQUOT", "EIO", "EPERM"]);

function refusalFor(what: string, path: string, error: unknown): Refusal {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  const message = `cannot write ${what} ${path}: ${code} (${(error as Error).message.replace(/^[A-Z]+: /, "").split(",")[0]})`;
  return HOST_ERRORS.has(code) ? environmentRefusal(message) : badInput(message);
}

/** Creates, writes one byte to and removes a probe file in `directory`. */
function probeWrite(directory: string, what: string, path: string): Refusal | undefined {
  const probe = `${directory}/.berth-probe-${process.pid}`;
  try {
    const fd = openSync(probe, "wx", 0o600);
    try {
      writeSync(fd, "x");
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
    return undefined;
  } catch (error) {
    return refusalFor(what, path, error);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function checkManifestPath(path: string | undefined, origin: string): Outcome<void> {
  if (path === undefined) return succeeded(undefined);
  if (isDirectory(path)) return refused(badInput(`bad value ${JSON.stringify(path)} for ${origin}: it is a directory; give a file path, e.g. ${path.replace(/\/$/, "")}/manifest.json`));
  const directory = dirname(path);
  if (!isDirectory(directory)) return refused(badInput(`bad value ${JSON.stringify(path)} for ${origin}: its directory ${directory} does not exist`));
  const problem = probeWrite(directory, "the manifest", path);
  return problem ? refused(problem) : succeeded(undefined);
}

export function prepareLogDirectory(directory: string | undefined): Outcome<void> {
  if (directory === undefined) return succeeded(undefined);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    return refused(refusalFor("the log directory", directory, error));
  }
  const problem = probeWrite(directory, "the log directory", directory);
  return problem ? refused(problem) : succeeded(undefined);
}
