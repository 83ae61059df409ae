// `berth ports`: reserve N free ports host-wide, then either exec a command that keeps them for its life,
// or print them and leave a detached holder keeping them for --ttl.
import { defineBerthCommand } from "./command.ts";
import { BerthError, checkJsonAndFormat, orRefuse } from "./errors.ts";
import { durationOption, enumOption, integerOption, portRangeOption, stringOption } from "./option-kinds.ts";
import { printJson } from "./render/json.ts";
import { ENDED } from "../core/exit.ts";
import { portsAsEnvironment } from "../core/ports/port-request.ts";
import { execCommand } from "../host/process/exec.ts";
import { reserveRequestedPorts, type PortsRequest } from "../host/registry/requested-ports.ts";
import { handOverToExec } from "../host/registry/reservations.ts";
import { startPortHolder } from "../host/registry/port-holder-process.ts";

export const portsCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: true,
  options: {
    count: integerOption({ description: "How many ports (or blocks, with --block) to reserve", alias: "n", min: 1, max: 4096, default: 1, valueHint: "N" }),
    block: integerOption({ description: "Reserve N blocks of this many contiguous ports instead of N single ports", min: 1, max: 65535, valueHint: "W" }),
    portPool: portRangeOption({ description: "Ports to choose from", min: 1, max: 65535, defaultHint: "10000 to one below ip_local_port_range's low end, less ip_local_reserved_ports" }),
    format: enumOption({ description: "How to print the ports without a command: plain (space-separated), json, or env (for eval)", choices: ["plain", "json", "env"], default: "plain" }),
    ttl: durationOption({ description: "Without a command: how long the detached holder keeps the ports (0: no limit, until the holder is stopped: kill BERTH_PORTS_HOLDER)", default: 60_000 }),
    role: stringOption({ description: "A label for `berth status`", default: "ports" }),
  },
  examples: [
    "berth ports -n 4 -- python3 train.py        # held while the command runs",
    "eval \"$(berth ports -n 2 --format env --ttl 10m)\"",
    "berth ports --block 16 -n 2 --json",
  ],
  async run({ options, origins, passthrough, io, commandLine }) {
    checkJsonAndFormat(options, origins);
    const request: PortsRequest = { count: options.count, blockSize: options.block, pool: options.portPool, holder: { role: options.role, command: commandLine } };
    const blocksWanted = options.block !== undefined;
    if (passthrough.length > 0) {
      const reserved = orRefuse(await reserveRequestedPorts(request, io.env));
      handOverToExec({ ports: reserved.held, gpus: [] });
      const numbers = reserved.held.map((held) => held.port);
      const failure = execCommand(passthrough, { ...io.env, ...portsAsEnvironment(numbers, blocksWanted ? reserved.blocks : undefined) });
      throw new BerthError(failure.ending, failure.message);
    }
    const held = await startPortHolder(request, options.ttl, io.env);
    if (!held.ok) throw new BerthError(held.ending, held.message);
    const { ports, blocks, holder, expiresAt, checked } = held;
    const format = options.json ? "json" : options.format;
    if (checked !== "ipv4+ipv6") io.stderr("berth: warning: this host has no IPv6; ports were checked on IPv4 only\n");
    if (format === "json") printJson(io, { ports, ...(blocksWanted ? { blocks } : {}), holder, expiresAt, checked });
    else if (format === "env") {
      const environment = { ...portsAsEnvironment(ports, blocksWanted ? blocks : undefined), BERTH_PORTS_HOLDER: String(holder), BERTH_PORTS_EXPIRE: expiresAt ?? "never" };
      io.stdout(Object.entries(environment).map(([key, value]) => `export ${key}=${value}\n`).join(""));
    } else io.stdout(`${blocksWanted ? blocks.map((block) => `${block.first}-${block.last}`).join(" ") : ports.join(" ")}\n`);
    held.printed(); // only now may the holder keep them: before this, a killed berth ports leaves nothing held
    return ENDED.ok;
  },
});

