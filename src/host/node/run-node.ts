// `berth run` and `berth demo` as an application: check the request, enter the job's rendezvous (claim this
// node's rank), prepare this node, supervise its servers, and remove the run directory once every server has
// stopped. A refusal once the node is in its job is published there, so the trainer and the other nodes know
// at once. What the user sees comes from the presenter the caller passes.
import { checkLaunchRequest, type CheckedRequest, type LaunchRequest } from "../../core/node/launch-request.ts";
import { badInput, environmentRefusal, refused, succeeded, type Outcome, type Refusal } from "../../core/refusal.ts";
import { ENDED, type RunEnd } from "../../core/exit.ts";
import { parseHealthPaths } from "../../core/supervise/health-paths.ts";
import { removeRunDirectory } from "../files/run-directory.ts";
import { supervise, type RunView, type SupervisorSettings } from "../supervise/supervise.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { prepareNode, type PreparedNode } from "./prepare-node.ts";
import { checkManifestPath, prepareLogDirectory } from "./output-paths.ts";
import { releaseServers } from "./reserve-servers.ts";
import { openAreal, startBeside, type ArealRequest } from "./beside-servers.ts";
import { enterJob, type NodeInJob, type RendezvousRequest } from "../rendezvous/enter-job.ts";
import { watchForStartupStop, type StartupStop } from "./startup-stop.ts";
import type { MetricsEndpoint } from "../observe/metrics-server.ts";

export interface RunNodeRequest {
  launch: LaunchRequest;
  /** --metrics-port: berth's own Prometheus endpoint while it runs. */
  metricsPort?: number;
  supervision: Omit<SupervisorSettings, "host" | "bindHost" | "node" | "healthPaths"> & { healthPath: string };
  /** --rendezvous: the job's store, and whether a failure elsewhere stops this node (--fail-together). */
  rendezvous?: RendezvousRequest;
  /** --areal-name-resolve: AReaL's own entries for this node's servers. */
  areal?: ArealRequest;
  /** A bad value found once the rendezvous was known: refused after entering the job, so it is published. */
  refusal?: Refusal;
}

export interface NodePresenter {
  /** The node is reserved and about to start: warnings and the summary line. */
  prepared(node: PreparedNode): void;
  /** A node with no servers in the plan. */
  nothingToRun(node: PreparedNode): void;
  openView(servers: readonly SupervisedServer[]): RunView & { close(): void };
  /** A long wait before the servers start (a rank held by another berth, members waiting for their leaders). */
  progress(text: string): void;
}

/** Everything about the supervision that can be checked before anything is reserved. */
function checkSupervision({ supervision, launch }: RunNodeRequest): Outcome<string[]> {
  const paths = parseHealthPaths(supervision.healthPath);
  if (!paths.ok) return refused(badInput(`${paths.message} (from ${launch.origins.healthPath ?? "--health-path"})`));
  const manifest = checkManifestPath(supervision.manifestPath, launch.origins.manifest ?? "--manifest");
  if (!manifest.ok) return manifest;
  const logs = prepareLogDirectory(supervision.logDirectory);
  return logs.ok ? succeeded(paths.paths) : logs;
}

async function superviseNode(request: RunNodeRequest, node: PreparedNode, healthPaths: string[], beside: Awaited<ReturnType<typeof startBeside>> & { ok: true }, presenter: NodePresenter, startup: StartupStop): Promise<Outcome<RunEnd>> {
  const { servers, companions } = beside.value;
  const { healthPath: _checked, ...supervision } = request.supervision;
  const metrics = await startMetrics(request, node, servers);
  if (!metrics.ok) return metrics;
  const view = presenter.openView(servers);
  const takeOverSignals = () => {
    startup.handOver();
    return startup.by;
  };
  try {
    const settings = { ...supervision, host: node.host, bindHost: node.bindHost, node: node.identity.rank, healthPaths, relocate: node.relocate, serverTableDirectory: node.registryDirectory, metricsUrl: metrics.value?.url, takeOverSignals };
    return succeeded(await supervise(servers, settings, view, companions));
  } finally {
    view.close();
    metrics.value?.stop();
  }
}

/** --metrics-port, bound before any server starts (a port that cannot be had is a refusal). */
async function startMetrics(request: RunNodeRequest, node: PreparedNode, servers: readonly SupervisedServer[]): Promise<Outcome<MetricsEndpoint | undefined>> {
  if (request.metricsPort === undefined) return succeeded(undefined);
  const [{ serveMetrics }, { nodeMetrics }] = await Promise.all([import("../observe/metrics-server.ts"), import("../observe/node-metrics.ts")]);
  const origin = request.launch.origins.metricsPort ?? "--metrics-port";
  return serveMetrics(request.metricsPort, node.bindHost, node.host, origin, () => nodeMetrics(node.identity.rank, request.rendezvous?.job ?? "", servers));
}

/** Everything after the node has entered its job (or when there is none). */
async function runChecked(request: RunNodeRequest, checked: CheckedRequest, inJob: NodeInJob | undefined, presenter: NodePresenter, startup: StartupStop): Promise<Outcome<RunEnd>> {
  const healthPaths = checkSupervision(request);
  if (!healthPaths.ok) return healthPaths;
  const arealStore = await openAreal(request.areal);
  if (!arealStore.ok) return arealStore;
  const prepared = await prepareNode(succeeded(checked));
  if (!prepared.ok || startup.signal.aborted) {
    if (prepared.ok) releaseServers(prepared.value.servers);
    await arealStore.value?.close();
    return prepared.ok ? refused(environmentRefusal("stopped before its servers started")) : prepared;
  }
  const node = prepared.value;
  presenter.prepared(node);
  try {
    if (node.servers.length === 0) {
      presenter.nothingToRun(node);
      await inJob?.publishNothingToRun({ ...node.job, host: node.host });
      await arealStore.value?.close();
      return succeeded({ ending: ENDED.ok, reason: `node ${node.identity.rank} has no servers in this plan` });
    }
    const beside = await startBeside({ areal: request.areal, arealStore: arealStore.value, rendezvous: request.rendezvous, inJob, startupTimeoutMs: request.supervision.startupTimeoutMs, stop: startup.signal }, node, (text) => presenter.progress(text));
    if (!beside.ok || startup.signal.aborted) {
      releaseServers(node.servers);
      await arealStore.value?.close();
      return beside.ok ? refused(environmentRefusal("stopped before its servers started")) : beside;
    }
    const supervised = await superviseNode(request, node, healthPaths.value, beside, presenter, startup);
    if (!supervised.ok) releaseServers(node.servers);
    return supervised;
  } finally {
    removeRunDirectory(node.runDirectory); // every server has stopped by now; their caches go with them
  }
}

/** How a start that a stop signal cut short ends: signalled (128+N), having let go of everything it took. */
function stoppedEarly(signal: NodeJS.Signals): RunEnd {
  return { ending: { kind: "signalled", signal }, reason: `stopped by ${signal} before the servers started` };
}

export async function runNode(request: RunNodeRequest, presenter: NodePresenter): Promise<Outcome<RunEnd>> {
  const checked = checkLaunchRequest(request.launch);
  if (!checked.ok) return checked;
  const { identity } = checked.value;
  const startup = watchForStartupStop();
  try {
    let inJob: NodeInJob | undefined;
    if (request.rendezvous) {
      const healthPath = parseHealthPaths(request.supervision.healthPath);
      const entered = await enterJob(request.rendezvous, { rank: identity.rank, nodes: identity.count, spec: request.launch.specText, healthPath: healthPath.ok ? (healthPath.paths[0] ?? "") : "" }, (text) => presenter.progress(text), startup.signal);
      if (!entered.ok) return startup.by ? succeeded(stoppedEarly(startup.by)) : entered; // another berth may hold the rank: nothing to publish
      inJob = entered.value;
    }
    const outcome = request.refusal ? refused<RunEnd>(request.refusal) : await runChecked(request, checked.value, inJob, presenter, startup);
    if (outcome.ok) return outcome;
    if (startup.by) {
      const end = stoppedEarly(startup.by);
      await inJob?.leaveStopped(end.reason, end.ending);
      return succeeded(end);
    }
    await inJob?.publishRefusal(outcome.refusal);
    return outcome;
  } finally {
    startup.handOver();
  }
}
