"""The same code on a CUDA device: custom pooling gradients, the meta-gradient, one smoke run.

Marked ``gpu`` and left out of the default run (CI has no GPU): ``python -m pytest -m gpu``
on a machine with CUDA. Each test compares the GPU with the CPU in float64 (exact up to
rounding) or float32 (within float32 rounding), so a device-specific bug fails it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

torch = pytest.importorskip("torch")

from maml_landscape.deep.meta import meta_gradient  # noqa: E402
from maml_landscape.deep.pooling import CentredPool  # noqa: E402
from tests.test_deep_meta import DTYPE, conv4_params, random_task  # noqa: E402

pytestmark = [pytest.mark.gpu, pytest.mark.deep]


@pytest.fixture(autouse=True)
def cuda():
    if not torch.cuda.is_available():
        pytest.fail("the gpu tests need a CUDA device (run them with -m gpu on a GPU machine)")


def test_centred_pool_gradients_on_cuda():
    gen = torch.Generator().manual_seed(30)
    x = torch.randn(3, 4, 7, 7, generator=gen, dtype=DTYPE).cuda().requires_grad_(True)
    sign = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=DTYPE).cuda()
    assert torch.autograd.gradcheck(lambda x: CentredPool.apply(x, sign), (x,))
    assert torch.autograd.gradgradcheck(lambda x: CentredPool.apply(x, sign), (x,))


def test_meta_gradient_on_cuda_equals_cpu():
    model, params = conv4_params()
    tasks = [random_task(20), random_task(21)]
    _, cpu = meta_gradient(model, params, tasks, 0.1, 1)
    model_gpu = model.cuda()
    params_gpu = {k: v.detach().cuda().requires_grad_(True) for k, v in params.items()}
    tasks_gpu = [replace(t, support_x=t.support_x.cuda(), support_y=t.support_y.cuda(),
                         query_x=t.query_x.cuda(), query_y=t.query_y.cuda()) for t in tasks]
    _, gpu = meta_gradient(model_gpu, params_gpu, tasks_gpu, 0.1, 1)
    for name in cpu:
        torch.testing.assert_close(gpu[name].cpu(), cpu[name], rtol=1e-9, atol=1e-11)


def test_smoke_run_on_cuda_matches_cpu_within_float32(tmp_path):
    from maml_landscape.deep.config import PROFILES
    from maml_landscape.deep.data import load_pools
    from maml_landscape.deep.plans import PlanOptions, plan_runs
    from maml_landscape.deep.train import run_one
    from tests.helpers_deep import make_omniglot

    data = make_omniglot(tmp_path / "omniglot")
    pools = load_pools("omniglot", data, tmp_path / "cache")
    profile = replace(PROFILES["smoke"], iterations=3, seeds=(0,), eval_tasks=4, milestones=())
    runs = {}
    for device in ("cpu", "cuda"):
        options = PlanOptions(settings=("small",), algorithms=("maml",), query=2, device=device)
        (config,) = plan_runs("omniglot", profile, options, pools.train.group_names)
        runs[device] = run_one(config, pools, tmp_path / device)
    cpu, gpu = (runs[d]["training"]["loss_curve"] for d in ("cpu", "cuda"))
    assert gpu == pytest.approx(cpu, rel=1e-4)
