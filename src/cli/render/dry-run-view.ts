// `run --dry-run` for people: each server with its GPUs, ports and URL, then its command line and the
// variables berth sets, both quoted so they can be pasted into a shell as they are.
import type { DryRun } from "../../host/node/dry-run.ts";

/** POSIX shell quoting: bare where safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

export function renderDryRun(dryRun: DryRun): string {
  const lines = [`node ${dryRun.node} of ${dryRun.nodes} on ${dryRun.host}: ${dryRun.servers.length} server(s)${dryRun.simulated ? " on simulated GPUs" : ""}; nothing started, reserved or written (at a real start, a GPU or port block another berth holds is replaced)`];
  for (const warning of dryRun.warnings) lines.push(`warning: ${warning}`);
  for (const server of dryRun.servers) {
    const gpus = server.gpus.map((gpu) => `${gpu.index} (${gpu.uuid})`).join(", ") || "none";
    const name = server.name ? ` ${server.name}` : "";
    lines.push("", `s${server.index}${name} (${server.backend}, ${server.role}) on node ${server.node}: GPUs ${gpus}; ports ${server.ports.first}-${server.ports.last} (http ${server.ports.http}, dist ${server.ports.dist})${server.url ? `; ${server.url}` : ""}`);
    lines.push(`  argv: ${server.argv.map(shellQuote).join(" ")}`);
    lines.push(`  env:  ${Object.entries(server.env).map(([name, value]) => `${name}=${shellQuote(value)}`).join(" ")}`);
  }
  return `${lines.join("\n")}\n`;
}
