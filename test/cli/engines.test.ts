// `berth run --backend vllm` and `--backend sglang` for real, against stand-in engines that start and fail
// the way the engines do (test/fixtures/engines/): the real flag tables, vLLM's ipc:// RPC sockets and
// VLLM_PORT scan, SGLang's dist-init TCPStore and SGLANG_PORT range, KV-events publishers, listening only
// after a "model load". `vllm` and `python3` on PATH are the stand-ins.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT, runBerth } from "../support/berth-process.ts";
import { killLeftoverBerths, startBerth, waitFor, type RunningBerth } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const STAND_INS = resolve(REPO_ROOT, "test/fixtures/engines/bin");
const KV_EVENTS = '{"enable_kv_cache_events":true,"publisher":"zmq","endpoint":"tcp://*:{kv_events_port}"}';

interface EngineRecord {
  argv: string[];
  env: Record<string, string>;
  bound: Record<string, number | string>;
}

interface ManifestServer {
  ports: { http: number; first: number; last: number; kvEvents: number; bootstrap: number; internal: { first: number; last: number } };
  url: string;
  state: string;
  restarts: number;
}

function engineRun(spec: string, gpus: number, args: string[], extra: { env?: Record<string, string>; flags?: string[] } = {}) {
  const records = mkdtempSync(join(tmpdir(), "berth-engines-"));
  const manifest = join(records, "manifest.json");
  const env = { PATH: `${STAND_INS}:${process.env.PATH}`, FAKE_ENGINE_RECORDS: records, ...extra.env };
  const berth = startBerth(["run", ...(spec ? [spec] : []), "--simulate", "--gpus-per-node", String(gpus), "--port-pool", freePortWindow(200).pool, "--host", "127.0.0.1", "--json", "--grace", "3s", "--manifest", manifest, ...(extra.flags ?? []), "--", ...args], { env });
  const read = () => ({
    records: readdirSync(records).filter((name) => name.endsWith(".json") && name !== "manifest.json").sort().map((name) => JSON.parse(readFileSync(join(records, name), "utf8")) as EngineRecord),
    servers: JSON.parse(readFileSync(manifest, "utf8")).servers as ManifestServer[],
  });
  return { berth, read };
}

function inBlock(port: number | string, server: ManifestServer): boolean {
  return typeof port === "number" && port >= server.ports.first && port <= server.ports.last;
}

async function stopped(berth: RunningBerth): Promise<void> {
  berth.kill("SIGTERM");
  expect(await berth.result()).toExitWith(143);
}

describe("vLLM, through its stand-in", () => {
  test("two co-located servers come up healthy; every port each opens (RPC socket, VLLM_PORT scan, KV events, HTTP) is its own and in its block", async () => {
    const { berth, read } = engineRun("vllm:d2", 2, ["Qwen/Qwen3-0.6B", "--max-model-len", "4096", "--kv-events-config", KV_EVENTS]);
    await berth.waitForEvent((event) => event.event === "ready", "both vLLM stand-ins healthy");
    const { records, servers } = read();
    expect(records).toHaveLength(2);
    for (const [index, record] of records.entries()) {
      const server = servers[index]!;
      expect(record.argv.slice(0, 2)).toEqual(["serve", "Qwen/Qwen3-0.6B"]);
      expect(String(record.bound.rpc).startsWith(`${record.env.VLLM_RPC_BASE_PATH}/`)).toBe(true);
      for (const port of [record.bound.internal, record.bound.kvEvents, record.bound.http]) expect(inBlock(port!, server)).toBe(true);
      expect(record.bound.kvEvents).toBe(server.ports.kvEvents);
      expect(record.bound.internal).toBe(server.ports.internal.first);
      expect(record.env.XDG_CACHE_HOME).toBeUndefined(); // the HuggingFace cache stays where the user has it
    }
    await stopped(berth);
    expect(read().servers.map((server) => server.state)).toEqual(["stopped", "stopped"]);
  });

  test("a start that fails is restarted on the same ports and comes back healthy", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "berth-engines-")), "failed-once");
    const { berth, read } = engineRun("vllm:d1", 1, ["Qwen/Qwen3-0.6B"], { env: { FAKE_ENGINE_FAIL_FIRST: marker }, flags: ["--restart", "on-failure", "--max-restarts", "1"] });
    await berth.waitForEvent((event) => event.event === "ready", "healthy after the restart");
    expect(berth.events.filter((event) => event.state === "restarting")).toHaveLength(1);
    const { records, servers } = read();
    expect(servers[0]).toMatchObject({ state: "healthy", restarts: 1 });
    expect(records[0]!.bound.http).toBe(servers[0]!.ports.http);
    await stopped(berth);
  });

  test("an argument vLLM does not know fails the start-up with vLLM's own message (exit 2)", async () => {
    const { berth } = engineRun("vllm:d1", 1, ["Qwen/Qwen3-0.6B", "--override-attention-dtype", "fp16"]);
    expect(await berth.result()).toExitWith(2);
    expect(berth.events.some((event) => String(event.text).includes("unrecognized arguments: --override-attention-dtype"))).toBe(true);
  });

  test("AReaL's vLLM server module with --model and its worker extension", async () => {
    const { berth, read } = engineRun("vllm:d1", 1, ["--model", "Qwen/Qwen3-0.6B", "--worker-extension-cls", "areal.engine.vllm_ext.vllm_worker_extension.VLLMWorkerExtension"], {
      flags: ["--engine-cmd", "python3 -m areal.engine.vllm_ext.areal_vllm_server"],
    });
    const ready = await berth.waitForEvent((event) => event.event === "ready", "AReaL's vLLM server healthy");
    expect(read().records[0]!.argv).toContain("--worker-extension-cls");
    expect((await fetch(`${ready.urls![0]}/areal_update_weights`)).status).toBe(200);
    await stopped(berth);
  });
});

describe("SGLang, through its stand-in", () => {
  test("two TP=2 servers: the dist-init TCPStore, SGLANG_PORT's range and KV events are each server's own, inside its block", async () => {
    const { berth, read } = engineRun("sglang:d2t2", 4, ["--model-path", "Qwen/Qwen3-0.6B", "--kv-events-config", KV_EVENTS]);
    await berth.waitForEvent((event) => event.event === "ready", "both SGLang stand-ins healthy");
    const { records, servers } = read();
    for (const [index, record] of records.entries()) {
      const server = servers[index]!;
      expect(servers[index]!.ports.last - servers[index]!.ports.first + 1).toBe(32);
      for (const port of [record.bound.http, record.bound.distInit, record.bound.broadcast, record.bound.kvEvents]) expect(inBlock(port!, server)).toBe(true);
      expect(record.argv).not.toContain("--nccl-port");
      expect(record.env.CUDA_VISIBLE_DEVICES).toMatch(/^\d+,\d+$/);
    }
    await stopped(berth);
  });

  test("--visible-devices uuid is refused before anything starts (SGLang would crash at TP > 1)", async () => {
    const run = await runBerth(["run", "sglang:d1t2", "--simulate", "--gpus-per-node", "2", "--visible-devices", "uuid", "--", "--model-path", "m"], { env: { PATH: `${STAND_INS}:${process.env.PATH}` } });
    expect(run).toExitWith(2);
    expect(run.stderr).toContain("--visible-devices uuid cannot be used with SGLang");
  });

  test("AReaL's SGLang launch module", async () => {
    const { berth, read } = engineRun("sglang:d1", 1, ["--model-path", "Qwen/Qwen3-0.6B"], { flags: ["--engine-cmd", "python3 -m areal.v2.inference_service.sglang.launch_server"] });
    await berth.waitForEvent((event) => event.event === "ready", "AReaL's SGLang server healthy");
    await waitFor(() => read().records.length === 1, "its record");
    await stopped(berth);
  });
});

describe("a mixed job on one line", () => {
  test("a vLLM and an SGLang component, each with its own engine command, arguments and variables (flags and [components.NAME])", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-mixed-"));
    const config = join(directory, "berth.toml");
    require("node:fs").writeFileSync(config, `spec = "vllm[rollout]:d1+sglang[judge]:d1t2"\n\n[components.judge]\nargs = ["--model-path", "Qwen/Qwen3-0.6B"]\nenv = { SGLANG_JUDGE_MARK = "judge-only" }\n`);
    const { berth, read } = engineRun("", 3, [], {
      flags: ["--config", config, "--engine-cmd", "rollout=python3 -m areal.engine.vllm_ext.areal_vllm_server", "--args", "rollout=--model Qwen/Qwen3-0.6B --max-model-len 4096 --worker-extension-cls areal.engine.vllm_ext.vllm_worker_extension.VLLMWorkerExtension", "--args", "judge=--mem-fraction-static 0.8"],
    });
    await berth.waitForEvent((event) => event.event === "ready", "both stand-ins healthy");
    await waitFor(() => read().records.length === 2, "both records");
    const [rollout, judge] = read().records.sort((a, b) => Number(a.env.BERTH_SERVER) - Number(b.env.BERTH_SERVER));
    // Each stand-in rejects what its engine would: a flag of the other engine would have failed the start.
    expect(rollout!.argv.slice(0, 5)).toEqual(["--areal", "--model", "Qwen/Qwen3-0.6B", "--max-model-len", "4096"]); // --areal: the stand-in's mark for AReaL's module
    expect(rollout!.argv).not.toContain("--mem-fraction-static");
    expect(rollout!.env.SGLANG_JUDGE_MARK).toBeUndefined();
    expect(judge!.argv.slice(0, 4)).toEqual(["--model-path", "Qwen/Qwen3-0.6B", "--mem-fraction-static", "0.8"]);
    expect(judge!.argv).toContain("--tp-size");
    expect(judge!.env.SGLANG_JUDGE_MARK).toBe("judge-only");
    await stopped(berth);
  });

  test("an --args for a component the spec does not have is bad input naming the components", async () => {
    const run = await runBerth(["run", "vllm[rollout]:d1+sglang[judge]:d1", "--simulate", "--gpus-per-node", "2", "--args", "actor=--x", "--", "m"]);
    expect(run).toExitWith(2);
    expect(run.stderr).toBe(`berth: bad value "actor=--x" for --args: the spec has no component 'actor'; its components are rollout, judge\n`);
  });

  test("a flag berth sets itself in one component's --args is refused, naming the component", async () => {
    const run = await runBerth(["run", "vllm[rollout]:d1+sglang[judge]:d1", "--simulate", "--gpus-per-node", "2", "--args", "judge=--port 9", "--", "m"]);
    expect(run).toExitWith(2);
    expect(run.stderr).toMatch(/^berth: --port in judge's --args sets --port, which berth sets itself/);
  });
});

describe("ports the engines would take from fixed defaults", () => {
  test("a --kv-events-config without an endpoint gets the block's port: two vLLM servers no longer collide on 5557", async () => {
    const { berth, read } = engineRun("vllm:d2", 2, ["Qwen/Qwen3-0.6B", "--kv-events-config", '{"enable_kv_cache_events":true,"publisher":"zmq"}']);
    await berth.waitForEvent((event) => event.event === "ready", "both vLLM stand-ins healthy");
    const { records, servers } = read();
    expect(records.map((record) => record.bound.kvEvents)).toEqual(servers.map((server) => server.ports.kvEvents));
    await stopped(berth);
  });

  test("SGLang in gRPC mode gets its gRPC port from the block, not --port + 10000; --grpc-port after -- is berth's", async () => {
    const { berth, read } = engineRun("sglang:d2", 2, ["--model-path", "Qwen/Qwen3-0.6B", "--grpc-mode"]);
    await berth.waitForEvent((event) => event.event === "ready", "both SGLang stand-ins healthy");
    const { records, servers } = read();
    for (const [index, record] of records.entries()) expect(inBlock(record.bound.grpc!, servers[index]!)).toBe(true);
    await stopped(berth);
    const owned = await runBerth(["run", "sglang:d1", "--simulate", "--gpus-per-node", "1", "--dry-run", "--", "--model-path", "m", "--grpc-port", "50051"]);
    expect(owned).toExitWith(2);
    expect(owned.stderr).toContain("--grpc-port after -- sets --grpc-port, which berth sets itself");
  });
});
