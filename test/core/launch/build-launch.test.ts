// Generated command lines for vLLM and SGLang, checked against the flags the engines really accept.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildLaunch, roleOf } from "../../../src/core/launch/build-launch.ts";
import { hostForUrl } from "../../../src/core/launch/url-host.ts";
import type { Backend, LaunchContext } from "../../../src/core/launch/launch-types.ts";
import { flagWarning, ownedFlagIn } from "../../../src/core/launch/owned-flags.ts";
import { splitCommand } from "../../../src/core/launch/split-command.ts";
import { cluster, mustPlan } from "../plan/helpers.ts";

// A copy kept in the repository; its provenance (repository, commit, date) is in test/fixtures/README.md.
const ENGINE_FLAGS_PATH = resolve(import.meta.dir, "../../fixtures/engine-flags.json");

function context(backend: Backend, extra: Partial<LaunchContext> = {}): LaunchContext {
  const host = extra.host ?? "10.1.2.3";
  return { backend, host, advertiseHost: host, seedBase: 100, visibleDevices: "index", runDirectory: "/run/x", shortDirectory: "/tmp/berth-1", nodeRank: 0, userArgs: [], baseEnvironment: { PATH: "/usr/bin" }, ...extra };
}

/** A full NVML-style UUID for node n, GPU i. */
function uuidOf(node: number, index: number): string {
  return `GPU-${String(node).padStart(8, "0")}-0000-4000-8000-${String(index).padStart(12, "0")}`;
}

function launches(spec: string, nodes: number, gpusPerNode: number, backend: Backend, extra: Partial<LaunchContext> = {}) {
  const plan = mustPlan(spec, cluster(nodes, gpusPerNode));
  return plan.servers.flatMap((server) =>
    server.placements.map((placement) => {
      const gpus = server.gpus.map((index) => ({ index, uuid: uuidOf(placement.node, index) }));
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
    ["vllm:d1t16", 2, 8],
    ["vllm:d1t8p2", 2, 8],
  ])("vllm %s on %d×%d uses only flags vLLM accepts", (spec, nodes, gpusPerNode) => {
    for (const { launch } of launches(spec, nodes, gpusPerNode, "vllm", { leaderAddress: "leader-0" })) {
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
  test("vLLM: its block's ports, tp/pp, a seed of base + index, every fixed-default port from the block, its own caches", () => {
    const [first, second] = launches("vllm:d2t2", 1, 8, "vllm", { userArgs: ["Qwen/Qwen3-8B", "--max-model-len", "8192"] });
    expect(second!.launch.argv).toEqual([
      "vllm", "serve", "Qwen/Qwen3-8B", "--max-model-len", "8192",
      "--host", "10.1.2.3", "--port", "10016", "--tensor-parallel-size", "2", "--pipeline-parallel-size", "1", "--seed", "101",
    ]);
    expect(second!.launch.env).toMatchObject({
      CUDA_VISIBLE_DEVICES: "2,3", CUDA_DEVICE_ORDER: "PCI_BUS_ID", BERTH_SERVER: "1", BERTH_PORT: "10016", BERTH_DIST_PORT: "10017", BERTH_PORTS: "10016-10031",
      VLLM_NIXL_SIDE_CHANNEL_PORT: "10018", VLLM_P2P_SIDE_CHANNEL_PORT: "10019", VLLM_EC_SIDE_CHANNEL_PORT: "10020", VLLM_MOONCAKE_BOOTSTRAP_PORT: "10021",
      BERTH_BOOTSTRAP_PORT: "10021", BERTH_KV_EVENTS_PORT: "10022", VLLM_PORT: "10023",
      TRITON_CACHE_DIR: "/run/x/server-1/triton", TORCHINDUCTOR_CACHE_DIR: "/run/x/server-1/inductor", VLLM_CACHE_ROOT: "/run/x/server-1/vllm",
      VLLM_RPC_BASE_PATH: "/run/x/server-1/rpc", PATH: "/usr/bin",
    });
    expect(second!.launch.directories).toEqual(["/run/x/server-1/rpc"]);
    expect(first!.launch.env.TRITON_CACHE_DIR).not.toBe(second!.launch.env.TRITON_CACHE_DIR);
    expect(second!.launch.url).toBe("http://10.1.2.3:10016");
  });

  test("vLLM's RPC directory moves to berth's short directory when the longest socket path would pass 107 bytes", () => {
    const long = `/scratch/${"deep/".repeat(14)}run`; // 83 bytes + /server-0/rpc + /<uuid4> > 107
    const [only] = launches("vllm:d1", 1, 8, "vllm", { runDirectory: long });
    expect(only!.launch.env.VLLM_RPC_BASE_PATH).toBe("/tmp/berth-1/rpc-0");
    const [fits] = launches("vllm:d1", 1, 8, "vllm", { runDirectory: "/tmp/berth-run-4242" });
    expect(fits!.launch.env.VLLM_RPC_BASE_PATH).toBe("/tmp/berth-run-4242/server-0/rpc");
  });

  test("the user's HuggingFace locations pass through; engine settings around berth do not", () => {
    const baseEnvironment = { PATH: "/usr/bin", HF_HOME: "/data/hf", HF_TOKEN: "hf_x", XDG_CACHE_HOME: "/home/u/.cache", VLLM_PORT: "9", VLLM_DP_SIZE: "4", VLLM_DP_MASTER_PORT: "1",
      SGLANG_PORT: "9", SGLANG_DISTRIBUTED_INIT_METHOD_OVERRIDE: "tcp://x:1", SGLANG_RUST_SERVER: "1", PROMETHEUS_MULTIPROC_DIR: "/tmp/p", VLLM_RPC_BASE_PATH: "/tmp" };
    for (const backend of ["vllm", "sglang", "cmd"] as const) {
      const [only] = launches("vllm:d1", 1, 8, backend, { baseEnvironment, userArgs: backend === "cmd" ? ["serve"] : [] });
      const env = only!.launch.env;
      expect(env).toMatchObject({ HF_HOME: "/data/hf", HF_TOKEN: "hf_x", XDG_CACHE_HOME: "/home/u/.cache" });
      for (const name of ["VLLM_DP_SIZE", "VLLM_DP_MASTER_PORT", "SGLANG_DISTRIBUTED_INIT_METHOD_OVERRIDE", "SGLANG_RUST_SERVER", "PROMETHEUS_MULTIPROC_DIR"]) expect(env[name]).toBeUndefined();
      if (backend !== "vllm") expect(env.VLLM_PORT).toBeUndefined();
      if (backend !== "sglang") expect(env.SGLANG_PORT).toBeUndefined();
    }
  });

  test("--cache-dir keeps compile caches per node-local slot", () => {
    const [first, second] = launches("vllm:d2", 1, 8, "vllm", { cacheDirectory: "/data/berth-cache" });
    expect(first!.launch.env).toMatchObject({ TRITON_CACHE_DIR: "/data/berth-cache/slot-0/triton", VLLM_CACHE_ROOT: "/data/berth-cache/slot-0/vllm" });
    expect(second!.launch.env.TORCHINDUCTOR_CACHE_DIR).toBe("/data/berth-cache/slot-1/inductor");
    expect(second!.launch.env.VLLM_RPC_BASE_PATH).toBe("/run/x/server-1/rpc"); // sockets stay per run
  });

  test("--visible-devices uuid: full GPU UUIDs for vLLM; MIG or short forms, and SGLang, are refused", () => {
    const [only] = launches("vllm:d1t2", 1, 8, "vllm", { visibleDevices: "uuid" });
    expect(only!.launch.env.CUDA_VISIBLE_DEVICES).toBe(`${uuidOf(0, 0)},${uuidOf(0, 1)}`);
    const server = mustPlan("vllm:d1", cluster(1, 8)).servers[0]!;
    for (const uuid of ["MIG-0f2e4b0c-1234-5678-9abc-def012345678", "GPU-5eed0006"]) {
      const refused = buildLaunch(server, server.placements[0]!, [{ index: 0, uuid }], context("vllm", { visibleDevices: "uuid" }));
      expect(refused.ok ? "" : refused.issues[0]!.message).toContain(`has UUID ${uuid}, not a full GPU-xxxxxxxx-… UUID`);
    }
    expect(() => launches("sglang:d1t2", 1, 8, "sglang", { visibleDevices: "uuid" })).toThrow("--visible-devices uuid cannot be used with SGLang");
  });

  test("SGLang: --dist-init-addr 127.0.0.1:dist (no --nccl-port), every bootstrap port and SGLANG_PORT from its 32-port block", () => {
    const [, second] = launches("sglang:d2t4", 1, 8, "sglang");
    expect(second!.launch.argv).toEqual(["python3", "-m", "sglang.launch_server", "--host", "10.1.2.3", "--port", "10032", "--tp-size", "4", "--pp-size", "1", "--random-seed", "101",
      "--disaggregation-bootstrap-port", "10056", "--encoder-bootstrap-port", "10057", "--engine-info-bootstrap-port", "10058", "--dist-init-addr", "127.0.0.1:10033"]);
    expect(second!.launch.env).toMatchObject({ SGLANG_PORT: "10048", SGLANG_TCP_STORE_PORT: "10060", BERTH_KV_EVENTS_PORT: "10059", BERTH_PORTS: "10032-10063" });
  });

  test("placeholders work in engine arguments too: {kv_events_port} in --kv-events-config", () => {
    const [only] = launches("vllm:d1", 1, 8, "vllm", { userArgs: ["m", "--kv-events-config", '{"enable_kv_cache_events":true,"endpoint":"tcp://*:{kv_events_port}"}'] });
    expect(only!.launch.argv[4]).toBe('{"enable_kv_cache_events":true,"endpoint":"tcp://*:10006"}');
  });

  test("multi-node SGLang: --nnodes, --node-rank per node, --dist-init-addr at the leader; only the leader has a URL", () => {
    const placed = launches("sglang:d1t16", 2, 8, "sglang", { leaderAddress: "leader-0" });
    expect(placed.map(({ launch }) => launch.argv.slice(-6))).toEqual([
      ["--nnodes", "2", "--node-rank", "0", "--dist-init-addr", "leader-0:10001"],
      ["--nnodes", "2", "--node-rank", "1", "--dist-init-addr", "leader-0:10001"],
    ]);
    expect(placed.map(({ launch }) => launch.url)).toEqual(["http://10.1.2.3:10000", ""]);
  });

  test("multi-node vLLM without Ray: --nnodes, --node-rank, --master-addr/--master-port at the leader, --headless past rank 0", () => {
    const placed = launches("vllm:d1t16", 2, 8, "vllm", { leaderAddress: "leader-0" });
    expect(placed.map(({ launch }) => launch.argv.slice(12))).toEqual([
      ["--nnodes", "2", "--node-rank", "0", "--master-addr", "leader-0", "--master-port", "10001"],
      ["--nnodes", "2", "--node-rank", "1", "--master-addr", "leader-0", "--master-port", "10001", "--headless"],
    ]);
    expect(placed.map(({ launch }) => launch.url)).toEqual(["http://10.1.2.3:10000", ""]);
  });

  test("each multi-node server's leader is its own first node, not the job's (sglang[rollout]:d2t16 on 4 nodes)", () => {
    const placed = launches("sglang[rollout]:d2t16", 4, 8, "sglang", { nodeAddresses: ["10.9.0.10", "10.9.0.11", "10.9.0.12", "10.9.0.13"] });
    const initAddresses = placed.map(({ server, launch }) => [server.index, launch.argv[launch.argv.indexOf("--dist-init-addr") + 1]]);
    expect(initAddresses).toEqual([[0, "10.9.0.10:10001"], [0, "10.9.0.10:10001"], [1, "10.9.0.12:10001"], [1, "10.9.0.12:10001"]]);
  });

  test("roles: a single-node server, a leader, and members that know their leader's HTTP address", () => {
    const plan = mustPlan("vllm:d1t16+vllm:d1t8", cluster(3, 8));
    const roles = plan.servers.flatMap((server) => server.placements.map((placement) => roleOf(server, placement, context("vllm", { nodeAddresses: ["10.9.0.10", "10.9.0.11", "10.9.0.12"] }))));
    expect(roles).toEqual([{ role: "leader" }, { role: "member", leader: "10.9.0.10:10000" }, { role: "single" }]);
  });

  test("multi-node without a leader address: the leader dials itself, a member is refused, for both engines", () => {
    const plan = mustPlan("sglang:d1t16", cluster(2, 8));
    const server = plan.servers[0]!;
    for (const backend of ["sglang", "vllm"] as const) {
      const leader = buildLaunch(server, server.placements[0]!, [], context(backend));
      expect(leader.ok && leader.value.argv.join(" ")).toMatch(backend === "sglang" ? `--dist-init-addr 10.1.2.3:${server.ports.dist}` : `--master-addr 10.1.2.3 --master-port ${server.ports.dist}`);
      const member = buildLaunch(server, server.placements[1]!, [], context(backend, { nodeRank: 1 }));
      expect(member.ok ? "" : member.issues[0]!.message).toContain("pass --rendezvous (the leader publishes it there) or --leader-addr");
    }
  });

  test("with a rendezvous, a member's launch waits for its leader's published address (never run before it is rebuilt)", () => {
    const plan = mustPlan("sglang:d1t16", cluster(2, 8));
    const server = plan.servers[0]!;
    const member = buildLaunch(server, server.placements[1]!, [], context("sglang", { nodeRank: 1, leaderFromRendezvous: true }));
    expect(member.ok && member.value.argv.join(" ")).toContain("leader-not-yet-published.invalid");
    const published = buildLaunch(server, server.placements[1]!, [], context("sglang", { nodeRank: 1, leaderFromRendezvous: true, publishedLeader: { address: "10.9.9.9", dist: 31001, http: 31000 } }));
    expect(published.ok && published.value.argv.join(" ")).toContain("--dist-init-addr 10.9.9.9:31001");
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
  [["-dp", "2"], "vllm", "-dp"],
  [["--data-parallel-size=2"], "vllm", "--data-parallel-size"],
  [["--data_parallel_size_local", "1"], "vllm", "--data-parallel-size-local"],
  [["-dpm"], "vllm", "-dpm"],
  [["--uds", "/tmp/s"], "vllm", "--uds"],
  [["--device-ids", "0"], "vllm", "--device-ids"],
  [["--headless"], "vllm", "--headless"],
  [["-n", "2"], "vllm", "-n"],
  [["-r", "1"], "vllm", "-r"],
  [["--master-addr", "x"], "vllm", "--master-addr"],
  [["--master-port", "1"], "vllm", "--master-port"],
  [["--data-parallel-rpc-port", "1"], "vllm", "--data-parallel-rpc-port"],
  [["--dp-size", "2"], "sglang", "--dp-size"],
  [["--dp", "2"], "sglang", "--dp"],
  [["--gpu-id-step", "2"], "sglang", "--gpu-id-step"],
  [["--disaggregation-bootstrap-port", "1"], "sglang", "--disaggregation-bootstrap-port"],
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

test("--distributed-executor-backend ray is allowed for vLLM, with a warning", () => {
  expect(flagWarning(["--distributed-executor-backend", "ray"], "vllm")).toContain("vLLM then needs a Ray cluster, which berth does not start");
  expect(flagWarning(["--distributed_executor_backend=ray"], "vllm")).toBeDefined();
  expect(flagWarning(["--distributed-executor-backend", "mp"], "vllm")).toBeUndefined();
  expect(flagWarning(["--distributed-executor-backend", "ray"], "sglang")).toBeUndefined();
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
