#!/usr/bin/env bash
# Device check for `berth probe` on a real GPU node (issue 3): its fields must equal nvidia-smi's and
# pynvml's, and it is timed against nvidia-smi. Usage: bench/device-probe.sh [path/to/berth | berth.xz]
# Needs nvidia-smi and python3 (pynvml, from the nvidia-ml-py package, where installed).
set -euo pipefail
berth=${1:-dist/berth}
if [[ $berth == *.xz ]]; then xz -dkf "$berth"; berth=${berth%.xz}; fi
chmod +x "$berth"
work=$(mktemp -d)
export CUDA_DEVICE_ORDER=PCI_BUS_ID

"$berth" probe --json > "$work/berth.json"
nvidia-smi --query-gpu=index,uuid,name,memory.total,pci.bus_id --format=csv,noheader,nounits > "$work/smi.csv"
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
berth = json.load(open(f"{work}/berth.json"))
rows = list(csv.reader(open(f"{work}/smi.csv"), skipinitialspace=True))
problems = []
if len(rows) != len(berth["gpus"]):
    problems.append(f"nvidia-smi lists {len(rows)} GPUs, berth {len(berth['gpus'])}")
for row, gpu in zip(rows, berth["gpus"]):
    index, uuid, name, total_mib, bus = row
    mine = (gpu["index"], gpu["uuid"], gpu["name"], gpu["memory"]["total"] // (1024 * 1024), gpu["pciBusId"].upper())
    theirs = (int(index), uuid, name, int(total_mib), bus.upper())
    if mine != theirs:
        problems.append(f"nvidia-smi {theirs} != berth {mine}")
try:
    import pynvml
    pynvml.nvmlInit()
    for gpu in berth["gpus"]:
        handle = pynvml.nvmlDeviceGetHandleByIndex(gpu["index"])
        decode = lambda value: value.decode() if isinstance(value, bytes) else value
        memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
        theirs = (decode(pynvml.nvmlDeviceGetUUID(handle)), decode(pynvml.nvmlDeviceGetName(handle)), memory.total, decode(pynvml.nvmlDeviceGetPciInfo(handle).busId))
        mine = (gpu["uuid"], gpu["name"], gpu["memory"]["total"], gpu["pciBusId"])
        if mine != theirs:
            problems.append(f"pynvml {theirs} != berth {mine}")
    print("pynvml: compared", len(berth["gpus"]), "GPUs")
except ImportError:
    print("pynvml: not installed here; compared with nvidia-smi only")
print("berth driver", berth["driverVersion"], "cuda", berth["cudaDriverVersion"], "missing features", berth["missingFeatures"])
if problems:
    print("MISMATCH:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("fields identical:", len(rows), "GPUs")
PY

# CUDA_VISIBLE_DEVICES as a real CUDA process sees it, against berth's reading of the same value.
if python3 -c "import torch" 2>/dev/null; then
  count=$(python3 -c "import torch; print(torch.cuda.device_count())")
  last=$((count - 1))
  want=$(CUDA_VISIBLE_DEVICES="$last,0" "$berth" probe --json | python3 -c "import json,sys; print(','.join(g['uuid'] for g in json.load(sys.stdin)['gpus']))")
  seen=$(CUDA_VISIBLE_DEVICES="$last,0" python3 -c "import torch; print(','.join('GPU-'+str(torch.cuda.get_device_properties(i).uuid) for i in range(torch.cuda.device_count())))")
  echo "CUDA_VISIBLE_DEVICES=$last,0: berth $want; torch $seen"
  [ "$want" = "$seen" ] || { echo "MISMATCH in CUDA_VISIBLE_DEVICES"; exit 1; }
fi

python3 - "$berth" <<'PY'
import statistics, subprocess, sys, time
def median_ms(argv, rounds=21):
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
berth = median_ms([sys.argv[1], "probe", "--json"])
smi = median_ms(["nvidia-smi", "--query-gpu=index,uuid,name,memory.total,pci.bus_id", "--format=csv,noheader"])
print(f"berth probe {berth:.1f} ms, nvidia-smi {smi:.1f} ms, nvidia-smi/berth {smi / berth:.1f}x (median of 21)")
PY
