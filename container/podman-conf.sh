#!/usr/bin/env bash
# Writes a containers.conf for rootful podman on this host and prints its path; use it as
#   export CONTAINERS_CONF=$(bash container/podman-conf.sh)
# Two host quirks it settles (both seen on Debian 12 VMs):
#  - root without CAP_SYS_RESOURCE cannot raise rlimits, and podman's default nofile=1048576 then fails in the
#    runtime ("setrlimit RLIMIT_NOFILE: Operation not permitted"); podman also caps nproc at 32768;
#  - crun 1.8 refuses cgroup v1/v2 hybrid hosts ("cgroups in hybrid mode not supported"); runc copes.
# No systemd here: the cgroupfs manager and the file events logger.
set -euo pipefail
out=${1:-/tmp/berth-containers.conf}
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
[ "$nofile" = unlimited ] && nofile=1048576
{ [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; } && nproc=32768
runtime=crun
if [ -e /sys/fs/cgroup/unified/cgroup.controllers ] || ! command -v crun >/dev/null 2>&1; then runtime=runc; fi
cat > "$out" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[network]
network_backend = "netavark"
[engine]
runtime = "$runtime"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
echo "$out"
