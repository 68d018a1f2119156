#!/usr/bin/env bash
# Train on NUM_PROCESSES processes (torchrun; gloo on CPU):
#   tools/dist_train.sh CONFIG NUM_PROCESSES [tools/train.py options]
# Environment: see tools/dist_launch.sh.
set -euo pipefail
exec "$(dirname "$0")/dist_launch.sh" train.py "$2" "$1" "${@:3}"
