"""Speed of one MAML outer iteration (Omniglot 5-way 1-shot) vs a plain per-task autograd loop.

Setting (S5.OMNI, App. C.4): 8 tasks per iteration, 5-way 1-shot, 10 query images per
class, 1 inner SGD step, second-order meta-gradient, float32, conv4 on 1×28×28.

* ``plain``: the textbook loop, nn.Conv2d with bias, ReLU before max-pool, each task's
  loss backpropagated in turn (what one writes first);
* ``ours``: :func:`maml_landscape.deep.meta.meta_gradient` on the stateless Conv4, with
  the malloc settings of :mod:`maml_landscape.deep.runtime`;
* ``ours-workers``: the same with tasks spread over ``--threads`` worker threads, each
  op on one intra-op thread (``meta_gradient(..., workers=T)``);
* ``plain+malloc``: the plain loop with the same malloc settings (separates the effects).

Each implementation lives in its own worker process (so process-wide malloc settings
and peak memory stay apart); the main process interleaves rounds (order alternating).
In its turn a worker runs one untimed step (the first step after a pause meets cold
caches and sleeping threads) and one timed step; between turns the main process waits
``PAUSE`` seconds, so that the last worker's OpenMP threads, which spin for a while
after each parallel region under OpenMP's default wait policy, are asleep before the
next worker starts. The default wait policy is kept because training runs use it
(``OMP_WAIT_POLICY=PASSIVE`` slows the intra-op-threaded variants by up to 1.7x).

Reported: median seconds per iteration (the first round dropped), the speedup as the
ratio of medians and as the median of the rounds' paired ratios with its
distribution-free 95% interval (order statistics), peak RSS (the median over
``--memory-runs`` fresh processes per implementation, each running 3 turns: one
process's peak RSS varies by about 10 MiB from run to run),
the peak of live tensor memory of one step (profiler; for ``ours-workers``, which the
profiler cannot follow across threads, an upper bound: T × the peak of a one-task step,
plus one parameter-sized tensor per task), the meta-gradient difference, achieved GFLOP/s
(FLOPs counted by ``torch.utils.flop_counter``) and this CPU's measured
single-precision matmul peak. Equality of the meta-gradients is checked in float64
(``..._difference_float64``: the two are one function of θ); ``target`` says, per
variant of ours, whether it reaches the issue's target (>= 1.5x the plain loop, peak
RSS and peak live tensor memory no higher).

Usage: python benchmarks/bench_deep_maml.py [--threads 2] [--rounds 15] [--memory-runs 5]
       [--cpus 0,1] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import resource
import statistics
import time

IMPLEMENTATIONS = ("plain", "ours", "ours-workers", "plain+malloc")
#: compared on peak RSS over fresh processes (the memory phase)
MEMORY_COMPARED = ("plain", "ours", "ours-workers")
WAYS, SHOTS, QUERY, TASKS, INNER_LR = 5, 1, 10, 8, 0.1
TARGET_SPEEDUP = 1.5
#: turns (2 steps each) of a memory-phase process
MEMORY_TURNS = 3
#: seconds between turns: longer than OpenMP's default spin before its idle threads sleep
PAUSE = 0.1


def make_tasks(torch, seed: int = 0):
    from maml_landscape.deep.meta import TaskBatch

    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(WAYS)
    return [
        TaskBatch(
            (torch.rand(WAYS * SHOTS, 1, 28, 28, generator=gen) < 0.2).float(),
            labels.repeat_interleave(SHOTS),
            (torch.rand(WAYS * QUERY, 1, 28, 28, generator=gen) < 0.2).float(),
            labels.repeat_interleave(QUERY),
            WAYS,
        )
        for _ in range(TASKS)
    ]


def plain_step(torch, params, tasks):
    """The plain per-task loop: conv (with bias) → BN → ReLU → max-pool, backward per task."""
    F = torch.nn.functional

    def forward(p, x):
        for i in range(4):
            x = F.conv2d(x, p[f"c{i}.w"], p[f"c{i}.b"], padding=1)
            x = F.batch_norm(x, None, None, p[f"n{i}.w"], p[f"n{i}.b"], training=True)
            x = F.max_pool2d(F.relu(x), 2)
        return F.linear(x.flatten(1), p["h.w"], p["h.b"])

    for value in params.values():
        value.grad = None
    for t in tasks:
        loss = F.cross_entropy(forward(params, t.support_x), t.support_y)
        grads = torch.autograd.grad(loss, tuple(params.values()), create_graph=True)
        adapted = {k: v - INNER_LR * g for (k, v), g in zip(params.items(), grads)}
        (F.cross_entropy(forward(adapted, t.query_x), t.query_y) / len(tasks)).backward()
    return {k: v.grad for k, v in params.items()}


def worker(name: str, threads: int, cpus: list[int] | None, connection) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    import torch

    from maml_landscape.deep.meta import meta_gradient
    from maml_landscape.deep.model import Conv4, init_params
    from maml_landscape.deep.runtime import keep_freed_memory

    torch.set_num_threads(1 if name == "ours-workers" else threads)
    if name != "plain":
        keep_freed_memory()
    model = Conv4(1, 28, WAYS)
    ours = {
        k: v.requires_grad_(True)
        for k, v in init_params(model, torch.Generator().manual_seed(0), torch.float32).items()
    }
    plain = {}
    for i in range(4):  # same values; the conv bias of the plain net is zero
        plain[f"c{i}.w"] = ours[f"convs.{i}.weight"].detach().clone().requires_grad_(True)
        plain[f"c{i}.b"] = torch.zeros(64, requires_grad=True)
        plain[f"n{i}.w"] = ours[f"norms.{i}.weight"].detach().clone().requires_grad_(True)
        plain[f"n{i}.b"] = ours[f"norms.{i}.bias"].detach().clone().requires_grad_(True)
    plain["h.w"] = ours["head.weight"].detach().clone().requires_grad_(True)
    plain["h.b"] = ours["head.bias"].detach().clone().requires_grad_(True)
    tasks = make_tasks(torch)

    def step():
        if name.startswith("ours"):
            workers = threads if name == "ours-workers" else 1
            return meta_gradient(model, ours, tasks, INNER_LR, 1, workers=workers)[1]
        return plain_step(torch, plain, tasks)

    grads = step()
    if name.startswith("ours"):
        shared = [grads[f"convs.{i}.weight"] for i in range(4)] + [grads["head.weight"]]
    else:
        shared = [grads[f"c{i}.w"] for i in range(4)] + [grads["h.w"]]
    same_as_one_worker = None
    if name == "ours-workers":  # bit for bit what one worker on one thread computes
        serial = meta_gradient(model, ours, tasks, INNER_LR, 1, workers=1)[1]
        same_as_one_worker = all(torch.equal(grads[k], serial[k]) for k in serial)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    connection.send(
        {"grads": [g.detach().numpy().copy() for g in shared], "same": same_as_one_worker}
    )
    message = connection.recv()
    while message == "go":
        step()  # the step after a pause runs on cold caches and sleeping threads: not timed
        began = time.perf_counter()
        step()
        connection.send(time.perf_counter() - began)
        message = connection.recv()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if message == "rss":  # the memory phase wants the peak RSS only
        connection.send({"peak_rss_mib": peak_kib / 1024})
        return
    if name == "ours-workers":

        def one_task():
            return meta_gradient(model, ours, tasks[:1], INNER_LR, 1)

        live_mib = peak_live_tensor_mib(one_task)
        if live_mib is not None:  # T task graphs at once, plus parameter-sized tensors: the
            # gradients of finished tasks waiting to be summed in order, the threads' modules
            param_mib = sum(v.numel() * v.element_size() for v in ours.values()) / 2**20
            live_mib = threads * live_mib + len(tasks) * param_mib
    else:
        live_mib = peak_live_tensor_mib(step)
    flops = 0
    if name == "ours":
        from torch.utils.flop_counter import FlopCounterMode

        with FlopCounterMode(display=False) as counter:
            step()
        flops = counter.get_total_flops()
    connection.send(
        {
            "flops": flops,
            "peak_rss_mib": peak_kib / 1024,
            "rss_growth_mib": (peak_kib - rss_before) / 1024,
            "peak_live_tensor_mib": live_mib,
        }
    )


def peak_live_tensor_mib(step) -> float | None:
    """Most tensor memory alive at once during ``step()``, from the profiler's allocation events.

    Unlike peak RSS, this leaves out what the libraries keep (oneDNN/MKL buffers, heap
    slack). The profiler sees the calling thread only. None where the profiler's event
    API is not available.
    """
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiler:
        step()
    try:
        events = profiler.profiler.kineto_results.events()
        changes = sorted((e.start_ns(), e.nbytes()) for e in events if e.name() == "[memory]")
    except AttributeError:
        return None
    alive = peak = 0
    for _, nbytes in changes:
        alive += nbytes
        peak = max(peak, alive)
    return peak / 2**20


def matmul_peak(threads: int, cpus: list[int] | None) -> float:
    """Best single-precision GFLOP/s of square matmuls (512 to 2048) on the given threads."""
    if cpus:
        os.sched_setaffinity(0, cpus)
    import torch

    torch.set_num_threads(threads)
    best = 0.0
    for size in (512, 1024, 1536, 2048):
        a, b = torch.randn(size, size), torch.randn(size, size)
        for _ in range(2):
            a @ b
        for _ in range(5):
            began = time.perf_counter()
            a @ b
            best = max(best, 2 * size**3 / (time.perf_counter() - began) / 1e9)
    return best


def vmap_batchnorm_check() -> float:
    """Relative error of torch.func.vmap's second-order MAML gradient through BatchNorm.

    float64, 3 tasks: ``vmap(grad(query loss after one inner step))`` against the same
    function evaluated task by task (the brief reports wrong vmap results with BatchNorm
    and second-order gradients on torch 2.13, so the training code never uses vmap).
    """
    import torch
    from torch.func import grad, vmap

    torch.set_num_threads(1)
    F = torch.nn.functional
    gen = torch.Generator().manual_seed(1)
    shapes = {
        "c0.w": (64, 1, 3, 3),
        "c1.w": (64, 64, 3, 3),
        "c2.w": (64, 64, 3, 3),
        "c3.w": (64, 64, 3, 3),
        "h.w": (WAYS, 64),
    }
    params = {
        k: 0.1 * torch.randn(v, generator=gen, dtype=torch.float64) for k, v in shapes.items()
    }
    for i in range(4):
        params[f"n{i}.w"] = 1 + 0.3 * torch.randn(64, generator=gen, dtype=torch.float64)
        params[f"n{i}.b"] = 0.3 * torch.randn(64, generator=gen, dtype=torch.float64)

    def forward(p, x):
        for i in range(4):
            x = F.conv2d(x, p[f"c{i}.w"], padding=1)
            x = F.batch_norm(x, None, None, p[f"n{i}.w"], p[f"n{i}.b"], training=True)
            x = F.max_pool2d(F.relu(x), 2)
        return x.flatten(1) @ p["h.w"].T

    def query_loss(p, sx, sy, qx, qy):
        inner = grad(lambda q: F.cross_entropy(forward(q, sx), sy))(p)
        return F.cross_entropy(forward({k: v - INNER_LR * inner[k] for k, v in p.items()}, qx), qy)

    tasks = make_tasks(torch, 1)[:3]
    stack = [
        torch.stack([getattr(t, f) for t in tasks]).to(torch.float64)
        if f.endswith("x")
        else torch.stack([getattr(t, f) for t in tasks])
        for f in ("support_x", "support_y", "query_x", "query_y")
    ]
    batched = vmap(grad(query_loss), in_dims=(None, 0, 0, 0, 0))(params, *stack)
    looped = [grad(query_loss)(params, *(s[i] for s in stack)) for i in range(len(tasks))]
    scale = max(float(torch.stack([g[k] for g in looped]).abs().max()) for k in params)
    return (
        max(float((batched[k] - torch.stack([g[k] for g in looped])).abs().max()) for k in params)
        / scale
    )


def float64_gradients() -> tuple[list, list]:
    """The plain loop's and our meta-gradients in float64 for the benchmark's parameters and tasks.

    Both implementations compute the same function of θ, so these agree to rounding
    (~1e-15); float32 results of either differ from them by far more wherever rounding
    flips the argmax of a max-pool window with a near tie (binary images have many).
    """
    import torch

    from maml_landscape.deep.meta import meta_gradient
    from maml_landscape.deep.model import Conv4, init_params

    torch.set_num_threads(1)
    model = Conv4(1, 28, WAYS)
    ours = init_params(model, torch.Generator().manual_seed(0), torch.float32)
    plain = {}
    for i in range(4):
        plain[f"c{i}.w"] = ours[f"convs.{i}.weight"]
        plain[f"c{i}.b"] = torch.zeros(64)
        plain[f"n{i}.w"], plain[f"n{i}.b"] = ours[f"norms.{i}.weight"], ours[f"norms.{i}.bias"]
    plain["h.w"], plain["h.b"] = ours["head.weight"], ours["head.bias"]
    plain = {k: v.double().requires_grad_(True) for k, v in plain.items()}
    ours = {k: v.double().requires_grad_(True) for k, v in ours.items()}
    tasks = [
        type(t)(t.support_x.double(), t.support_y, t.query_x.double(), t.query_y, WAYS)
        for t in make_tasks(torch)
    ]
    grads = plain_step(torch, plain, tasks)
    mine = meta_gradient(model, ours, tasks, INNER_LR, 1)[1]
    return (
        [grads[f"c{i}.w"].numpy() for i in range(4)] + [grads["h.w"].numpy()],
        [mine[f"convs.{i}.weight"].detach().numpy() for i in range(4)]
        + [mine["head.weight"].detach().numpy()],
    )


def median_interval(values: list[float], level: float = 0.95) -> tuple[float, float]:
    """Distribution-free interval for the median: order statistics (j, n + 1 - j) with j
    the largest rank whose binomial(n, 1/2) coverage is still at least ``level``."""
    ordered, n = sorted(values), len(values)
    below = 0.0  # P(Bin(n, 1/2) < j)
    rank = 0
    for j in range(1, n // 2 + 1):
        below += math.comb(n, j - 1) / 2**n
        if 1 - 2 * below < level:
            break
        rank = j
    if rank == 0:
        return ordered[0], ordered[-1]
    return ordered[rank - 1], ordered[n - rank]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--cpus",
        type=lambda s: [int(c) for c in s.split(",")],
        default=None,
        help="pin every worker to these CPUs, e.g. 0,1",
    )
    parser.add_argument(
        "--memory-runs",
        type=int,
        default=5,
        help="fresh processes per implementation for the peak-RSS comparison (default 5)",
    )
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()
    if args.rounds < 2 or args.memory_runs < 1:
        parser.error("need --rounds >= 2 (the first round is dropped) and --memory-runs >= 1")
    context = mp.get_context("spawn")
    workers = {}
    for name in IMPLEMENTATIONS:
        mine, theirs = context.Pipe()
        process = context.Process(target=worker, args=(name, args.threads, args.cpus, theirs))
        process.start()
        workers[name] = (process, mine)
    first = {name: connection.recv() for name, (_, connection) in workers.items()}
    grads = {name: message["grads"] for name, message in first.items()}
    times = {name: [] for name in IMPLEMENTATIONS}
    for round_number in range(args.rounds):
        order = IMPLEMENTATIONS if round_number % 2 == 0 else IMPLEMENTATIONS[::-1]
        for name in order:
            connection = workers[name][1]
            time.sleep(PAUSE)  # the last worker's spinning OpenMP threads go to sleep
            connection.send("go")
            times[name].append(connection.recv())
    stats = {}
    for name, (process, connection) in workers.items():
        connection.send("stop")
        stats[name] = connection.recv()
        process.join()
    rss_runs = {name: [] for name in MEMORY_COMPARED}
    for run in range(args.memory_runs):  # one sample of peak RSS per fresh process
        for name in MEMORY_COMPARED if run % 2 == 0 else MEMORY_COMPARED[::-1]:
            mine, theirs = context.Pipe()
            process = context.Process(target=worker, args=(name, args.threads, args.cpus, theirs))
            process.start()
            mine.recv()
            for _ in range(MEMORY_TURNS):
                mine.send("go")
                mine.recv()
            mine.send("rss")
            rss_runs[name].append(round(mine.recv()["peak_rss_mib"], 1))
            process.join()
    rss = {name: statistics.median(values) for name, values in rss_runs.items()}
    import numpy as np

    reference, ours64 = float64_gradients()

    def error(found: list) -> float:
        return max(float(np.abs(a - b).max() / np.abs(b).max()) for a, b in zip(found, reference))

    difference = max(
        float(np.abs(a - b).max() / np.abs(b).max()) for a, b in zip(grads["ours"], grads["plain"])
    )
    medians = {name: statistics.median(values[1:]) for name, values in times.items()}
    ratios = {  # paired: the plain loop's and ours' times in the same round
        name: [p / o for p, o in zip(times["plain"][1:], times[name][1:])]
        for name in ("ours", "ours-workers")
    }
    peak = matmul_peak(args.threads, args.cpus)
    flops = stats["ours"]["flops"]
    best = min(("ours", "ours-workers"), key=medians.get)
    report = {
        "threads": args.threads,
        "cpus": args.cpus,
        "rounds": args.rounds,
        "seconds_per_iteration": medians,
        "fastest_of_ours": best,
        "speedup_vs_plain": medians["plain"] / medians[best],
        "speedup_per_round_median_95ci": {
            name: [statistics.median(ratios[name]), *median_interval(ratios[name])]
            for name in ratios
        },
        "speedup_vs_plain_with_malloc": medians["plain+malloc"] / medians[best],
        "peak_rss_mib": rss,
        "peak_rss_mib_per_process": rss_runs,
        "peak_rss_mib_timing_processes": {n: round(s["peak_rss_mib"], 1) for n, s in stats.items()},
        "peak_rss_growth_mib_timing_processes": {
            n: round(s["rss_growth_mib"], 1) for n, s in stats.items()
        },
        "peak_live_tensor_mib": {
            n: None if s["peak_live_tensor_mib"] is None else round(s["peak_live_tensor_mib"], 1)
            for n, s in stats.items()
        },
        "meta_gradient_max_relative_difference_float32": difference,
        "meta_gradient_max_relative_difference_float64": error(ours64),
        "float32_relative_error_vs_float64_plain": {n: error(g) for n, g in grads.items()},
        "workers_bitwise_equal_to_one_worker_one_thread": first["ours-workers"]["same"],
        "gflop_per_iteration": flops / 1e9,
        "achieved_gflops": flops / 1e9 / medians[best],
        "matmul_peak_gflops": peak,
        "vmap_batchnorm_second_order_relative_error_float64": vmap_batchnorm_check(),
    }
    report["fraction_of_peak"] = report["achieved_gflops"] / peak
    live = report["peak_live_tensor_mib"]
    report["target"] = {  # the target: >= 1.5x the loop, peak memory no higher
        name: {
            "speedup": medians["plain"] / medians[name],
            "meets_1.5x": medians["plain"] / medians[name] >= TARGET_SPEEDUP,
            "peak_rss_not_above_plain": rss[name] <= rss["plain"] if rss else None,
            "peak_live_tensors_not_above_plain": None
            if live[name] is None or live["plain"] is None
            else live[name] <= live["plain"],
        }
        for name in ("ours", "ours-workers")
    }
    print(json.dumps(report, indent=1))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(report, file, indent=1)


if __name__ == "__main__":
    main()
