#!/usr/bin/env bash
# Start TOOL (a script of tools/) as a slurm job step, one task per GPU,
# with --launcher slurm:
#   tools/slurm_launch.sh PARTITION JOB_NAME TOOL [TOOL arguments]
# GPUS (tasks, default 8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS
# and PYTHON may be set. Slurm runs need GPUs: on CPU machines use
# tools/dist_launch.sh (torchrun, gloo).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PARTITION=$1
JOB_NAME=$2
TOOL=$3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
# SRUN_ARGS is split into words on purpose (e.g. "--quotatype=auto -x n1").
# shellcheck disable=SC2086
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="${CPUS_PER_TASK:-5}" --kill-on-bad-exit=1 \
    ${SRUN_ARGS:-} "${PYTHON:-python}" -u "$HERE/$TOOL" "${@:4}" \
    --launcher slurm
