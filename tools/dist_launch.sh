#!/usr/bin/env bash
# Start TOOL (a script of tools/) on NUM_PROCESSES processes with torchrun
# and --launcher pytorch (GPUs, or CPU processes with the gloo backend where
# there is no GPU):
#   tools/dist_launch.sh TOOL NUM_PROCESSES [TOOL arguments]
# NNODES, NODE_RANK, MASTER_ADDR, PORT and PYTHON may be set for several
# machines or another interpreter.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOOL=$1
NPROC=$2
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$HERE/$TOOL" "${@:3}" --launcher pytorch
