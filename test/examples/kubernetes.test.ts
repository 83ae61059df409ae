// The Kubernetes examples (examples/kubernetes/) against the Kubernetes schemas, offline (kubernetes-models),
// and against berth itself: each probe points at the HTTP port `berth plan` gives that pod's first server,
// and the pod's termination grace outlasts berth's --grace. No cluster runs here: what is checked is the
// manifests' shape and their agreement with berth, not a real rollout.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import { REPO_ROOT, runBerth } from "../support/berth-process.ts";

const EXAMPLES = resolve(REPO_ROOT, "examples/kubernetes");

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  readinessProbe?: { httpGet?: { path: string; port: number } };
  livenessProbe?: { httpGet?: { path: string; port: number } };
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}

function load(name: string): any {
  return Bun.YAML.parse(readFileSync(join(EXAMPLES, name), "utf8"));
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

/** The HTTP port of the first server on node `rank`, as berth plans it from the container's own flags. */
async function firstServerPort(args: string[], nodes: number, rank: number): Promise<number> {
  const spec = args[1]!;
  const plan = await runBerth(["plan", spec, "--nodes", String(nodes), "--gpus-per-node", flag(args, "--gpus-per-node") ?? "1", "--port-pool", flag(args, "--port-pool")!, "--node-rank", String(rank), "--json"]);
  expect(plan).toExitWith(0);
  const [first] = JSON.parse(plan.stdout).servers;
  const placement = (first.placements ?? [{ node: first.node, ports: first.ports }]).find((each: { node: number }) => each.node === rank);
  return placement.ports.http;
}

/** What every berth container must agree on with its pod: probes at its first server's /health, grace that outlasts berth's. */
async function checkBerthPod(pod: PodSpec, nodes: number, rank: number, serves: boolean): Promise<void> {
  for (const container of pod.containers) {
    expect(container.command).toEqual(["berth"]);
    const args = container.args!;
    const graceSeconds = Number((flag(args, "--grace") ?? "10s").replace(/s$/, ""));
    expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(graceSeconds);
    if (!serves) {
      expect(container.readinessProbe).toBeUndefined(); // a member serves no HTTP
      continue;
    }
    const port = await firstServerPort(args, args[0] === "exec" ? 1 : nodes, args[0] === "exec" ? 0 : rank);
    for (const probe of [container.readinessProbe, container.livenessProbe]) expect(probe?.httpGet).toEqual({ path: "/health", port });
  }
}

describe("examples/kubernetes", () => {
  test("indexed-job.yaml is a valid Job; each pod's probes hit its first server; grace outlasts berth's", async () => {
    const job = load("indexed-job.yaml");
    new Job(job).validate();
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 2, parallelism: 2 });
    const nodes = Number(job.spec.template.spec.containers[0].env.find((entry: { name: string }) => entry.name === "BERTH_NNODES").value);
    expect(nodes).toBe(job.spec.completions);
    for (let rank = 0; rank < nodes; rank++) await checkBerthPod(job.spec.template.spec, nodes, rank, true);
  });

  test("deployment-exec.yaml is a valid Deployment; its containers' pools are disjoint and their probes hit their own server", async () => {
    const deployment = load("deployment-exec.yaml");
    new Deployment(deployment).validate();
    const pod: PodSpec = deployment.spec.template.spec;
    await checkBerthPod(pod, 1, 0, true);
    const pools = pod.containers.map((container) => flag(container.args!, "--port-pool")!.split("-").map(Number) as [number, number]);
    expect(pools[0]![1] < pools[1]![0]).toBe(true);
  });

  test("leaderworkerset-sglang.yaml: its leader and worker templates are valid pod templates; only the leader probes, at its server's port", async () => {
    const lws = load("leaderworkerset-sglang.yaml");
    // LeaderWorkerSet is a CRD, which kubernetes-models does not know: its own fields are checked here, its pod templates by the schema.
    expect(lws).toMatchObject({ apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", metadata: { name: expect.any(String) } });
    const { size, leaderTemplate, workerTemplate } = lws.spec.leaderWorkerTemplate;
    expect(size).toBeGreaterThanOrEqual(2);
    new PodTemplateSpec(leaderTemplate).validate();
    new PodTemplateSpec(workerTemplate).validate();
    await checkBerthPod(leaderTemplate.spec, size, 0, true);
    await checkBerthPod(workerTemplate.spec, size, 1, false);
    // The server spans the whole group: its size is exactly the pods berth plans it on.
    const plan = await runBerth(["plan", leaderTemplate.spec.containers[0].args[1], "--nodes", String(size), "--gpus-per-node", "8", "--json"]);
    expect(JSON.parse(plan.stdout).servers[0].nodes).toEqual([0, 1]);
  });

  test("a broken manifest is caught by the schema (the check can fail)", () => {
    const job = load("indexed-job.yaml");
    job.spec.template.spec.containers[0].ports[0].containerPort = "thirty thousand";
    expect(() => new Job(job).validate()).toThrow();
  });
});
