// A node launch as the user asked for it (`run`, `exec`, `demo`), and the checks that need nothing from the
// host: the spec, which node this is, --engine-cmd, and the flags after `--`. All of them are bad input.
import { flagWarning, ownedFlagIn } from "../launch/owned-flags.ts";
import type { BackendName } from "../launch/backends/index.ts";
import { batchScriptWarning, resolveNodeIdentity, type NodeIdentity } from "../launch/node-identity.ts";
import { componentChoices, type ComponentChoices } from "../launch/components.ts";
import { checkHostName, isWildcardAddress } from "../launch/host-name.ts";
import { badInput, quoted, refusalFromIssues, refused, succeeded, type Outcome } from "../refusal.ts";
import { readSpec } from "../spec/index.ts";
import type { Spec } from "../spec/ast.ts";
import type { PortRange } from "../types.ts";

export interface LaunchOptions {
  backend?: BackendName;
  nodes?: number;
  nodeRank?: number;
  gpusPerNode?: number;
  portPool?: PortRange;
  host?: string;
  advertiseHost?: string;
  leaderAddr?: string;
  seed: number;
  /** --engine-cmd: CMD for every component, or NAME=CMD for one (repeatable). */
  engineCmd?: readonly string[];
  /** --args NAME=ARGS: a component's own arguments after the common ones (repeatable). */
  args?: readonly string[];
  visibleDevices: "index" | "uuid";
  runDir?: string;
  /** --cache-dir: compile caches per node-local slot, kept across runs. */
  cacheDir?: string;
  /** --simulate: consent to simulated GPUs (fake UUIDs, no GPU locks). */
  simulate?: boolean;
  /** --allow-busy-gpus: GPUs other processes compute on may take servers. */
  allowBusyGpus?: boolean;
}

export interface LaunchRequest {
  specText: string;
  options: LaunchOptions;
  /** Where each option's value came from (a flag, a BERTH_* variable, a config file), for messages. */
  origins: Record<string, string>;
  passthrough: string[];
  env: Record<string, string | undefined>;
  /** Run on simulated GPUs without asking NVML (the demo). */
  simulate?: boolean;
  /** Only this node-local slot (berth exec). */
  onlySlot?: number;
  /** Who holds the reservations, as `berth status` shows them. */
  holder: { role: string; command: string };
  /** The command to name in a refusal's advice, e.g. "berth run". */
  commandName: string;
  /** With a rendezvous, multi-node leaders publish their address there and members wait for it. */
  leaderFromRendezvous?: boolean;
  /** The config file's `components` table ([components.NAME]), and the file, for messages. */
  componentsConfig?: { table: unknown; path: string };
}

export interface CheckedRequest {
  request: LaunchRequest;
  spec: Spec;
  identity: NodeIdentity;
  /** Each component's own engine command, arguments, backend and variables. */
  components: ComponentChoices;
  warnings: string[];
}

/** Each component's engine and the arguments it gets: flags berth sets itself are refused, odd ones warned of. */
function checkEngineFlags(request: LaunchRequest, spec: Spec, components: ComponentChoices, warnings: string[]): Outcome<void> {
  const inference = spec.groups.flatMap((group) => group.members).flatMap((member) => (member.kind === "inference" ? [member] : []));
  const warned = new Set<string>();
  for (const member of inference) {
    const own = components.byName.get(member.name ?? member.backend);
    const backend = own?.backend ?? request.options.backend ?? member.backend;
    const args = [...request.passthrough, ...(own?.args ?? [])];
    const owned = ownedFlagIn(args, backend);
    const where = own?.args.includes(owned?.argument ?? "") ? `in ${member.name ?? member.backend}'s --args` : "after --";
    if (owned) return refused(badInput(`${owned.argument} ${where} sets ${owned.flag}, which berth sets itself for each server; remove it (see ${request.commandName} --help)`));
    const warning = flagWarning(args, backend);
    if (warning && !warned.has(warning)) warnings.push(warning), warned.add(warning);
  }
  return succeeded(undefined);
}

const HOST_FORMS = "an IPv4 or IPv6 address, or a hostname";

/** --host may be a wildcard (bind everything); --advertise-host and --leader-addr, which others dial, may not. */
function checkHosts(request: LaunchRequest): Outcome<void> {
  const { host, advertiseHost, leaderAddr } = request.options;
  const flags = { host: "--host", advertiseHost: "--advertise-host", leaderAddr: "--leader-addr" };
  for (const [name, value] of [["host", host], ["advertiseHost", advertiseHost], ["leaderAddr", leaderAddr]] as const) {
    if (value === undefined) continue;
    const origin = request.origins[name] ?? flags[name];
    if (checkHostName(value) === undefined) return refused(badInput(`bad value ${JSON.stringify(value)} for ${origin}; expected ${HOST_FORMS}`));
    if (name !== "host" && isWildcardAddress(checkHostName(value)!)) {
      return refused(badInput(`bad value ${JSON.stringify(value)} for ${origin}; a wildcard address cannot be dialled: give this node's address or hostname`));
    }
  }
  return succeeded(undefined);
}

export function checkLaunchRequest(request: LaunchRequest): Outcome<CheckedRequest> {
  const { options } = request;
  const spec = readSpec(request.specText);
  if (!spec.ok) return refused(refusalFromIssues(`bad spec ${quoted(request.specText)}: `, spec.issues));

  const identity = resolveNodeIdentity({ rank: options.nodeRank, count: options.nodes, rankSource: request.origins.nodeRank, countSource: request.origins.nodes }, request.env);
  if (!identity.ok) return refused(badInput(identity.message));

  const hosts = checkHosts(request);
  if (!hosts.ok) return hosts;

  const components = componentChoices(spec.value, { engineCmd: options.engineCmd ?? [], args: options.args ?? [], config: request.componentsConfig?.table, configPath: request.componentsConfig?.path, origins: request.origins });
  if (!components.ok) return components;
  const warnings = [...spec.warnings];
  const batch = request.onlySlot === undefined ? batchScriptWarning(request.env, identity.identity) : undefined;
  if (batch) warnings.push(batch);
  const flags = checkEngineFlags(request, spec.value, components.value, warnings);
  if (!flags.ok) return flags;
  return succeeded({ request, spec: spec.value, identity: identity.identity, components: components.value, warnings });
}
