#!/usr/bin/env bash
# The budget ladder's third seed (seed 2) at cpu-long (2,000 iterations): two seeds left MAML(Small) − MAML(Large)
# undecided at 2,000 iterations (t multiplier 12.7 at 1 degree of freedom; 4.3 at 2). One process per setting,
# each on one core, MAML first (it decides the undecided ordering), then NAL at the paper's rate, then tuned NAL.
set -u
cd "$(dirname "$0")/.."
. .venv/bin/activate
common=(omniglot --profile cpu-long --seeds 2 --workers 1 --threads 1 --data-dir ../shared/data/omniglot
        --out-dir runs/omniglot-cpu-long --cache-dir runs/cache --quiet --allow-code-change)
for setting in large small; do
  (
    for algorithm in maml nal-1 nal-10; do
      maml-landscape deep run "${common[@]}" --settings "$setting" --algorithms "$algorithm"
    done
    for algorithm in nal-1 nal-10; do
      maml-landscape deep run "${common[@]}" --settings "$setting" --algorithms "$algorithm" --nal-lr 1e-4
    done
  ) > "runs/omniglot-cpu-long/ladder-seed2-$setting.log" 2>&1 &
done
wait
