#!/usr/bin/env bash
# Search as a slurm job:
#   tools/slurm_search.sh PARTITION JOB_NAME CONFIG CHECKPOINT [tools/search.py options]
# Environment: see tools/slurm_launch.sh.
set -euo pipefail
exec "$(dirname "$0")/slurm_launch.sh" "$1" "$2" search.py "${@:3}"
