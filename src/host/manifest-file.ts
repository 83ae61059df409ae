// Writes the manifest atomically: a new file under an unguessable name in the manifest's directory (O_EXCL,
// O_NOFOLLOW: nothing planted in a shared /tmp is written through), then renamed over the manifest, so
// readers never see half a file.
import { close, open } from "../ffi/libc.ts";
import { O_CLOEXEC, O_DIRECTORY, O_RDONLY } from "../ffi/linux-constants.ts";
import { writeReplacing } from "./files/safe-files.ts";

export async function writeManifestAtomically(path: string, manifest: unknown): Promise<void> {
  const slash = path.lastIndexOf("/");
  const directory = slash === -1 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  const opened = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!opened.ok) throw new Error(`cannot write the manifest ${path}: ${opened.name} (its directory ${directory})`);
  try {
    const written = writeReplacing((name) => `/proc/self/fd/${opened.value}/${name}`, path.slice(slash + 1), `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
    if (!written.ok) throw new Error(`cannot write the manifest ${path}: ${written.name}`);
  } finally {
    close(opened.value);
  }
}
