// Writes the manifest atomically (write a sibling file, then rename), so readers never see half a file.
import { rename } from "../ffi/libc.ts";

export async function writeManifestAtomically(path: string, manifest: unknown): Promise<void> {
  const partial = `${path}.${process.pid}.tmp`;
  await Bun.write(partial, `${JSON.stringify(manifest, null, 2)}\n`);
  const renamed = rename(partial, path);
  if (!renamed.ok) throw new Error(`cannot write the manifest ${path}: ${renamed.name}`);
}
