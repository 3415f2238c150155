"""Differential tests of the meta-gradients in float64: a plain autograd loop, closed forms, FO vs SO."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

from maml_landscape.deep.meta import TaskBatch, meta_gradient, task_loss  # noqa: E402
from maml_landscape.deep.model import Conv4, init_params  # noqa: E402
from maml_landscape.deep.pooling import CentredPool  # noqa: E402

pytestmark = [pytest.mark.deep, pytest.mark.usefixtures("one_torch_thread")]
DTYPE = torch.float64
RTOL = 1e-10



def conv4_params(n_out: int = 6, seed: int = 0, channels: int = 1, size: int = 28):
    model = Conv4(channels, size, n_out)
    params = init_params(model, torch.Generator().manual_seed(seed), DTYPE)
    with torch.no_grad():  # non-trivial BatchNorm affine parameters
        gen = torch.Generator().manual_seed(seed + 1)
        for name, value in params.items():
            if name.startswith("norms") or name.startswith("head.bias"):
                value.add_(0.3 * torch.randn(value.shape, generator=gen, dtype=DTYPE))
    return model, {k: v.requires_grad_(True) for k, v in params.items()}


def random_task(
    seed: int, n_way: int = 5, k: int = 1, q: int = 3, shape: tuple = (1, 28, 28)
) -> TaskBatch:
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n_way)
    return TaskBatch(
        torch.rand(n_way * k, *shape, generator=gen, dtype=DTYPE),
        labels.repeat_interleave(k),
        torch.rand(n_way * q, *shape, generator=gen, dtype=DTYPE),
        labels.repeat_interleave(q),
        n_way,
    )


def plain_forward(p, x):
    """The textbook conv4 (ReLU before max-pool, F.conv2d, F.batch_norm on batch statistics)."""
    for i in range(4):
        x = F.conv2d(x, p[f"convs.{i}.weight"], padding=1)
        x = F.batch_norm(x, None, None, p[f"norms.{i}.weight"], p[f"norms.{i}.bias"], training=True)
        x = F.max_pool2d(F.relu(x), 2)
    return F.linear(x.flatten(1), p["head.weight"], p["head.bias"])


def plain_maml_gradient(p, tasks, lr, steps, first_order=False):
    """A plain per-task autograd loop: one summed loss, one backward."""
    total = 0
    for t in tasks:
        q = dict(p)
        for _ in range(steps):
            loss = F.cross_entropy(plain_forward(q, t.support_x)[:, : t.n_way], t.support_y)
            g = torch.autograd.grad(loss, tuple(q.values()), create_graph=not first_order)
            q = {k: v - lr * gi for (k, v), gi in zip(q.items(), g)}
        total = total + F.cross_entropy(plain_forward(q, t.query_x)[:, : t.n_way], t.query_y)
    return dict(zip(p, torch.autograd.grad(total / len(tasks), tuple(p.values()))))


def assert_close(a, b, rtol=RTOL):
    scale = max(float(v.abs().max()) for v in b.values())
    for name in b:
        assert float((a[name] - b[name]).abs().max()) <= rtol * scale, name


@pytest.mark.parametrize("steps,first_order", [(1, False), (2, False), (1, True)])
def test_meta_gradient_equals_plain_autograd_loop(steps, first_order):
    model, params = conv4_params()
    tasks = [random_task(10), random_task(11, n_way=3, k=2)]
    _, mine = meta_gradient(model, params, tasks, 0.1, steps, first_order)
    assert_close(mine, plain_maml_gradient(params, tasks, 0.1, steps, first_order))


def test_meta_gradient_on_cifar_sized_colour_images_equals_plain_loop():
    """3 input channels (block 1's patches in unfold's channel-major order), 32×32 images
    (every pool even-sized: 32→16→8→4→2), 5-shot support sets (model.first_block, pooling)."""
    model, params = conv4_params(channels=3, size=32)
    tasks = [random_task(20, k=5, shape=(3, 32, 32)), random_task(21, shape=(3, 32, 32))]
    _, mine = meta_gradient(model, params, tasks, 0.1, 1)
    assert_close(mine, plain_maml_gradient(params, tasks, 0.1, 1))


@pytest.mark.parametrize("layout", [torch.channels_last, torch.contiguous_format])
def test_centred_pool_gradients_of_first_and_second_order(layout):
    """pooling.CentredPool against finite differences, with flipped channels and an odd
    side (7 → 3, the last row and column dropped), in both memory layouts."""
    gen = torch.Generator().manual_seed(30)
    x = torch.randn(3, 4, 7, 7, generator=gen, dtype=DTYPE).contiguous(memory_format=layout)
    sign = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=DTYPE)

    def pool(x):
        return CentredPool.apply(x, sign)

    x.requires_grad_(True)
    assert torch.autograd.gradcheck(pool, (x,))
    assert torch.autograd.gradgradcheck(pool, (x,))


def test_block_one_rewrite_is_exact_with_negative_scales_and_tied_pixels():
    """Block 1 pools s·conv(x) and rescales (model.first_block): exact for γ < 0 and for
    binary images, whose blank patches tie inside every pooling window."""
    model, params = conv4_params()
    with torch.no_grad():
        params["norms.0.weight"][::3] *= -1
    assert (params["norms.0.weight"] < 0).any()
    gen = torch.Generator().manual_seed(14)
    binary = [
        TaskBatch(
            (torch.rand(5, 1, 28, 28, generator=gen) < 0.2).to(DTYPE),
            torch.arange(5),
            (torch.rand(15, 1, 28, 28, generator=gen) < 0.2).to(DTYPE),
            torch.arange(5).repeat_interleave(3),
            5,
        )
        for _ in range(2)
    ]
    _, mine = meta_gradient(model, params, binary, 0.1, 1)
    assert_close(mine, plain_maml_gradient(params, binary, 0.1, 1))


def test_nal_gradient_is_the_gradient_of_the_pooled_loss():
    model, params = conv4_params()
    tasks = [random_task(12), random_task(13)]
    _, mine = meta_gradient(model, params, tasks, 0.1, inner_steps=0)
    total = (
        sum(
            F.cross_entropy(
                plain_forward(params, torch.cat([t.support_x, t.query_x]))[:, :5],
                torch.cat([t.support_y, t.query_y]),
            )
            for t in tasks
        )
        / 2
    )
    assert_close(mine, dict(zip(params, torch.autograd.grad(total, tuple(params.values())))))


def squared_loss(outputs, y, _n_way):
    return 0.5 * ((outputs.squeeze(-1) - y) ** 2).mean()


def test_linear_model_meta_gradient_matches_closed_form():
    """f(w) = ½‖Xw - y‖²/n; w' = w - α∇f_s(w); ∇F = (I - αX_sᵀX_s/n)X_qᵀ(X_q w' - y_q)/m."""
    gen = torch.Generator().manual_seed(5)
    d, n, m, alpha = 4, 6, 9, 0.3
    model = torch.nn.Linear(d, 1, bias=False)
    w = torch.randn(1, d, generator=gen, dtype=DTYPE)
    xs, xq = (
        torch.randn(n, d, generator=gen, dtype=DTYPE),
        torch.randn(m, d, generator=gen, dtype=DTYPE),
    )
    ys, yq = torch.randn(n, generator=gen, dtype=DTYPE), torch.randn(m, generator=gen, dtype=DTYPE)
    task = TaskBatch(xs, ys, xq, yq, n_way=1)
    params = {"weight": w.clone().requires_grad_(True)}
    for first_order in (False, True):
        _, grads = meta_gradient(model, params, [task], alpha, 1, first_order, loss=squared_loss)
        w0 = w[0]
        a_s = xs.T @ xs / n
        adapted = w0 - alpha * xs.T @ (xs @ w0 - ys) / n
        outer = xq.T @ (xq @ adapted - yq) / m
        expected = outer if first_order else (torch.eye(d, dtype=DTYPE) - alpha * a_s) @ outer
        torch.testing.assert_close(grads["weight"][0], expected, rtol=1e-12, atol=1e-12)


def test_first_order_flag_drops_exactly_the_hessian_term():
    """SO - FO = -α ∇²L̂_s(θ) ∇L_q(θ') for one inner step (Hessian-vector product by autograd)."""
    model, params = conv4_params()
    task = random_task(20)
    alpha = 0.1
    _, second = meta_gradient(model, params, [task], alpha, 1, first_order=False)
    _, first = meta_gradient(model, params, [task], alpha, 1, first_order=True)
    support = task_loss(model, params, task.support_x, task.support_y, 5)
    g_s = torch.autograd.grad(support, tuple(params.values()), create_graph=True)
    adapted = {
        k: (v - alpha * g).detach().requires_grad_(True) for (k, v), g in zip(params.items(), g_s)
    }
    g_q = torch.autograd.grad(
        task_loss(model, adapted, task.query_x, task.query_y, 5), tuple(adapted.values())
    )
    hvp = torch.autograd.grad(sum((a * b).sum() for a, b in zip(g_s, g_q)), tuple(params.values()))
    assert_close(first, dict(zip(params, g_q)))
    assert_close(
        {k: second[k] - first[k] for k in params}, {k: -alpha * h for k, h in zip(params, hvp)}
    )


def test_no_image_of_one_task_influences_another_task():
    model, params = conv4_params()
    t1, t2 = random_task(30), random_task(31)
    t2_other = random_task(32)
    _, both = meta_gradient(model, params, [t1, t2], 0.1, 1)
    _, swapped = meta_gradient(model, params, [t1, t2_other], 0.1, 1)
    _, alone1 = meta_gradient(model, params, [t1], 0.1, 1)
    _, alone2 = meta_gradient(model, params, [t2], 0.1, 1)
    assert_close(both, {k: (alone1[k] + alone2[k]) / 2 for k in params})
    assert not torch.equal(both["head.weight"], swapped["head.weight"])


def test_batchnorm_uses_the_statistics_of_each_pass():
    """Transductive BatchNorm: changing one query image changes another's logits in the same task."""
    model, params = conv4_params()
    from maml_landscape.deep.model import logits

    x = torch.rand(6, 1, 28, 28, dtype=DTYPE, generator=torch.Generator().manual_seed(3))
    changed = x.clone()
    changed[5] = 1 - changed[5]
    with torch.no_grad():
        assert not torch.allclose(logits(model, params, x)[0], logits(model, params, changed)[0])


def test_worker_threads_do_not_change_the_meta_gradient():
    model, params = conv4_params()
    tasks = [random_task(40 + i) for i in range(4)]
    one = meta_gradient(model, params, tasks, 0.1, 1, workers=1)
    two = meta_gradient(model, params, tasks, 0.1, 1, workers=2)
    assert one[0] == two[0]
    assert all(torch.equal(one[1][k], two[1][k]) for k in params)
