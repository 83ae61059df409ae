// Files written where others might meddle: nothing planted at a name is ever written through.
import { describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createExclusively, readRegularFile, unguessableName, writeReplacing } from "../../../src/host/files/safe-files.ts";
import { openGuardedDirectory } from "../../../src/host/files/guarded-directory.ts";

const place = (directory: string) => (name: string) => join(directory, name);

describe("safe files", () => {
  test("writeReplacing over a planted symlink replaces the link; its target is untouched", () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-safe-"));
    writeFileSync(join(directory, "victim"), "precious");
    symlinkSync(join(directory, "victim"), join(directory, "record"));
    expect(writeReplacing(place(directory), "record", "new").ok).toBe(true);
    expect(readFileSync(join(directory, "victim"), "utf8")).toBe("precious");
    expect(lstatSync(join(directory, "record")).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(directory, "record"), "utf8")).toBe("new");
    expect(readdirSync(directory).filter((name) => name.endsWith(".tmp"))).toEqual([]); // no partial file left
  });

  test("createExclusively is a compare-and-set: the second writer, or a planted symlink, finds the name taken", () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-safe-"));
    expect(createExclusively(place(directory), "claim", "first")).toEqual({ ok: true, value: "created" });
    expect(createExclusively(place(directory), "claim", "second")).toEqual({ ok: true, value: "exists" });
    expect(readFileSync(join(directory, "claim"), "utf8")).toBe("first");
    writeFileSync(join(directory, "victim"), "precious");
    symlinkSync(join(directory, "victim"), join(directory, "planted"));
    expect(createExclusively(place(directory), "planted", "x")).toEqual({ ok: true, value: "exists" });
    expect(readFileSync(join(directory, "victim"), "utf8")).toBe("precious");
  });

  test("readRegularFile refuses symlinks, FIFOs and oversized files, and says who owns what it reads", () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-safe-"));
    writeFileSync(join(directory, "ok"), "{}");
    symlinkSync("/etc/passwd", join(directory, "link"));
    mkdirSync(join(directory, "dir"));
    Bun.spawnSync(["mkfifo", join(directory, "fifo")]);
    writeFileSync(join(directory, "big"), "x".repeat(100));
    expect(readRegularFile(place(directory), "ok")).toEqual({ ok: true, value: { text: "{}", uid: process.getuid!() } });
    expect(readRegularFile(place(directory), "link")).toMatchObject({ ok: false, name: "ELOOP" });
    expect(readRegularFile(place(directory), "fifo")).toMatchObject({ ok: false, name: "EINVAL" }); // and it did not block
    expect(readRegularFile(place(directory), "dir")).toMatchObject({ ok: false });
    expect(readRegularFile(place(directory), "big", 10)).toMatchObject({ ok: false, name: "EFBIG" });
  });

  test("unguessable names do not repeat", () => {
    const names = new Set(Array.from({ length: 1000 }, unguessableName));
    expect(names.size).toBe(1000);
    expect([...names][0]).toMatch(/^\.berth-[0-9a-f]{16}\.tmp$/);
  });
});

describe("guarded directories", () => {
  test("made 0700 when missing; a directory writable by others or a symlink is refused, naming it", () => {
    const root = mkdtempSync(join(tmpdir(), "berth-guard-"));
    const made = openGuardedDirectory(join(root, "a/b/job"), { createMode: 0o700, what: "the job's directory" });
    expect(made.ok).toBe(true);
    if (made.ok) made.directory.close();
    expect(lstatSync(join(root, "a/b/job")).mode & 0o777).toBe(0o700);
    mkdirSync(join(root, "open"), { mode: 0o777 });
    Bun.spawnSync(["chmod", "0777", join(root, "open")]);
    const open = openGuardedDirectory(join(root, "open"), { what: "the job's directory" });
    expect(open.ok ? "" : open.problem.message).toBe(`the job's directory ${root}/open is writable by others (mode 777); refusing it (chmod go-w it)`);
    symlinkSync(join(root, "a"), join(root, "link"));
    const link = openGuardedDirectory(join(root, "link"), { what: "the job's directory" });
    expect(link.ok ? "" : link.problem.kind).toBe("symlink");
  });
});
