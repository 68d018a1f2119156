#!/usr/bin/env bash
# Train as a slurm job:
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG [tools/train.py options]
# Environment: see tools/slurm_launch.sh.
set -euo pipefail
exec "$(dirname "$0")/slurm_launch.sh" "$1" "$2" train.py "${@:3}"
