#!/usr/bin/env bash
# The main job: train an MLP on the bundled digits data, show progress, print test metrics,
# and write out/graph.png, model.png, learning_curve.png, gradients.png, history.csv and
# weights.npz (--overwrite: out/ is this job's own folder, replaced by each run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/rungrad train --out out --overwrite "$@"
