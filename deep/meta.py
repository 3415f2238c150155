"""MAML and NAL objectives and meta-gradients for the conv4 network (Section 2, eqs. 3-4).

MAML (eq. 4): adapt θ by ``steps`` SGD steps on a task's support set (n2 = N·K images),
then take the loss on its query set (n1 = N·Q): L_i(θ - α∇L̂_i(θ)). The meta-gradient is
second order, (I - α∇²L̂_i) ∇L_i(θ'_i); ``first_order=True`` drops the Hessian term by
not differentiating through the inner gradient (one code path, as learn2learn).

NAL (eq. 3): no inner loop; the loss of θ on all n = n1 + n2 images of the task.

Tasks are processed one at a time, each with its own backward pass, so peak memory is
one task's graph; on a CPU this beats batching tasks through grouped convolutions,
and it never batches BatchNorm with ``torch.func.vmap``, whose second-order gradients
were seen to be wrong in torch 2.13.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import torch
import torch.nn.functional as F

from maml_landscape.deep.errors import TrainingDiverged
from maml_landscape.deep.model import Params, logits

#: loss(outputs, targets, n_way) -> scalar; classification uses the first N logits.
Loss = Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]
T = TypeVar("T")


@dataclass(frozen=True)
class TaskBatch:
    """One task as tensors: support (inner) and query (target) images and labels."""

    support_x: torch.Tensor
    support_y: torch.Tensor
    query_x: torch.Tensor
    query_y: torch.Tensor
    n_way: int
    kind: str = ""


def classification_loss(outputs: torch.Tensor, y: torch.Tensor, n_way: int) -> torch.Tensor:
    """Mean cross-entropy of an N-way task on the first N logits of the head."""
    return F.cross_entropy(outputs[:, :n_way], y)


def task_loss(
    model: torch.nn.Module,
    params: Params,
    x: torch.Tensor,
    y: torch.Tensor,
    n_way: int,
    loss: Loss = classification_loss,
) -> torch.Tensor:
    """``loss`` of the stateless model with ``params`` on (x, y)."""
    return loss(logits(model, params, x), y, n_way)


def adapt(
    model: torch.nn.Module,
    params: Params,
    task: TaskBatch,
    lr: float,
    steps: int,
    create_graph: bool,
    loss: Loss = classification_loss,
) -> Params:
    """``steps`` SGD steps of size ``lr`` on the support set: θ ← θ - α∇L̂(θ).

    With ``create_graph`` the result is differentiable through the gradients (second
    order); without, the gradients are constants and θ' - θ has zero derivative.
    """
    for _ in range(steps):
        value = task_loss(model, params, task.support_x, task.support_y, task.n_way, loss)
        grads = torch.autograd.grad(value, tuple(params.values()), create_graph=create_graph)
        params = {name: value - lr * g for (name, value), g in zip(params.items(), grads)}
    return params


def maml_loss(
    model: torch.nn.Module,
    params: Params,
    task: TaskBatch,
    lr: float,
    steps: int,
    first_order: bool,
    loss: Loss = classification_loss,
) -> torch.Tensor:
    """MAML's loss of one task (eq. 4): query loss after adapting on the support set."""
    adapted = adapt(model, params, task, lr, steps, create_graph=not first_order, loss=loss)
    return task_loss(model, adapted, task.query_x, task.query_y, task.n_way, loss)


def nal_loss(
    model: torch.nn.Module, params: Params, task: TaskBatch, loss: Loss = classification_loss
) -> torch.Tensor:
    """NAL's loss of one task (eq. 3): all n = n1 + n2 images, no adaptation."""
    x = torch.cat([task.support_x, task.query_x])
    y = torch.cat([task.support_y, task.query_y])
    return task_loss(model, params, x, y, task.n_way, loss)


def map_tasks(
    model: torch.nn.Module,
    fn: Callable[[TaskBatch, torch.nn.Module], T],
    tasks: list[TaskBatch],
    workers: int = 1,
) -> Iterator[T]:
    """``fn(task, shell)`` for each task, yielded in order; ``workers > 1`` threads share them.

    torch ops release the GIL, so tasks run in parallel; each thread gets its own copy
    of the module shell, because ``functional_call`` swaps parameters into it in place.
    Results are yielded as they are ready, so a consumer can fold them as they come.
    """
    if workers <= 1:
        yield from (fn(task, model) for task in tasks)
        return
    local = threading.local()

    def in_thread(task: TaskBatch) -> T:
        if not hasattr(local, "shell"):
            local.shell = copy.deepcopy(model)
        return fn(task, local.shell)

    with ThreadPoolExecutor(workers) as pool:
        yield from pool.map(in_thread, tasks)


def meta_gradient(
    model: torch.nn.Module,
    params: Params,
    tasks: list[TaskBatch],
    inner_lr: float,
    inner_steps: int,
    first_order: bool = False,
    loss: Loss = classification_loss,
    workers: int = 1,
) -> tuple[float, Params]:
    """Mean loss over ``tasks`` and its gradient in θ; ``inner_steps = 0`` is NAL.

    ``params`` must be leaves that require grad. One backward per task keeps one
    task's graph in memory per worker (:func:`map_tasks`); the per-task gradients are
    summed in task order as they arrive, so the result does not depend on ``workers``.
    """
    if not tasks:
        raise ValueError("meta_gradient needs at least one task")

    def one_task(task: TaskBatch, shell: torch.nn.Module) -> tuple[float, tuple[torch.Tensor, ...]]:
        if inner_steps == 0:
            value = nal_loss(shell, params, task, loss)
        else:
            value = maml_loss(shell, params, task, inner_lr, inner_steps, first_order, loss)
        return float(value.detach()), torch.autograd.grad(
            value / len(tasks), tuple(params.values())
        )

    total = 0.0
    grads = {name: torch.zeros_like(value) for name, value in params.items()}
    for value, task_grads in map_tasks(model, one_task, tasks, workers):
        total += value
        for name, g in zip(grads, task_grads):
            grads[name] += g
    return total / len(tasks), grads


def adapted_accuracy(
    model: torch.nn.Module, params: Params, task: TaskBatch, lr: float, steps: int
) -> float:
    """Query accuracy after ``steps`` adaptation steps (evaluation, App. C.4)."""
    start = {name: value.detach().requires_grad_(True) for name, value in params.items()}
    adapted = adapt(model, start, task, lr, steps, create_graph=False)
    with torch.no_grad():
        outputs = logits(model, adapted, task.query_x)[:, : task.n_way]
    if not bool(outputs.isfinite().all()):
        raise TrainingDiverged(
            f"evaluation: adaptation with inner lr {lr:g} gives NaN/inf outputs (an argmax of "
            "them would be chance accuracy, not a result); lower --inner-lr"
        )
    predicted = outputs.argmax(1)
    return float((predicted == task.query_y).float().mean())
