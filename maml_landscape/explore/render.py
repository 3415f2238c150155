"""What ``maml-landscape explore`` shows and writes: a terminal table, JSON, Markdown and figures.

explore.json has exactly the keys of :data:`JSON_KEYS`; the optional parts go to files of
their own: monte_carlo.json (``--mc``), paper_claims.json (``--claims``), gain_map.json and
figures/gain_map.{png,pdf} (``--sweep``). explore.md renders all that was computed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from maml_landscape.atomic import write_text_atomically
from maml_landscape.explore.answers import EXACT, Answers, Pair
from maml_landscape.explore.mc import CONFIDENCE, EstimatePair, MonteCarloAnswers, interval
from maml_landscape.explore.paper_claims import ClaimOnEnvironment
from maml_landscape.explore.sweeps import GainMap
from maml_landscape.numerics import MonteCarloEstimate
from maml_landscape.provenance import provenance
from maml_landscape.serialize import to_jsonable

JSON_KEYS = ("w_nal", "w_maml", "meta_test_loss", "risk_above_task_optima", "excess_risk", "gain",
             "alpha_star", "families", "settings", "provenance")
#: The rows of the main table: attribute of Answers, label.
QUANTITIES = (
    ("meta_test_loss", "meta_test_loss"),
    ("risk_above_task_optima", "risk_above_task_optima"),
    ("excess_risk", "excess_risk"),
)
#: What the rows mean, printed under the table.
LEGEND = ("meta_test_loss: F(w), the expected loss after adaptation, noise included (eq. (1)); "
          "risk_above_task_optima: F(w) minus each task's best post-adaptation loss (Proposition 1); "
          "excess_risk: F(w) - inf F (eq. (2)); gain: NAL's risk_above_task_optima over MAML's; "
          "alpha*: the step size minimising MAML's meta_test_loss (w_MAML re-solved at each alpha).")
FIGURE_NAME = "gain_map"


def _pair(pair: Pair) -> dict[str, float]:
    return {"nal": pair.nal, "maml": pair.maml}


def settings(answers: Answers) -> dict[str, Any]:
    """The settings the answers were computed at (``alpha`` is α* when the file says "optimal")."""
    spec, a = answers.spec, answers.spec.adaptation
    return {"source": spec.source, "d": spec.env.dim, "families": list(spec.names), "noise_variance": spec.env.noise_var,
            "alpha": answers.alpha, "alpha_from": "file" if a.alpha is not None else "optimal", "m": a.m,
            "steps": a.steps, "n_train": a.training_samples, "reuse_samples": a.reuse_samples, "method": answers.method}


def answers_json(answers: Answers) -> dict[str, Any]:
    """explore.json: exactly the keys of :data:`JSON_KEYS`."""
    star = answers.alpha_star
    record = {
        "w_nal": answers.w_nal, "w_maml": answers.w_maml,
        **{name: _pair(getattr(answers, name)) for name, _ in QUANTITIES},
        "gain": answers.gain,
        "alpha_star": {"alpha": star.alpha, "maml": star.maml, "nal": star.nal},
        "families": [{"name": f.name, "weight": f.weight, "lambda_min": f.lambda_min, "lambda_max": f.lambda_max,
                      "loss": _pair(f.loss), "distance": _pair(f.distance), "nearer": f.nearer}
                     for f in answers.families],
        "settings": settings(answers),
        "provenance": provenance(plug_in_seed=answers.seed),
    }
    return to_jsonable(record)


def _estimate(estimate: MonteCarloEstimate) -> dict[str, float]:
    low, high = interval(estimate)
    return {"estimate": estimate.estimate, "stderr": estimate.stderr, "low": low, "high": high, "n": estimate.n}


def _estimate_pair(pair: EstimatePair) -> dict[str, dict[str, float]]:
    return {"nal": _estimate(pair.nal), "maml": _estimate(pair.maml)}


def monte_carlo_json(answers: Answers, mc: MonteCarloAnswers) -> dict[str, Any]:
    """monte_carlo.json: every simulated number with its interval, keyed like explore.json."""
    return to_jsonable({
        "samples": mc.samples, "seed": mc.seed, "confidence": CONFIDENCE,
        **{name: _estimate_pair(getattr(mc, name)) for name, _ in QUANTITIES},
        "gain": _estimate(mc.gain),
        "alpha_star": {"alpha": answers.alpha_star.alpha, **_estimate_pair(mc.alpha_star)},
        "families": [{"name": f.name, "loss": _estimate_pair(p)} for f, p in zip(answers.families, mc.families)],
    })


def claims_json(claims: Sequence[ClaimOnEnvironment]) -> list[dict[str, Any]]:
    return to_jsonable([{"id": c.id, "claim": c.claim, "verdict": c.verdict.value, "summary": c.summary, "data": c.data}
                        for c in claims])


def gain_map_json(gain_map: GainMap) -> dict[str, Any]:
    """gain_map.json: the axes, the gain and both risks on the grid, and the α* curve."""
    risk = gain_map.values.risk_above_task_optima
    return to_jsonable({
        "axes": [{"name": s.name, "values": s.values, "log": s.log} for s in gain_map.sweeps],
        "gain": gain_map.gain,
        "risk_above_task_optima": {"nal": risk[:, 0].reshape(gain_map.shape), "maml": risk[:, 1].reshape(gain_map.shape)},
        "alpha": gain_map.alpha.reshape(gain_map.shape),
        "alpha_star": gain_map.alpha_star,
    })


def _number(value: float) -> str:
    return f"{value:.4g}" if np.isfinite(value) else "undefined"


def _with_interval(estimate: MonteCarloEstimate) -> str:
    """``estimate ± half-width`` of the :data:`CONFIDENCE` interval."""
    low, high = interval(estimate)
    return f"{estimate.estimate:.4g} ± {(high - low) / 2:.2g}"


def _main_table(answers: Answers, mc: MonteCarloAnswers | None) -> Table:
    exact = "exact" if answers.method == EXACT else "plug-in"
    table = Table(title=f"NAL vs MAML ({answers.method})", title_justify="left")
    table.add_column("quantity")
    for name in ("NAL", "MAML"):
        table.add_column(f"{name} ({exact})", justify="right")
    if mc is not None:
        for name in ("NAL", "MAML"):
            table.add_column(f"{name} (MC, {100 * CONFIDENCE:g}%)", justify="right")
    for name, label in QUANTITIES:
        pair = getattr(answers, name)
        cells = [_number(pair.nal), _number(pair.maml)]
        if mc is not None:
            cells += [_with_interval(getattr(mc, name).nal), _with_interval(getattr(mc, name).maml)]
        table.add_row(label, *cells)
    star = answers.alpha_star
    cells = [_number(star.nal), _number(star.maml)]
    if mc is not None:
        cells += [_with_interval(mc.alpha_star.nal), _with_interval(mc.alpha_star.maml)]
    table.add_row(f"meta_test_loss at alpha* = {star.alpha:.4g}", *cells)
    gain = [_number(answers.gain), ""] + ([_with_interval(mc.gain), ""] if mc is not None else [])
    table.add_row("gain", *gain)
    return table


def _family_table(answers: Answers, mc: MonteCarloAnswers | None) -> Table:
    table = Table(title="per family: eigenvalue range of Σ (hardness: the smallest), post-adaptation loss, "
                  "distance ‖w - μ‖ of each solution to the family's mean w*", title_justify="left")
    headers = ["family", "weight", "λ(Σ)", "loss NAL", "loss MAML"]
    headers += ["MC NAL", "MC MAML"] if mc is not None else []
    for header in (*headers, "dist NAL", "dist MAML", "nearer"):
        table.add_column(header, justify="left" if header in ("family", "nearer") else "right", no_wrap=True,
                         min_width=len(header))
    estimates = mc.families if mc is not None else [None] * len(answers.families)
    for family, estimate in zip(answers.families, estimates):
        loss = [_number(family.loss.nal), _number(family.loss.maml)]
        if estimate is not None:
            loss += [_with_interval(estimate.nal), _with_interval(estimate.maml)]
        table.add_row(family.name, f"{family.weight:.3g}", f"{family.lambda_min:.3g}..{family.lambda_max:.3g}", *loss,
                      f"{family.distance.nal:.4g}", f"{family.distance.maml:.4g}", family.nearer)
    return table


def _claims_table(claims: Sequence[ClaimOnEnvironment]) -> Table:
    table = Table(title="the paper's claims on this environment", title_justify="left")
    for header in ("claim", "verdict", "evidence"):
        table.add_column(header)
    for claim in claims:
        table.add_row(claim.id, claim.verdict.value, claim.summary)
    return table


def header_lines(answers: Answers) -> list[str]:
    s = settings(answers)
    alpha = f"alpha = {s['alpha']:.4g}" + (" (optimal)" if s["alpha_from"] == "optimal" else "")
    return [f"{s['source']}: {len(s['families'])} families in d = {s['d']}, noise variance {s['noise_variance']:g}",
            f"{alpha}, m = {s['m']}, steps = {s['steps']}, n_train = {s['n_train']}, reuse_samples = {str(s['reuse_samples']).lower()}",
            f"w_NAL  = {np.array2string(answers.w_nal[:10], precision=3, separator=', ', max_line_width=10**4)}" + (" ..." if answers.w_nal.size > 10 else ""),
            f"w_MAML = {np.array2string(answers.w_maml[:10], precision=3, separator=', ', max_line_width=10**4)}" + (" ..." if answers.w_maml.size > 10 else "")]


def print_terminal(console: Console, answers: Answers, mc: MonteCarloAnswers | None = None,
                   claims: Sequence[ClaimOnEnvironment] = (), figure: Path | None = None) -> None:
    """The terminal view: settings, the NAL/MAML table, the family table, claims and the map's path."""
    for line in header_lines(answers):
        console.print(line, highlight=False, markup=False)
    console.print(_main_table(answers, mc))
    console.print(LEGEND, highlight=False, markup=False)
    if mc is not None:
        console.print(f"MC: {mc.samples} sampled tasks (task, data, noise, adaptation) per setting, seed {mc.seed}, "
                      f"{100 * CONFIDENCE:g}% intervals", highlight=False, markup=False)
    console.print(_family_table(answers, mc))
    if claims:
        console.print(_claims_table(claims))
    if figure is not None:
        console.print(f"gain map: {figure}", highlight=False, markup=False)


def _markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(answers: Answers, mc: MonteCarloAnswers | None = None,
             claims: Sequence[ClaimOnEnvironment] = (), figure: str | None = None) -> str:
    """explore.md: the same content as the terminal view, as Markdown."""
    parts = ["# maml-landscape explore", "", *[f"- {line}" for line in header_lines(answers)], "",
             f"Method: {answers.method}.", ""]
    headers = ["quantity", "NAL", "MAML"] + (["NAL (MC)", "MAML (MC)"] if mc else [])
    rows = []
    for name, label in QUANTITIES:
        pair = getattr(answers, name)
        rows.append([label, _number(pair.nal), _number(pair.maml)]
                    + ([_with_interval(getattr(mc, name).nal), _with_interval(getattr(mc, name).maml)] if mc else []))
    star = answers.alpha_star
    rows.append([f"meta_test_loss at alpha* = {star.alpha:.4g}", _number(star.nal), _number(star.maml)]
                + ([_with_interval(mc.alpha_star.nal), _with_interval(mc.alpha_star.maml)] if mc else []))
    rows.append(["gain", _number(answers.gain), ""] + ([_with_interval(mc.gain), ""] if mc else []))
    parts += [_markdown_table(headers, rows), "", LEGEND, ""]
    if mc:
        parts += [f"Monte Carlo: {mc.samples} sampled tasks per setting, seed {mc.seed}, {100 * CONFIDENCE:g}% intervals.", ""]
    family_rows = [[f.name, f"{f.weight:.3g}", f"{f.lambda_min:.3g}..{f.lambda_max:.3g}", _number(f.loss.nal),
                    _number(f.loss.maml), f"{f.distance.nal:.4g}", f"{f.distance.maml:.4g}", f"w_{f.nearer}"]
                   for f in answers.families]
    parts += ["## Families", "", _markdown_table(
        ["family", "weight", "eigenvalues of Σ", "loss NAL", "loss MAML", "‖w_NAL - μ‖", "‖w_MAML - μ‖", "nearer"],
        family_rows), ""]
    if claims:
        parts += ["## The paper's claims on this environment", "",
                  _markdown_table(["claim", "verdict", "evidence"], [[c.id, c.verdict.value, c.summary] for c in claims]), ""]
    if figure:
        parts += ["## Gain map", "", f"![gain map]({figure})", ""]
    return "\n".join(parts)


#: What the colour and the curve of the gain map show.
GAIN_LABEL = "gain = risk NAL / risk MAML"
WORSE_LABEL = "MAML worse than NAL (gain < 1)"
EQUAL_LABEL = "gain = 1 (MAML and NAL equal)"
ALPHA_STAR_LABEL = "alpha* (MAML's best step size)"


def _gain_line(ax, gain_map: GainMap) -> list:
    """One sweep: the gain against the setting, shaded between it and 1 where MAML is worse.

    Every mark carries its own legend label: no stand-ins to return.
    """
    first = gain_map.sweeps[0]
    ax.plot(first.values, gain_map.gain, color="C0", lw=2, label=GAIN_LABEL)
    ax.axhline(1.0, color="k", lw=0.8, label=EQUAL_LABEL)
    if np.any(gain_map.gain < 1):
        ax.fill_between(first.values, gain_map.gain, 1, where=gain_map.gain < 1, color="C3", alpha=0.25, interpolate=True,
                        label=WORSE_LABEL)
    ax.set_ylabel(GAIN_LABEL)
    if gain_map.alpha_star is not None:
        ax.axvline(float(np.ravel(gain_map.alpha_star)[0]), color="k", ls="--", label=ALPHA_STAR_LABEL)
    ax.set_xscale("log" if first.log else "linear")
    ax.set_xlabel(first.name)
    return []


def _gain_image(fig, ax, gain_map: GainMap) -> list:
    """Two sweeps: the gain in colour (blue: MAML better), MAML worse hatched inside the gain = 1 contour.

    Returns the legend's stand-ins for the marks that have no handle of their own (the
    hatching and its gain = 1 contour).
    """
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    first, second = gain_map.sweeps
    gain = gain_map.gain
    norm = TwoSlopeNorm(vmin=min(np.nanmin(gain), 0.99), vcenter=1.0, vmax=max(np.nanmax(gain), 1.01))
    image = ax.pcolormesh(second.values, first.values, gain, shading="auto", norm=norm, cmap="RdBu")
    fig.colorbar(image, ax=ax, label=f"{GAIN_LABEL}\n(blue: MAML better, red: MAML worse)")
    if np.any(gain < 1):
        ax.contourf(second.values, first.values, (gain < 1).astype(float), levels=[0.5, 1.5], colors="none", hatches=["//"])
        ax.contour(second.values, first.values, gain, levels=[1.0], colors="k", linewidths=1.0)
        proxies = [Line2D([], [], color="k", lw=1.0, label=EQUAL_LABEL),
                   Patch(facecolor="none", edgecolor="k", hatch="//", label=WORSE_LABEL)]
    else:
        proxies = []
    if gain_map.alpha_star is not None:
        x, y = (second.values, gain_map.alpha_star) if first.setting == "alpha" else (gain_map.alpha_star, first.values)
        ax.plot(x, y, color="k", lw=1.5, ls="--", label=ALPHA_STAR_LABEL)
    ax.set_xscale("log" if second.log else "linear")
    ax.set_ylabel(first.name)
    ax.set_yscale("log" if first.log else "linear")
    ax.set_xlabel(second.name)
    return proxies


def gain_map_figure(gain_map: GainMap, source: str):
    """Gain (NAL's risk over MAML's) on the sweep grid of the environment file ``source``:
    α* curve, MAML worse than NAL (gain < 1) shaded (one sweep) or hatched (two)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 6.4))
    proxies = _gain_line(ax, gain_map) if len(gain_map.sweeps) == 1 else _gain_image(fig, ax, gain_map)
    ax.set_title(f"MAML's gain over NAL on {source}\n(our own figure, not one of the paper's)")
    handles = proxies + ax.get_legend_handles_labels()[0]
    if handles:
        fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, (0.1 + 0.32 * ((len(handles) + 1) // 2)) / fig.get_figheight(), 1, 1))
    return fig


def write_outputs(out: Path, answers: Answers, mc: MonteCarloAnswers | None = None,
                  claims: Sequence[ClaimOnEnvironment] = (), gain_map: GainMap | None = None) -> list[Path]:
    """explore.json, explore.md and the optional files into ``out``; returns the paths written."""
    # matplotlib takes ~1 s to load: imported only when writing, so the command line starts fast
    from maml_landscape.plotting import save_figure_files

    def dump(name: str, record: Any) -> Path:
        path = out / name
        write_text_atomically(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        return path

    paths = [dump("explore.json", answers_json(answers))]
    if mc is not None:
        paths.append(dump("monte_carlo.json", monte_carlo_json(answers, mc)))
    if claims:
        paths.append(dump("paper_claims.json", claims_json(claims)))
    figure = None
    if gain_map is not None:
        paths.append(dump("gain_map.json", gain_map_json(gain_map)))
        paths += save_figure_files(gain_map_figure(gain_map, answers.spec.source), out / "figures", FIGURE_NAME)
        figure = f"figures/{FIGURE_NAME}.png"
    markdown_path = out / "explore.md"
    write_text_atomically(markdown_path, markdown(answers, mc, claims, figure))
    return [*paths, markdown_path]
