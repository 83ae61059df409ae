// The trainer's side of a job, placed like a server (`berth wait --component NAME`): once the job is ready,
// its training component's GPUs on this node (NVML's, as CUDA_VISIBLE_DEVICES), its rank 0's address and port
// (MASTER_ADDR, MASTER_PORT), its node count and this node's rank in it (NNODES, NODE_RANK), and the servers
// (AREAL_LLM_SERVER_ADDRS). The GPUs, and on the component's first node its port block, are reserved like a
// server's and handed across exec to the trainer, so no other berth takes them while it runs.
import { resolveNodeIdentity } from "../../core/launch/node-identity.ts";
import { jobHosts } from "../../core/launch/node-identity.ts";
import { planCluster } from "../../core/plan/plan.ts";
import { trainerPlacement, type TrainerPlacement } from "../../core/plan/trainer-placement.ts";
import type { ServerRecord } from "../../core/rendezvous/node-record.ts";
import { badInput, environmentRefusal, refusalFromIssues, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { readSpec } from "../../core/spec/index.ts";
import type { PortRange } from "../../core/types.ts";
import { nodeGpus } from "../gpus/node-gpus.ts";
import { advertisedAddress } from "../net/address.ts";
import { readHostPortSettings } from "../registry/kernel-port-settings.ts";
import { reserveBlock, reserveGpus, type Holder, type Reservation } from "../registry/reservations.ts";
import { openRegistry, releaseLease } from "../registry/registry.ts";

export interface TrainerRequest {
  component: string;
  nodeRank?: number;
  /** --master-addr: rank 0's address, for the component's other nodes where no scheduler names it. */
  masterAddr?: string;
  advertiseHost?: string;
  simulate: boolean;
  portPool?: PortRange;
  /** Reserve the GPUs and the port block (a trainer command follows); false only prints the placement. */
  reserve: boolean;
  holder: Holder;
  env: Record<string, string | undefined>;
  origins: Record<string, string>;
}

export interface PlacedTrainer {
  placement: TrainerPlacement;
  gpus: { index: number; uuid: string }[];
  env: Record<string, string>;
  reservation: Reservation;
}

type Job = { spec: string; nodes: number; gpusPerNode: number };

/** This node's rank in the job, where something says it; undefined lets a one-node component place itself. */
function thisNode(request: TrainerRequest, job: Job): Outcome<number | undefined> {
  const identity = resolveNodeIdentity({ rank: request.nodeRank, count: job.nodes, rankSource: request.origins.nodeRank, countSource: "the job's records" }, request.env);
  // Only the count (from the records) said anything: no rank was given, so the component's own node decides.
  if (identity.ok) return succeeded(identity.identity.source === "the job's records" ? undefined : identity.identity.rank);
  return request.nodeRank === undefined ? succeeded(undefined) : refused(badInput(identity.message));
}

function masterAddress(request: TrainerRequest, placement: TrainerPlacement, job: Job): Outcome<string> {
  if (placement.nodeRank === 0) return succeeded(request.advertiseHost ?? advertisedAddress().address);
  if (request.masterAddr) return succeeded(request.masterAddr);
  const hosts = jobHosts(undefined, request.env, job.nodes);
  const first = hosts.nodes?.[placement.nodes[0]!];
  if (first) return succeeded(first);
  return refused(badInput(`this is node ${placement.nodeRank} of '${placement.component}', whose rank 0 runs on node ${placement.nodes[0]}: give its address with --master-addr (or run under Slurm, whose node list names it)`));
}

function reserveFor(request: TrainerRequest, placement: TrainerPlacement, uuids: string[], registry: Parameters<typeof reserveGpus>[0]): Outcome<Reservation> {
  const gpus = reserveGpus(registry, uuids, request.holder);
  if (!gpus.ok) return refused(environmentRefusal(`GPU ${uuids.indexOf(gpus.uuid)} of '${placement.component}' (${gpus.uuid}) cannot be reserved: ${gpus.why}`));
  if (placement.nodeRank !== 0) return succeeded({ ports: [], gpus: gpus.gpus });
  const block = reserveBlock(registry, placement.block, request.holder, { allowTimeWait: true });
  if (!block.ok) {
    gpus.gpus.forEach(releaseLease);
    return refused(environmentRefusal(`port ${block.port} of '${placement.component}''s block ${placement.block.first}-${placement.block.last} (MASTER_PORT ${placement.block.first}) is taken: ${block.why}`));
  }
  return succeeded({ ports: block.ports, gpus: gpus.gpus });
}

export async function placeTrainer(request: TrainerRequest, job: Job, servers: readonly ServerRecord[]): Promise<Outcome<PlacedTrainer>> {
  const spec = readSpec(job.spec);
  if (!spec.ok) return refused(environmentRefusal(`the job's records name a spec berth cannot read (${JSON.stringify(job.spec)})`));
  const host = readHostPortSettings();
  const pool = request.portPool ?? host.defaultPool;
  const plan = planCluster(spec.value, { nodes: job.nodes, gpusPerNode: job.gpusPerNode, portPool: pool, reservedPorts: host.reservedPorts, ephemeralLow: host.ephemeralLow });
  if (!plan.ok) return refused(refusalFromIssues(`the job's spec does not plan here: `, plan.issues));
  const node = thisNode(request, job);
  if (!node.ok) return node;
  const serverLast = servers.reduce<number | undefined>((last, server) => Math.max(last ?? 0, server.ports.last), undefined);
  const placed = trainerPlacement(plan.value, request.component, node.value, { serverLast, pool, reserved: host.reservedPorts });
  if (!placed.ok) return refused(badInput(placed.issues.map((issue) => issue.message).join("; ")));
  const placement = placed.value;
  const visible = nodeGpus(request.env, { gpusPerNode: job.gpusPerNode, simulate: request.simulate, allowBusy: false });
  if (!visible.ok) return visible;
  const gpus = placement.gpus.map((local) => visible.value.gpus[local]!);
  const master = masterAddress(request, placement, job);
  if (!master.ok) return master;
  let reservation: Reservation = { ports: [], gpus: [] };
  if (request.reserve) {
    const registry = await openRegistry(request.env);
    if (!registry.ok) return refused(registry.refusal);
    const reserved = reserveFor(request, placement, visible.value.simulated ? [] : gpus.map((gpu) => gpu.uuid), registry.registry);
    if (!reserved.ok) return reserved;
    reservation = reserved.value;
  }
  const env = {
    CUDA_VISIBLE_DEVICES: gpus.map((gpu) => String(gpu.index)).join(","),
    CUDA_DEVICE_ORDER: "PCI_BUS_ID",
    MASTER_ADDR: master.value,
    MASTER_PORT: String(placement.block.first),
    NNODES: String(placement.nodes.length),
    NODE_RANK: String(placement.nodeRank),
    NPROC_PER_NODE: String(gpus.length),
    BERTH_TRAINER_PORTS: `${placement.block.first}-${placement.block.last}`,
    AREAL_LLM_SERVER_ADDRS: servers.map((server) => server.url.replace(/^http:\/\//, "")).join(","),
  };
  return succeeded({ placement, gpus, env, reservation });
}
