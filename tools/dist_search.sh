#!/usr/bin/env bash
# Search on NUM_PROCESSES processes of this machine (GPUs, or CPU processes
# with the gloo backend where there is no GPU):
#   tools/dist_search.sh CONFIG CHECKPOINT NUM_PROCESSES [tools/search.py options]
# NNODES, NODE_RANK, MASTER_ADDR, PORT and PYTHON may be set for several
# machines or another interpreter.
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
HERE=$(cd "$(dirname "$0")" && pwd)
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$HERE/search.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
