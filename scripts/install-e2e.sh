#!/usr/bin/env bash
# Installs the real components the end-to-end tests run (Debian's packages): etcd for the rendezvous and
# AReaL's etcd3 name_resolve, slurm and munge for test/e2e/slurm.test.ts, podman for the container tests,
# prometheus (promtool) for the metrics tests, zsh and fish for the completion scripts. Needs root and apt; without them it
# says so and exits 0, and the tests that need the components skip with a message naming this script.
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-e2e: not root or no apt-get; the etcd, Slurm and container end-to-end tests will be skipped" >&2
  exit 0
fi
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld slurmd slurm-client munge)
# Rootful podman runs berth as a container's PID 1 (test/e2e/containers.test.ts): runc where crun refuses
# this host's hybrid cgroups, netavark for podman's own networking (the tests use --network host).
command -v podman >/dev/null 2>&1 || need+=(podman crun runc conmon netavark aardvark-dns iptables)
# promtool checks berth's /metrics, and a real Prometheus scrapes it (test/e2e/metrics.test.ts).
# Without its recommends: node-exporter would be started as a service listening on a fixed port.
lean=()
command -v promtool >/dev/null 2>&1 || lean+=(prometheus)
# The completion scripts are sourced in real shells (test/cli/completion.test.ts).
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
[ ${#need[@]} -eq 0 ] && [ ${#lean[@]} -eq 0 ] && exit 0
apt-get update -q >/dev/null
[ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
[ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${lean[@]}" >/dev/null
# Debian starts the packaged daemons; the tests start their own on loopback ports instead.
for service in etcd slurmctld slurmd munge prometheus; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$service" >/dev/null 2>&1 || true; fi
done
pkill -x etcd >/dev/null 2>&1 || true
pkill -x prometheus >/dev/null 2>&1 || true
echo "install-e2e: installed ${need[*]} ${lean[*]}"
