// Generated command lines for vLLM and SGLang, checked against the flags the engines really accept.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildLaunch } from "../../../src/core/launch/build-launch.ts";
import { hostForUrl } from "../../../src/core/launch/url-host.ts";
import type { Backend, LaunchContext } from "../../../src/core/launch/launch-types.ts";
import { ownedFlagIn } from "../../../src/core/launch/owned-flags.ts";
import { splitCommand } from "../../../src/core/launch/split-command.ts";
import { cluster, mustPlan } from "../plan/helpers.ts";

// A copy kept in the repository; its provenance (repository, commit, date) is in test/fixtures/README.md.
const ENGINE_FLAGS_PATH = resolve(import.meta.dir, "../../fixtures/engine-flags.json");

function context(backend: Backend, extra: Partial<LaunchContext> = {}): LaunchContext {
  const host = extra.host ?? "10.1.2.3";
  return { backend, host, advertiseHost: host, seedBase: 100, visibleDevices: "index", runDirectory: "/run/x", nodeRank: 0, userArgs: [], baseEnvironment: { PATH: "/usr/bin" }, ...extra };
}

function launches(spec: string, nodes: number, gpusPerNode: number, backend: Backend, extra: Partial<LaunchContext> = {}) {
  const plan = mustPlan(spec, cluster(nodes, gpusPerNode));
  return plan.servers.flatMap((server) =>
    server.placements.map((placement) => {
      const gpus = server.gpus.map((index) => ({ index, uuid: `GPU-${placement.node}-${index}` }));
      const result = buildLaunch(server, placement, gpus, context(backend, { ...extra, nodeRank: placement.node }));
      if (!result.ok) throw new Error(result.issues[0]!.message);
      return { server, placement, launch: result.value };
    }),
  );
}

/** Every flag berth generates, for the engine's parser: long options only, values skipped. */
function generatedFlags(argv: readonly string[]): string[] {
  return argv.filter((argument) => argument.startsWith("--"));
}

describe("against the engines' own flags (test/fixtures/engine-flags.json)", () => {
  const engines = JSON.parse(readFileSync(ENGINE_FLAGS_PATH, "utf8"));

  test.each([
    ["vllm:d4t2", 1, 8],
    ["vllm:d2t2p2", 1, 8],
    ["vllm:d16t1", 2, 8],
    ["vllm:d1t8p1", 1, 8],
  ])("vllm %s on %d×%d uses only flags vLLM accepts", (spec, nodes, gpusPerNode) => {
    for (const { launch } of launches(spec, nodes, gpusPerNode, "vllm")) {
      expect(launch.argv.slice(0, 2)).toEqual(["vllm", "serve"]);
      for (const flag of generatedFlags(launch.argv)) expect(engines.vllm.flags).toContain(flag);
    }
  });

  test.each([
    ["sglang:d4t2", 1, 8],
    ["sglang:d2t2p2", 1, 8],
    ["sglang:d2t16", 4, 8],
    ["sglang:d1t32", 4, 8],
  ])("sglang %s on %d×%d uses only flags SGLang accepts", (spec, nodes, gpusPerNode) => {
    for (const { launch } of launches(spec, nodes, gpusPerNode, "sglang", { leaderAddress: "leader-0" })) {
      expect(launch.argv.slice(0, 3)).toEqual(["python3", "-m", "sglang.launch_server"]);
      for (const flag of generatedFlags(launch.argv)) expect(engines.sglang.flags).toContain(flag);
    }
  });
});

describe("what each server gets", () => {
  test("vLLM: its block's ports, tp/pp, a seed of base + index, VLLM_PORT inside the block, its own caches", () => {
    const [first, second] = launches("vllm:d2t2", 1, 8, "vllm", { userArgs: ["Qwen/Qwen3-8B", "--max-model-len", "8192"] });
    expect(second!.launch.argv).toEqual([
      "vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "8192",
      "--host", "10.1.2.3", "--port", "10018", "--tensor-parallel-size", "2", "--pipeline-parallel-size", "1", "--seed", "101",
    ]);
    expect(second!.launch.env).toMatchObject({
      CUDA_VISIBLE_DEVICES: "2,3", CUDA_DEVICE_ORDER: "PCI_BUS_ID", VLLM_PORT: "10020", BERTH_SERVER: "1", BERTH_PORT: "10018",
      BERTH_DIST_PORT: "10019", BERTH_PORTS: "10018-10035", TRITON_CACHE_DIR: "/run/x/server-1/triton", PATH: "/usr/bin",
    });
    expect(first!.launch.env.TRITON_CACHE_DIR).not.toBe(second!.launch.env.TRITON_CACHE_DIR);
    expect(second!.launch.url).toBe("http://10.1.2.3:10018");
  });

  test("--visible-devices uuid puts full UUIDs in CUDA_VISIBLE_DEVICES", () => {
    const [only] = launches("vllm:d1t2", 1, 8, "vllm", { visibleDevices: "uuid" });
    expect(only!.launch.env.CUDA_VISIBLE_DEVICES).toBe("GPU-0-0,GPU-0-1");
  });

  test("SGLang: --nccl-port from the block, SGLANG_PORT inside it", () => {
    const [only] = launches("sglang:d1t4", 1, 8, "sglang");
    expect(only!.launch.argv).toEqual(["python3", "-m", "sglang.launch_server", "--host", "10.1.2.3", "--port", "10000", "--tp-size", "4", "--pp-size", "1", "--random-seed", "100", "--nccl-port", "10001"]);
    expect(Number(only!.launch.env.SGLANG_PORT)).toBeGreaterThan(10001);
    expect(Number(only!.launch.env.SGLANG_PORT)).toBeLessThan(10233);
  });

  test("multi-node SGLang: --nnodes, --node-rank per node, --dist-init-addr at the leader; only the leader has a URL", () => {
    const placed = launches("sglang:d1t16", 2, 8, "sglang", { leaderAddress: "leader-0" });
    expect(placed.map(({ launch }) => launch.argv.slice(-6))).toEqual([
      ["--nnodes", "2", "--node-rank", "0", "--dist-init-addr", "leader-0:10001"],
      ["--nnodes", "2", "--node-rank", "1", "--dist-init-addr", "leader-0:10001"],
    ]);
    expect(placed.map(({ launch }) => launch.url)).toEqual(["http://10.1.2.3:10000", ""]);
  });

  test("multi-node without a leader address, and multi-node vLLM, are refused", () => {
    const plan = mustPlan("sglang:d1t16", cluster(2, 8));
    const server = plan.servers[0]!;
    const result = buildLaunch(server, server.placements[0]!, [], context("sglang"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message).toContain("pass --leader-addr");
    const vllm = buildLaunch(server, server.placements[0]!, [], context("vllm"));
    if (!vllm.ok) expect(vllm.issues[0]!.message).toContain("vLLM needs Ray");
    expect(vllm.ok).toBe(false);
  });

  test("cmd: placeholders are filled in", () => {
    const [, second] = launches("vllm:d2", 1, 8, "cmd", { userArgs: ["serve", "--port={port}", "{dist_port}", "{host}", "{gpus}", "{server}", "{local}", "{node}", "{seed}", "{tp}", "{pp}", "{{literal}}"] });
    expect(second!.launch.argv).toEqual(["serve", "--port=10018", "10019", "10.1.2.3", "1", "1", "1", "0", "101", "1", "1", "{literal}"]);
  });

  test("cmd: an unknown placeholder is refused, naming it", () => {
    expect(() => launches("vllm:d1", 1, 8, "cmd", { userArgs: ["serve", "{unknown}"] })).toThrow("unknown placeholder {unknown}");
  });

  test("--engine-cmd replaces the engine's executable", () => {
    const [only] = launches("vllm:d1", 1, 8, "vllm", { engineCommand: ["python3", "-m", "areal.thirdparty.vllm.server"] });
    expect(only!.launch.argv.slice(0, 3)).toEqual(["python3", "-m", "areal.thirdparty.vllm.server"]);
  });

  test("IPv6 hosts are bracketed in URLs", () => {
    expect(hostForUrl("fd00::1")).toBe("[fd00::1]");
    expect(hostForUrl("10.0.0.1")).toBe("10.0.0.1");
  });
});

test.each([
  [["--port", "1"], "vllm", "--port"],
  [["--port=1"], "vllm", "--port"],
  [["-tp", "2"], "vllm", "-tp"],
  [["--tensor_parallel_size", "2"], "vllm", "--tensor-parallel-size"],
  [["--tensor-parallel", "2"], "vllm", "--tensor-parallel-size"],
  [["--seed", "3"], "vllm", "--seed"],
  [["--tp", "2"], "sglang", "--tp"],
  [["--nccl-port", "2"], "sglang", "--nccl-port"],
  [["--base-gpu-id", "2"], "sglang", "--base-gpu-id"],
  [["--dist-init-addr", "x:1"], "sglang", "--dist-init-addr"],
])("owned flag %p for %s", (args, backend, flag) => {
  expect(ownedFlagIn(args, backend as Backend)?.flag).toBe(flag);
});

test.each([
  [["--max-model-len", "8192", "--port-offset"], "vllm"],
  [["--model-path", "m", "--mem-fraction-static", "0.8"], "sglang"],
  [["--port", "1"], "cmd"],
])("not owned: %p for %s", (args, backend) => {
  expect(ownedFlagIn(args, backend as Backend)).toBeUndefined();
});

test.each([
  ["python3 -m areal.server", ["python3", "-m", "areal.server"]],
  ["  a   b ", ["a", "b"]],
  ['sh -c "echo hi"', ["sh", "-c", "echo hi"]],
  ["a 'b c' \"\"", ["a", "b c", ""]],
  ['"unclosed', undefined],
  ["", []],
])("splitCommand(%p)", (text, expected) => {
  expect(splitCommand(text)).toEqual(expected as string[] | undefined);
});
