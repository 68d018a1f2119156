#!/usr/bin/env bash
# Search on NUM_PROCESSES processes (torchrun; gloo on CPU):
#   tools/dist_search.sh CONFIG CHECKPOINT NUM_PROCESSES [tools/search.py options]
# Environment: see tools/dist_launch.sh.
set -euo pipefail
exec "$(dirname "$0")/dist_launch.sh" search.py "$3" "$1" "$2" "${@:4}"
