// `berth wait`: the trainer's side of a job. Reads the job's current attempt in its rendezvous until every
// node is alive on evidence berth wait has itself seen (a heartbeat that moved, or a writer checked alive on
// this host) and every server of its spec is healthy, then prints them in global index order. It fails at
// once, with one line, when a node published a failure, a server failed, or a node it saw alive vanished;
// an earlier attempt's records, and leftovers no live node has replaced, never count. A store it cannot
// reach is retried until --timeout, saying so every 10 s.
import { defineBerthCommand } from "./command.ts";
import { BerthError, checkJsonAndFormat, orRefuse, UsageError } from "./errors.ts";
import { booleanOption, durationOption, enumOption, integerOption, portRangeOption, stringOption } from "./option-kinds.ts";
import type { Io } from "./io.ts";
import { printJson } from "./render/json.ts";
import { shellQuote } from "./render/dry-run-view.ts";
import { RENDEZVOUS_OPTIONS, rendezvousChoice } from "./rendezvous-options.ts";
import { ENDED, type Ending } from "../core/exit.ts";
import type { ServerRecord } from "../core/rendezvous/node-record.ts";
import type { PortRange } from "../core/types.ts";

const PROGRESS_EVERY_MS = 10_000;

function print(io: Io, format: string, job: string, attempt: string, servers: readonly ServerRecord[]): void {
  const addresses = servers.map((server) => server.url.replace(/^http:\/\//, ""));
  if (format === "json") {
    printJson(io, { job, attempt, servers: servers.map(({ index, node, url, host, port, state, gpus, ports }) => ({ index, node, url, host, port, state, gpus, ports })) });
  } else if (format === "env") io.stdout(`AREAL_LLM_SERVER_ADDRS=${addresses.join(",")}\n`);
  else io.stdout(servers.map((server) => `${server.url}\n`).join(""));
}

const { rendezvousGroup, ...WAIT_RENDEZVOUS_OPTIONS } = RENDEZVOUS_OPTIONS;

type Ready = Extract<Awaited<ReturnType<typeof import("../host/rendezvous/wait-for-job.ts").waitForJob>>, { kind: "ready" }>;
type TrainerOptions = { component?: string; nodeRank?: number; masterAddr?: string; advertiseHost?: string; portPool?: PortRange; simulate: boolean; json: boolean; format: string };

/** --component: the trainer placed on this node; with -- CMD, its reservation handed to CMD by exec. */
async function trainer(options: TrainerOptions, origins: Record<string, string>, io: Io, passthrough: string[], commandLine: string, ready: Ready): Promise<Ending> {
  const [{ placeTrainer }, { handOverToExec }, { execCommand }] = await Promise.all([import("../host/node/trainer.ts"), import("../host/registry/reservations.ts"), import("../host/process/exec.ts")]);
  const run = passthrough.length > 0;
  const placed = orRefuse(await placeTrainer({ component: options.component!, nodeRank: options.nodeRank, masterAddr: options.masterAddr, advertiseHost: options.advertiseHost, portPool: options.portPool, simulate: options.simulate, reserve: run, env: io.env, origins, holder: { role: `trainer ${options.component}`, command: commandLine } }, ready.job, ready.servers));
  if (run) {
    handOverToExec(placed.reservation);
    const failure = execCommand(passthrough, { ...io.env, ...placed.env });
    throw new BerthError(failure.ending, failure.message);
  }
  io.stderr(`berth wait: nothing is reserved for '${options.component}' without a command; run it as berth wait --component ${options.component} ... -- CMD to hold its GPUs while it runs\n`);
  if (options.json || options.format === "json") printJson(io, { job: ready.job, attempt: ready.attempt, trainer: { component: placed.placement.component, node: placed.placement.node, nodes: placed.placement.nodes, nodeRank: placed.placement.nodeRank, gpus: placed.gpus, ports: placed.placement.block, env: placed.env } });
  else io.stdout(Object.entries(placed.env).map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join(""));
  return ENDED.ok;
}

export const waitCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: true,
  options: {
    ...WAIT_RENDEZVOUS_OPTIONS,
    rendezvousGroup: { ...rendezvousGroup, description: "Accept a directory rendezvous shared with this Unix group on purpose (as berth run --rendezvous-group made it)" },
    timeout: durationOption({ description: "Give up after this long (0: wait for ever)", default: 30 * 60_000 }),
    format: enumOption({ description: "How to print the servers: plain (a URL per line), json, or env (AREAL_LLM_SERVER_ADDRS=host:port,…)", choices: ["plain", "json", "env"], default: "plain" }),
    component: stringOption({ description: "Place this training component of the spec on this node once the job is ready: CUDA_VISIBLE_DEVICES, MASTER_ADDR, MASTER_PORT, NNODES, NODE_RANK, NPROC_PER_NODE and AREAL_LLM_SERVER_ADDRS; with -- CMD, its GPUs (and on its first node its port block) are reserved and CMD runs with them", valueHint: "NAME" }),
    nodeRank: integerOption({ description: "This node's rank in the job (with --component, where the component spans nodes)", min: 0, max: 4095, valueHint: "R", defaultHint: "from SLURM_NODEID, NODE_RANK or LWS_WORKER_INDEX; a one-node component needs none" }),
    masterAddr: stringOption({ description: "With --component: the address of the component's first node, for its other nodes", valueHint: "ADDR", defaultHint: "this node's on the first node, else from SLURM_JOB_NODELIST" }),
    simulate: booleanOption({ description: "With --component: place the trainer on simulated GPUs (no NVML, nothing locked)" }),
    advertiseHost: stringOption({ description: "With --component: this node's address, MASTER_ADDR on the component's first node", defaultHint: "the default route's interface address" }),
    portPool: portRangeOption({ description: "With --component: the pool MASTER_PORT's block is cut from (the same on every node of the component)", min: 1024, max: 65535, defaultHint: "10000 to one below ip_local_port_range's low end" }),
  },
  examples: [
    "berth wait --rendezvous /shared/job --format env",
    "berth wait --rendezvous etcd://10.0.0.5:2379 --job train-7 --json",
    "berth wait --rendezvous /shared/job --component actor -- python3 train.py",
  ],
  environment: [
    { term: "SLURM_JOB_ID", text: "The job's name in the rendezvous when --job is not given; else LWS's group (LWS_LEADER_ADDRESS)" },
    { term: "SLURM_RESTART_COUNT", text: "With SLURM_JOB_ID, the attempt when --attempt is not given: a requeued job never sees its earlier attempt's servers" },
  ],
  async run({ options, origins, io, passthrough, commandLine }) {
    checkJsonAndFormat(options, origins);
    for (const name of ["nodeRank", "masterAddr", "simulate", "advertiseHost", "portPool"] as const) if (origins[name] && options.component === undefined) throw new UsageError(`${origins[name]} needs --component NAME`);
    if (passthrough.length > 0 && options.component === undefined) throw new UsageError("berth wait runs a command after -- only with --component NAME (the trainer it places)");
    if (options.rendezvous === undefined) throw new UsageError("berth wait needs --rendezvous URL (or BERTH_RENDEZVOUS): where the job's nodes publish their servers");
    const choice = (await rendezvousChoice(options, origins, io.env, "berth wait"))!;
    const { waitForJob } = await import("../host/rendezvous/wait-for-job.ts");
    const outcome = await waitForJob(choice, options.timeout, {
      progress: (text) => io.stderr(`berth wait: ${text}\n`),
      progressEveryMs: PROGRESS_EVERY_MS,
    });
    if (outcome.kind === "ready" && options.component !== undefined) return trainer(options, origins, io, passthrough, commandLine, outcome);
    if (outcome.kind === "ready") {
      print(io, options.json ? "json" : options.format, choice.job, outcome.attempt, outcome.servers);
      return ENDED.ok;
    }
    throw new BerthError(outcome.kind === "refused" ? ENDED.environment : ENDED.failed, outcome.message);
  },
});
