// Every command berth has, in --help order. Each loads only when it runs: a command's module pulls in
// what it needs (NVML, the registry, the supervisor), and loading all of them cost every command ~1.7 ms.
import type { BerthCommand, CommandEntry } from "./command.ts";
import type { OptionTable } from "./options.ts";
import { DEMO_SERVER_COMMAND, EXEC_STEP, HOLD_COMMAND } from "../core/hidden-commands.ts";

export type { CommandEntry } from "./command.ts";

// The casts erase each command's own option types; runCli treats every table alike.
const as = (command: unknown) => command as BerthCommand<OptionTable>;

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "demo",
    description: "Run berth's main job on simulated GPUs with a built-in server; stops after --duration or on Ctrl-C",
    load: async () => as((await import("./demo.ts")).demoCommand),
  },
  {
    name: "probe",
    description: "List the GPUs this process may use (index, UUID, name, memory, PCI bus, NUMA node, MIG, processes), read from NVML",
    load: async () => as((await import("./probe.ts")).probeCommand),
  },
  {
    name: "plan",
    description: "Show the whole cluster's layout for an allocation spec: each server's node, local index, GPUs and port block",
    load: async () => as((await import("./plan.ts")).planCommand),
  },
  {
    name: "run",
    description: "Launch this node's servers (vLLM, SGLang or any command) on their GPUs and ports, gate on health, supervise, stop cleanly",
    load: async () => as((await import("./run.ts")).runCommand),
  },
  {
    name: "exec",
    description: "Reserve this process's server slot (--server, LOCAL_RANK or SLURM_LOCALID) and become that server via execve",
    load: async () => as((await import("./exec.ts")).execCommand),
  },
  {
    name: "ports",
    description: "Reserve N free ports host-wide; run -- CMD holding them for its life, or print them and hold them for --ttl",
    load: async () => as((await import("./ports.ts")).portsCommand),
  },
  {
    name: "status",
    description: "Show what berth holds on this host: which process holds which ports and GPUs, and since when",
    load: async () => as((await import("./status.ts")).statusCommand),
  },
  {
    name: "wait",
    description: "For the trainer: wait until every server of a job (read from its --rendezvous) is healthy, then print them; fail at once if one failed",
    load: async () => as((await import("./wait.ts")).waitCommand),
  },
  {
    name: "version",
    description: "Print berth's version, commit, build date and target (--json for scripts)",
    load: async () => as((await import("./version.ts")).versionCommand),
  },
  {
    name: "completion",
    description: "Print a completion script for bash, zsh or fish, e.g. source <(berth completion bash)",
    load: async () => as((await import("./completion.ts")).completionCommand),
  },
  { name: HOLD_COMMAND, description: "Internal: hold ports for berth ports --ttl", hidden: true, load: async () => as((await import("./hold-ports.ts")).holdPortsCommand) },
  { name: EXEC_STEP, description: "Internal: arm the parent-death signal and exec a server", hidden: true, load: async () => as((await import("./exec-step.ts")).execStepCommand) },
  { name: DEMO_SERVER_COMMAND, description: "Internal: the demo's HTTP server", hidden: true, load: async () => as((await import("./demo-server.ts")).demoServerCommand) },
];
