#!/usr/bin/env bash
# The budget ladder's tuned-NAL rows (NAL outer rate 1e-4, tuned at 600 iterations): one process per seed,
# each on one core, so the two seeds train side by side; then the full table of the variant.
set -u
cd "$(dirname "$0")/.."
. .venv/bin/activate
common=(omniglot --profile cpu-long --nal-lr 1e-4 --workers 1 --threads 1 --data-dir ../shared/data/omniglot
        --out-dir runs/omniglot-cpu-long --cache-dir runs/cache --quiet --allow-code-change)
maml-landscape deep run "${common[@]}" --seeds 0 > runs/omniglot-cpu-long/ladder-tuned-seed0.log 2>&1 &
maml-landscape deep run "${common[@]}" --seeds 1 > runs/omniglot-cpu-long/ladder-tuned-seed1.log 2>&1 &
wait
maml-landscape deep table omniglot --profile cpu-long --nal-lr 1e-4 --data-dir ../shared/data/omniglot \
    --out-dir runs/omniglot-cpu-long --cache-dir runs/cache
