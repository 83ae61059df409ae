// statx through syscall(3) must read the same facts as the kernel's stat, field by field.
import { expect, test } from "bun:test";
import { chmodSync, mkdtempSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { close, open, statOpenFile } from "../../src/ffi/libc.ts";
import { O_CLOEXEC, O_RDONLY } from "../../src/ffi/linux-constants.ts";
import { splitDevice } from "../../src/core/registry/proc-locks.ts";

test.each([
  ["a file of mode 0600", 0o600, false],
  ["a file of mode 0644", 0o644, false],
  ["a directory of mode 0700", 0o700, true],
])("%s: owner, mode, inode and device match node:fs", (_label, mode, directory) => {
  const root = mkdtempSync(join(tmpdir(), "berth-statx-"));
  const path = directory ? root : join(root, "file");
  if (!directory) writeFileSync(path, "x");
  chmodSync(path, mode);
  const opened = open(path, O_RDONLY | O_CLOEXEC);
  if (!opened.ok) throw new Error(opened.name);
  try {
    const status = statOpenFile(opened.value);
    if (!status.ok) throw new Error(`statx failed: ${status.name}`);
    const expected = statSync(path, { bigint: true });
    const { major, minor } = splitDevice(expected.dev);
    expect(status.value).toEqual({ uid: Number(expected.uid), gid: Number(expected.gid), mode: Number(expected.mode), inode: expected.ino, deviceMajor: major, deviceMinor: minor, links: Number(expected.nlink), size: Number(expected.size) });
    expect(status.value.mode & 0o777).toBe(mode);
  } finally {
    close(opened.value);
  }
});

test("an open file that has been unlinked has no links left, and its size is read", () => {
  const root = mkdtempSync(join(tmpdir(), "berth-statx-"));
  const path = join(root, "lock");
  writeFileSync(path, "x".repeat(300));
  const opened = open(path, O_RDONLY | O_CLOEXEC);
  if (!opened.ok) throw new Error(opened.name);
  try {
    expect(statOpenFile(opened.value)).toMatchObject({ ok: true, value: { links: 1, size: 300 } });
    unlinkSync(path);
    expect(statOpenFile(opened.value)).toMatchObject({ ok: true, value: { links: 0, size: 300 } });
  } finally {
    close(opened.value);
  }
});

test("a closed descriptor is EBADF by name", () => {
  const status = statOpenFile(1_000_000);
  expect(status).toEqual({ ok: false, errno: 9, name: "EBADF" });
});
