#!/usr/bin/env bash
# The budget ladder (issue: deep/ at the paper's scale): Table 1 to 2,000 iterations, paper NAL rate, then tuned NAL (1e-4).
set -u
cd "$(dirname "$0")/.."
. .venv/bin/activate
common=(omniglot --profile cpu-long --workers 1 --threads 1 --data-dir ../shared/data/omniglot --out-dir runs/omniglot-cpu-long --cache-dir runs/cache --quiet --allow-code-change)
maml-landscape deep run "${common[@]}" && maml-landscape deep run "${common[@]}" --nal-lr 1e-4
