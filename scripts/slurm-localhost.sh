#!/usr/bin/env bash
# Adapted from the project's reference tools (shared/tools/slurm-localhost.sh, 2026-12-06) for
# test/e2e/slurm.test.ts: a 3-node Slurm "cluster" on one host (three slurmd daemons, slurmd -N n0/n1/n2),
# each node with a network namespace of its own (separate port spaces and addresses that reach each other).
#
# Changed from the reference so that a test touches only what it started: everything is private to one
# instance directory. Its own munged (its own key, socket, pid and log files; slurm.conf's AuthInfo names the
# socket), its own slurm.conf at $SLURM_CONF (never the host's), its own ports from $PORT_BASE, its own
# namespaces and as-host.sh under $NET. Nothing outside $RUN and $NET is written.
#
#   RUN=DIR NET=DIR SLURM_CONF=FILE PORT_BASE=N bash slurm-localhost.sh up     start munged, slurmctld, 3 slurmd
#   ... hosts   the per-node network namespaces (n0=10.99.0.10, n1=.11, n2=.12) and $NET/as-host.sh:
#               srun ... $NET/as-host.sh CMD runs CMD "on its own host" (that node's namespace, /etc/hosts with
#               n0..n2 in a private mount namespace, and BERTH_REGISTRY_DIR=$NET/reg-<node>)
#   ... down    stop exactly what this instance started (by its pid files), namespaces included
#
# PORT_BASE: slurmctld on PORT_BASE, slurmd on +1..+3, srun on +10..+99 (a free window of 100 ports).
# Tested as root with slurm 22.05.8 and munge 0.5.15 (Debian 12). Export SLURM_CONF for srun and sbatch too.
set -euo pipefail
: "${RUN:?set RUN to this instance state directory}"
: "${NET:?set NET to this instance namespace directory}"
: "${SLURM_CONF:?set SLURM_CONF to this instance slurm.conf path}"
: "${PORT_BASE:?set PORT_BASE to the first of 100 free ports}"
export SLURM_CONF
CPUS=${CPUS:-8}   # more than this host has, so that --ntasks-per-node=4 is accepted (config_overrides)
HOST=$(hostname -s)
MUNGE=$RUN/munge
cmd=${1:-up}

stop_pidfile() { [ -s "$1" ] || return 0; local pid; pid=$(cat "$1"); kill "$pid" 2>/dev/null && echo "stopped $(basename "$1" .pid) (pid $pid)" || true; }

case "$cmd" in
down)
  for f in "$NET"/n0.pid "$NET"/n1.pid "$NET"/n2.pid "$NET"/switch.pid; do stop_pidfile "$f"; rm -f "$f"; done
  for f in "$RUN"/slurmd-n0.pid "$RUN"/slurmd-n1.pid "$RUN"/slurmd-n2.pid "$RUN"/slurmctld.pid "$MUNGE"/munged.pid; do stop_pidfile "$f"; done
  exit 0 ;;

hosts)
  mkdir -p "$NET"
  hold() { unshare -n sleep infinity </dev/null >/dev/null 2>&1 & echo $! > "$NET/$1.pid"; sleep 0.2; }
  [ -s "$NET/switch.pid" ] && kill -0 "$(cat "$NET/switch.pid")" 2>/dev/null && { echo "namespaces already up"; exit 0; }
  hold switch; S=$(cat "$NET/switch.pid")
  nsenter --net=/proc/$S/ns/net sh -c 'ip link add br0 type bridge && ip link set br0 up && ip link set lo up'
  echo "127.0.0.1 localhost" > "$NET/hosts.new"
  for i in 0 1 2; do
    hold n$i; P=$(cat "$NET/n$i.pid")
    nsenter --net=/proc/$S/ns/net ip link add vs$i type veth peer name eth0 netns "$P"
    nsenter --net=/proc/$S/ns/net ip link set vs$i master br0 up
    nsenter --net=/proc/$P/ns/net sh -c "ip link set lo up && ip addr add 10.99.0.1$i/24 dev eth0 && ip link set eth0 up"
    echo "10.99.0.1$i n$i" >> "$NET/hosts.new"
  done
  mv "$NET/hosts.new" "$NET/hosts"
  cat > "$NET/as-host.sh" <<ASHOST
#!/bin/bash
# srun ... as-host.sh CMD: run CMD as if on its own host: this instance's network namespace of the Slurm
# node, a private mount namespace whose /etc/hosts names n0..n2, and a berth registry of its own.
P=\$(cat $NET/\$SLURMD_NODENAME.pid)
export BERTH_REGISTRY_DIR=$NET/reg-\$SLURMD_NODENAME
exec nsenter --net=/proc/\$P/ns/net unshare -m --propagation private bash -c 'mount --bind $NET/hosts /etc/hosts && exec "\$@"' as-host "\$@"
ASHOST
  chmod +x "$NET/as-host.sh"
  exit 0 ;;

up) ;;
*) echo "usage: $0 up|hosts|down" >&2; exit 2 ;;
esac

for tool in slurmctld slurmd munged; do command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/install-e2e.sh installs it)" >&2; exit 3; }; done

# 1. munge: a daemon of this instance's own (its key, socket and files in $MUNGE, owned by the munge user).
mkdir -p "$MUNGE" "$RUN/state"
if [ ! -s "$MUNGE/munge.key" ]; then dd if=/dev/urandom of="$MUNGE/munge.key" bs=1024 count=1 status=none; fi
chown -R munge:munge "$MUNGE"; chmod 0755 "$MUNGE"; chmod 0400 "$MUNGE/munge.key"  # munged wants its socket directory open to all (execute)
if ! { [ -s "$MUNGE/munged.pid" ] && kill -0 "$(cat "$MUNGE/munged.pid")" 2>/dev/null; }; then
  runuser -u munge -- munged --socket="$MUNGE/munge.socket" --key-file="$MUNGE/munge.key" --pid-file="$MUNGE/munged.pid" \
    --log-file="$MUNGE/munged.log" --seed-file="$MUNGE/munged.seed"
fi
for _ in $(seq 1 50); do [ -S "$MUNGE/munge.socket" ] && break; sleep 0.1; done
munge --socket="$MUNGE/munge.socket" -n </dev/null | unmunge --socket="$MUNGE/munge.socket" >/dev/null && echo "munge: ok"

# 2. slurm.conf: three nodes n0..n2 on this host, each slurmd on its own port, all of it under $RUN.
mkdir -p "$(dirname "$SLURM_CONF")"
cat > "$SLURM_CONF" <<CONF
ClusterName=berthtest
SlurmctldHost=$HOST
SlurmctldPort=$PORT_BASE
SrunPortRange=$((PORT_BASE + 10))-$((PORT_BASE + 99))
AuthType=auth/munge
AuthInfo=socket=$MUNGE/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=$RUN/slurmctld.pid
StateSaveLocation=$RUN/state
SlurmUser=root
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SlurmdParameters=config_overrides
SlurmctldLogFile=$RUN/slurmctld.log
SlurmdPidFile=$RUN/slurmd-%n.pid
SlurmdSpoolDir=$RUN/slurmd-%n
SlurmdLogFile=$RUN/slurmd-%n.log
NodeName=n0 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$((PORT_BASE + 1)) CPUs=$CPUS State=UNKNOWN
NodeName=n1 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$((PORT_BASE + 2)) CPUs=$CPUS State=UNKNOWN
NodeName=n2 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$((PORT_BASE + 3)) CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=n[0-2] Default=YES MaxTime=INFINITE State=UP
CONF

# 3. daemons: slurmctld (-i: ignore the state a previous run saved), then one slurmd per node name.
if ! { [ -s "$RUN/slurmctld.pid" ] && kill -0 "$(cat "$RUN/slurmctld.pid")" 2>/dev/null; }; then slurmctld -f "$SLURM_CONF" -i; fi
for n in n0 n1 n2; do
  if ! { [ -s "$RUN/slurmd-$n.pid" ] && kill -0 "$(cat "$RUN/slurmd-$n.pid")" 2>/dev/null; }; then slurmd -f "$SLURM_CONF" -N "$n"; fi
done
for _ in $(seq 1 60); do
  states=$(sinfo -h -o '%t' 2>/dev/null || true)
  if [ -n "$states" ] && ! grep -qv '^idle$' <<<"$states"; then break; fi
  sleep 0.5
done
sinfo
