#!/usr/bin/env bash
# Installs the real components the end-to-end tests run (Debian's packages): etcd for the rendezvous and
# AReaL's etcd3 name_resolve, slurm and munge for test/e2e/slurm.test.ts, podman for the container tests,
# zsh and fish for the completion scripts. Needs root and apt; without them it
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
# The completion scripts are sourced in real shells (test/cli/completion.test.ts).
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
[ ${#need[@]} -eq 0 ] && exit 0
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
# Debian starts the packaged daemons; the tests start their own on loopback ports instead.
for service in etcd slurmctld slurmd munge; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$service" >/dev/null 2>&1 || true; fi
done
pkill -x etcd >/dev/null 2>&1 || true
echo "install-e2e: installed ${need[*]}"
