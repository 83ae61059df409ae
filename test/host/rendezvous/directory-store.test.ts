// The directory store's compare-and-set, as a rank's one-owner rule needs it: generation files created with
// link(2), the highest generation wins, and a writer whose key was taken over learns it at its next write.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDirectoryStore } from "../../../src/host/rendezvous/directory-store.ts";
import { storeTroubleReporter } from "../../../src/host/rendezvous/store-trouble.ts";

const quiet = { warn: () => {} };

describe("the directory store", () => {
  test("claim creates once; a takeover names the version it replaces; the old owner's update then fails", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-store-"));
    const store = openDirectoryStore(root, "job", { writer: true, ...quiet });
    const first = await store.claim("attempts/a/nodes/0", "one");
    expect(first).toEqual({ ok: true, version: "1" });
    expect(await store.claim("attempts/a/nodes/0", "again")).toEqual({ ok: false, current: { key: "attempts/a/nodes/0", value: "one", version: "1" } });
    expect(await store.claim("attempts/a/nodes/0", "stale", "7")).toMatchObject({ ok: false });
    expect(await store.claim("attempts/a/nodes/0", "two", "1")).toEqual({ ok: true, version: "2" });
    expect(readdirSync(join(root, "job"))).toEqual(["attempts~a~nodes~0@2"]); // the replaced generation is gone
    expect(await store.update("attempts/a/nodes/0", "one again", "1")).toEqual({ ok: false, current: { key: "attempts/a/nodes/0", value: "two", version: "2" } });
    expect(await store.update("attempts/a/nodes/0", "two, heartbeat 2", "2")).toEqual({ ok: true, version: "2" });
    expect(await store.get("attempts/a/nodes/0")).toEqual({ key: "attempts/a/nodes/0", value: "two, heartbeat 2", version: "2" });
    await store.close();
  });

  test("list gives each key's highest generation under a prefix; a prefix removal clears an attempt", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-store-"));
    const store = openDirectoryStore(root, "job", { writer: true, ...quiet });
    await store.claim("attempts/a/nodes/0", "a0");
    await store.claim("attempts/a/nodes/1", "a1");
    await store.claim("attempts/b/nodes/0", "b0");
    await store.claim("attempts/a/nodes/1", "a1 again", "1");
    expect((await store.list("attempts/a/")).map((value) => [value.key, value.value]).sort()).toEqual([["attempts/a/nodes/0", "a0"], ["attempts/a/nodes/1", "a1 again"]]);
    await store.remove("attempts/a/");
    expect(readdirSync(join(root, "job"))).toEqual(["attempts~b~nodes~0@1"]);
    await store.close();
  });

  test("a reader never creates the job's directory: before any node comes, it sees nothing", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-store-"));
    const reader = openDirectoryStore(root, "job", { writer: false, ...quiet });
    expect(await reader.list("attempts/")).toEqual([]);
    expect(await reader.get("current-attempt")).toBeUndefined();
    expect(existsSync(join(root, "job"))).toBe(false);
  });
});

describe("store trouble, said in berth's words", () => {
  test("once when it starts, once when it ends; a verdict only past the grace", () => {
    const said: string[] = [];
    const trouble = storeTroubleReporter("etcd http://10.0.0.5:2379", 60_000, (text) => said.push(text));
    expect(trouble.failed("cannot reach etcd at http://10.0.0.5:2379: connection refused")).toBeUndefined();
    expect(trouble.failed("cannot reach etcd at http://10.0.0.5:2379: connection refused")).toBeUndefined();
    trouble.worked();
    expect(said).toEqual([
      "cannot reach the rendezvous etcd http://10.0.0.5:2379: cannot reach etcd at http://10.0.0.5:2379: connection refused; the servers keep running, retrying for up to 60s",
      "the rendezvous etcd http://10.0.0.5:2379 is reachable again after 0s",
    ]);
    const impatient = storeTroubleReporter("/shared/rdv/job", -1, () => {});
    expect(impatient.failed("EROFS")).toBe("the rendezvous /shared/rdv/job was unreachable for 0s, past its grace of 0s: EROFS");
  });
});
