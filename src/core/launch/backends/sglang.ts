// SGLang: `python3 -m sglang.launch_server` with berth's host, port, sizes, seed and NCCL port; a multi-node
// server also gets its node count, rank and the leader's rendezvous address.
import { fail, ok } from "../../result.ts";
import type { BackendInput, BackendLauncher } from "../launch-types.ts";
import { hostForUrl } from "../url-host.ts";

export const sglangLaunch: BackendLauncher = ({ server, placement, env, context, seed, url }: BackendInput) => {
  const ports = placement.ports;
  // SGLang opens its own helper ports from here upward; the block keeps them inside the reservation.
  env.SGLANG_PORT = String(ports.dist + 7);
  const engine = context.engineCommand ?? ["python3", "-m", "sglang.launch_server"];
  const argv = [...engine, ...context.userArgs, "--host", context.host, "--port", String(ports.http),
    "--tp-size", String(server.tp), "--pp-size", String(server.pp), "--random-seed", seed];
  if (!server.nodes) {
    argv.push("--nccl-port", String(ports.dist));
    return ok({ argv, env, url });
  }
  if (!context.leaderAddress) {
    return fail({ code: "launch.no-leader", message: `sglang server ${server.index} spans nodes ${server.nodes.join(",")}; berth needs the leader's address: pass --leader-addr, or set LWS_LEADER_ADDRESS or SLURM_JOB_NODELIST` });
  }
  const leaderPorts = server.ports; // the leader's block: the rendezvous lives there
  argv.push("--nnodes", String(server.nodes.length), "--node-rank", String(server.nodes.indexOf(placement.node)), "--dist-init-addr", `${hostForUrl(context.leaderAddress)}:${leaderPorts.dist}`);
  return ok({ argv, env, url });
};
