#!/usr/bin/env bash
# Copied from the project's reference tools (shared/tools/slurm-localhost.sh, 2026-12-01) for test/e2e/slurm.test.ts;
# changed only in this header.
# A 3-node Slurm "cluster" on one Debian 12 host (three slurmd daemons, slurmd -N n0/n1/n2), for trying
# berth under srun/sbatch; optionally each node also gets a network namespace of its own, so the three
# "nodes" have separate port spaces and addresses, can reach each other, and n0..n2 resolve (like real hosts).
#
#   bash slurm-localhost.sh up      install (if needed), write /etc/slurm/slurm.conf, start munged, slurmctld, 3 slurmd
#   bash slurm-localhost.sh hosts   make the per-node network namespaces (n0=10.99.0.10, n1=.11, n2=.12) and write
#                               /tmp/slurm-test/as-host.sh: srun ... /tmp/slurm-test/as-host.sh CMD runs CMD "on
#                               its own host" (that node's namespace, /etc/hosts with n0..n2 in a private mount
#                               namespace, and BERTH_REGISTRY_DIR=/tmp/slurm-reg-<node>)
#   bash slurm-localhost.sh down    stop exactly what this script started (by pid files), namespaces included
#
# Tested as root with slurm 22.05.8-4+deb12u3 and munge 0.5.15 (Debian 12, bookworm). Nothing outside /tmp,
# /etc/slurm and munge's own directories is written; the host's network namespace is never touched (the
# bridge joining the node namespaces lives in a fourth namespace).
set -euo pipefail
RUN=${RUN:-/tmp/slurm-run}        # slurm state, logs, pid files
NET=${NET:-/tmp/slurm-net}        # namespace holders' pid files, the hosts file
# CPUs per emulated node: more than this 2-CPU host has, so that srun --ntasks-per-node=4 is accepted
# (SlurmdParameters=config_overrides keeps slurmd from draining a node whose real CPU count is lower)
CPUS=${CPUS:-8}
HOST=$(hostname -s)
cmd=${1:-up}

stop_pidfile() { [ -s "$1" ] || return 0; local pid; pid=$(cat "$1"); kill "$pid" 2>/dev/null && echo "stopped $(basename "$1" .pid) (pid $pid)" || true; }

case "$cmd" in
down)
  for f in "$NET"/n0.pid "$NET"/n1.pid "$NET"/n2.pid "$NET"/switch.pid; do stop_pidfile "$f"; rm -f "$f"; done
  for f in "$RUN"/slurmd-n0.pid "$RUN"/slurmd-n1.pid "$RUN"/slurmd-n2.pid "$RUN"/slurmctld.pid "$RUN"/munged.pid; do stop_pidfile "$f"; done
  sleep 1
  exit 0 ;;

hosts)
  mkdir -p "$NET" /tmp/slurm-test
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
  cat > /tmp/slurm-test/as-host.sh <<'ASHOST'
#!/bin/bash
# srun ... as-host.sh CMD: run CMD as if on its own host: the network namespace of this Slurm node
# (slurm-localhost.sh hosts), a private mount namespace whose /etc/hosts names n0..n2, and a berth registry
# of its own (BERTH_REGISTRY_DIR=/tmp/slurm-reg-<node>).
P=$(cat /tmp/slurm-net/$SLURMD_NODENAME.pid)
export BERTH_REGISTRY_DIR=/tmp/slurm-reg-$SLURMD_NODENAME
exec nsenter --net=/proc/$P/ns/net unshare -m --propagation private bash -c 'mount --bind /tmp/slurm-net/hosts /etc/hosts && exec "$@"' as-host "$@"
ASHOST
  chmod +x /tmp/slurm-test/as-host.sh
  # helper scripts, if a folder slurm-files sits next to this script
  here=$(dirname "$(readlink -f "$0")")
  [ -d "$here/slurm-files" ] && cp -n "$here"/slurm-files/* /tmp/slurm-test/ 2>/dev/null || true
  for i in 0 1 2; do echo "n$i: $(nsenter --net=/proc/$(cat "$NET/n$i.pid")/ns/net ip -br -4 addr show eth0)"; done
  if command -v srun >/dev/null && sinfo -h >/dev/null 2>&1; then
    srun -N3 -l /tmp/slurm-test/as-host.sh bash -c 'echo "$SLURMD_NODENAME: eth0 $(ip -br -4 addr show eth0 | awk "{print \$3}"), n0 is $(getent hosts n0 | awk "{print \$1}")"' | sort
  fi
  exit 0 ;;

up) ;;
*) echo "usage: $0 up|hosts|down" >&2; exit 2 ;;
esac

# 1. packages (about 12 s)
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurmctld slurmd slurm-client munge
fi

# 2. munge: its directories owned by munge, a key, the daemon run as the munge user
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge "$RUN"
chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
chmod 0755 /run/munge; chmod 0700 /var/log/munge /etc/munge
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key --force
  else /usr/sbin/create-munge-key -f; fi
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  # munged writes its pid file to /run/munge/munged.pid (the munge user cannot write $RUN);
  # a copy in $RUN lets "down" stop exactly this daemon
  runuser -u munge -- /usr/sbin/munged
  sleep 1
  cp /run/munge/munged.pid "$RUN/munged.pid"
fi
munge -n </dev/null | unmunge >/dev/null && echo "munge: ok"

# 3. slurm.conf: three nodes n0..n2 on this host, each slurmd on its own port
mkdir -p /etc/slurm "$RUN/state"
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$HOST
AuthType=auth/munge
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
NodeName=n0 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=17001 CPUs=$CPUS State=UNKNOWN
NodeName=n1 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=17002 CPUs=$CPUS State=UNKNOWN
NodeName=n2 NodeHostname=$HOST NodeAddr=127.0.0.1 Port=17003 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=n[0-2] Default=YES MaxTime=INFINITE State=UP
CONF

# 4. daemons: slurmctld (-i: ignore the state a previous run saved), then one slurmd per node name
if ! { [ -s "$RUN/slurmctld.pid" ] && kill -0 "$(cat "$RUN/slurmctld.pid")" 2>/dev/null; }; then slurmctld -i; fi
sleep 1
for n in n0 n1 n2; do
  if ! { [ -s "$RUN/slurmd-$n.pid" ] && kill -0 "$(cat "$RUN/slurmd-$n.pid")" 2>/dev/null; }; then slurmd -N "$n"; fi
done
for i in $(seq 1 30); do
  sinfo -h -o '%t' | grep -qv idle || break
  sleep 1
done
sinfo
srun -N3 --ntasks-per-node=1 bash -c 'echo "node $SLURMD_NODENAME: SLURM_NODEID=$SLURM_NODEID of SLURM_NNODES=$SLURM_NNODES"' | sort
