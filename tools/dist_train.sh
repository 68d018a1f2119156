#!/usr/bin/env bash
# Train on NUM_PROCESSES processes of this machine (GPUs, or CPU processes
# with the gloo backend where there is no GPU):
#   tools/dist_train.sh CONFIG NUM_PROCESSES [tools/train.py options]
# NNODES, NODE_RANK, MASTER_ADDR, PORT and PYTHON may be set for several
# machines or another interpreter.
set -euo pipefail
CONFIG=$1
NPROC=$2
HERE=$(cd "$(dirname "$0")" && pwd)
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$HERE/train.py" "$CONFIG" --launcher pytorch "${@:3}"
