"""The paper's 42 checkable claims: ID, place in the paper, printed statement, kind.

This is data, transcribed from the paper *as printed* (typos included): a printed
formula here is the object under test, never the truth. The suite must not read
``../shared`` at run time, so the statements live here; ``tests/test_claims.py``
checks the IDs against ``shared/paper/CLAIMS.md`` when that file is present.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ClaimKind(str, enum.Enum):
    DEFINITION = "definition"
    IDENTITY = "identity"
    INEQUALITY = "inequality"
    APPROXIMATION = "approximation"
    QUALITATIVE = "qualitative"
    REPRODUCTION = "reproduced figure/table"


#: The parts of the suite a claim's checks live in.
AREAS = ("theory", "numerics", "figures", "deep")


@dataclass(frozen=True)
class Claim:
    """One checkable claim.

    Attributes:
        id: stable ID used in code, tests and reports.
        title: a few words.
        location: where in the paper (section, equation).
        statement: the claim as printed; Markdown with ``$...$`` LaTeX math.
        kind: what sort of claim it is.
        area: the part of the suite that checks it (one of :data:`AREAS`).
    """

    id: str
    title: str
    location: str
    statement: str
    kind: ClaimKind
    area: str


CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="S2.F",
        title="Post-adaptation population objective",
        location="Sec. 2, eq. (1)",
        statement=(
            r"$F_m(w) := \mathbb{E}_i \mathbb{E}_{(\hat{X}_i, \hat{y}_i)} \big[ f_i\big(w - "
            r"\alpha \nabla \hat{f}_i(w; \hat{X}_i, \hat{y}_i)\big) \big]$, the expected loss "
            r"after one SGD step of size $\alpha$ on $m$ fresh samples $(\hat{X}_i, "
            r"\hat{y}_i)$, with $\hat{f}_i$ the empirical average loss. Task $i$ is drawn from "
            r"the environment $p$: $x \sim \mathcal{N}(0, \Sigma_i)$, $y = \langle w_i^\ast, x "
            r"\rangle + z$, $z \sim \mathcal{N}(0, \nu^2)$ (the appendix and captions call the "
            r"noise variance $\sigma^2$), and $f_i(w) = \frac{1}{2} \mathbb{E}(\langle w, x "
            r"\rangle - y)^2$."
        ),
        kind=ClaimKind.DEFINITION,
        area="theory",
    ),
    Claim(
        id="S2.E",
        title="Excess risk",
        location="Sec. 2, eq. (2)",
        statement=(
            r"""$\mathcal{E}_m(w) := F_m(w) - \inf_{w'} F_m(w')$, the excess over "the """
            r"""performance of the best possible initialization for fast adaptation"."""
        ),
        kind=ClaimKind.DEFINITION,
        area="theory",
    ),
    Claim(
        id="S2.NAL",
        title="NAL training objective",
        location="Sec. 2, eq. (3)",
        statement=(
            r"$F^{\mathrm{tr}}_{\mathrm{NAL}}(w) := \frac{1}{T} \sum_{i=1}^{T} \hat{f}_i(w; "
            r"X_i, y_i)$ over $T$ training tasks with $n$ samples $(X_i, y_i)$ each."
        ),
        kind=ClaimKind.DEFINITION,
        area="numerics",
    ),
    Claim(
        id="S2.MAML",
        title="MAML training objective",
        location="Sec. 2, eq. (4)",
        statement=(
            r"$F^{\mathrm{tr}}_{\mathrm{MAML}}(w) := \frac{1}{T\tau} \sum_{i=1}^{T} "
            r"\sum_{j=1}^{\tau} \hat{f}_i\big(w - \alpha \nabla \hat{f}_i(w; "
            r"X^{\mathrm{in}}_{ij}, y^{\mathrm{in}}_{ij}); X^{\mathrm{out}}_{ij}, "
            r"y^{\mathrm{out}}_{ij}\big)$, each task's $n$ samples split into $\tau$ episodes "
            r"of $n_2$ inner and $n_1$ outer samples, $\tau(n_1 + n_2) = n$."
        ),
        kind=ClaimKind.DEFINITION,
        area="numerics",
    ),
    Claim(
        id="S2.ORDER",
        title="MAML is never worse than NAL",
        location="Sec. 2, after eq. (4)",
        statement=(
            r"""The text: "We expect $\mathcal{E}_m(w_{\mathrm{MAML}}) \leq """
            r"\mathcal{E}_m(w_{\mathrm{NAL}})$ since (4) is a surrogate for the true objective "
            r"""of minimizing (1)", i.e. MAML is never worse than NAL."""
        ),
        kind=ClaimKind.INEQUALITY,
        area="theory",
    ),
    Claim(
        id="S3.Q",
        title="Post-adaptation curvature matrix Q",
        location="Sec. 3, below eq. (5)",
        statement=(
            r"For $s \in \mathbb{N}$: $Q_i^{(s)} := (I_d - \alpha \Sigma_i) \Sigma_i (I_d - "
            r"\alpha \Sigma_i) + \frac{\alpha^2}{s} \big( \operatorname{tr}(\Sigma_i^2) "
            r"\Sigma_i + \Sigma_i^3 \big)$."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.POP",
        title="Population-optimal NAL and MAML solutions",
        location="Sec. 3, eq. (5)",
        statement=(
            r"$w_{\mathrm{NAL}}^\ast = \mathbb{E}_i[\Sigma_i]^{-1} \mathbb{E}_i[\Sigma_i "
            r"w_i^\ast]$ and $w_{\mathrm{MAML}}^\ast = \mathbb{E}_i[Q_i^{(n_2)}]^{-1} "
            r"\mathbb{E}_i[Q_i^{(n_2)} w_i^\ast]$."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.PROP1",
        title="Proposition 1: excess risks of the population solutions",
        location="Sec. 3, Proposition 1, eqs. (6)-(7)",
        statement=(
            r"$\mathcal{E}_m(w_{\mathrm{NAL}}^\ast) = \frac{1}{2} \mathbb{E}_i \big\| "
            r"\mathbb{E}_{i'}[\Sigma_{i'}]^{-1} \mathbb{E}_{i'}[\Sigma_{i'} (w_{i'}^\ast - "
            r"w_i^\ast)] \big\|^2_{Q_i^{(m)}}$ and $\mathcal{E}_m(w_{\mathrm{MAML}}^\ast) = "
            r"\frac{1}{2} \mathbb{E}_i \big\| \mathbb{E}_{i'}[Q_{i'}^{(n_2)}]^{-1} "
            r"\mathbb{E}_{i'}[Q_{i'}^{(n_2)} (w_{i'}^\ast - w_i^\ast)] \big\|^2_{Q_i^{(m)}}$, "
            r"where $\|v\|_A^2 = v^\top A v$."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.INF",
        title="Minimum of the post-adaptation objective",
        location="App. A.1, eqs. (16)-(20)",
        statement=(
            r"$\inf_{w \in \mathbb{R}^d} F_m(w) = \sigma^2 + \frac{\alpha^2 \sigma^2}{m} "
            r"\operatorname{tr}(\Sigma_i^2)$ (as printed, eq. (16)); the proof then writes "
            r"$\mathcal{E}_m(w_{\mathrm{NAL}}) = F_m(w_{\mathrm{NAL}}) - \frac{1}{2} "
            r"\mathbb{E}_i\big[\sigma^2 + \frac{\alpha^2 \sigma^2}{m} "
            r"\operatorname{tr}(\Sigma_i^2)\big] = \mathbb{E}_i \mathbb{E}_{\hat{X}} \|P_i "
            r"(w_{\mathrm{NAL}} - w_i^\ast)\|^2_{\Sigma_i}$ with $P_i := I_d - "
            r"\frac{\alpha}{m} \hat{X}_i^\top \hat{X}_i$ (eqs. (17)-(18)), and likewise for "
            r"MAML (eqs. (19)-(20))."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.HARD",
        title="Hardness: MAML leans to hard tasks, NAL to easy ones",
        location="Sec. 3, prose after Proposition 1",
        statement=(
            r"Task hardness is the rate of gradient descent, set by "
            r"""$\lambda_{\min}(\Sigma_i)$. "For simplicity, consider the case in which $m$ and """
            r"""$n_2$ are large": then the $Q_i$ are dominated by $\Sigma_i (I_d - \alpha """
            r"\Sigma_i)^2$, $w_{\mathrm{NAL}}^\ast$ lies closer to the easy tasks' solutions "
            r"and $w_{\mathrm{MAML}}^\ast$ closer to the hard tasks' solutions; MAML should "
            r"perform well on both hard and easy tasks, NAL well on easy tasks but struggle on "
            r"hard ones."
        ),
        kind=ClaimKind.QUALITATIVE,
        area="numerics",
    ),
    Claim(
        id="S31.SOL",
        title="Two tasks: closed-form NAL and MAML solutions",
        location="Sec. 3.1, eq. (8)",
        statement=(
            r"Two equally likely tasks, $n_2 = m$, $\Sigma_1 = \rho_H I_d$, $\Sigma_2 = \rho_E "
            r"I_d$, $\rho_H < \rho_E$: $w_{\mathrm{NAL}}^\ast = \frac{\rho_H}{\rho_H + \rho_E} "
            r"w_1^\ast + \frac{\rho_E}{\rho_H + \rho_E} w_2^\ast$ and $w_{\mathrm{MAML}}^\ast "
            r"= \frac{a_H}{a_H + a_E} w_1^\ast + \frac{a_E}{a_H + a_E} w_2^\ast$, with $a_E := "
            r"\rho_E (1 - \alpha \rho_E)^2 + \frac{d+1}{m} \alpha^2 \rho_E^3$ and $a_H := "
            r"\rho_H (1 - \alpha \rho_H)^2 + \frac{d+1}{m} \alpha^2 \rho_H^3$."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.ALPHA",
        title="Natural step size: MAML favours the hard task",
        location="Sec. 3.1, after eq. (8)",
        statement=(
            r"With $\alpha = 1/\rho_E$: $a_E = \frac{d+1}{m} \rho_E$ and $a_H = \rho_H (1 - "
            r"""\rho_H/\rho_E)^2 + \frac{(d+1) \rho_H^3}{m \rho_E^2}$; "for sufficiently large """
            r"""$m$, $a_H > a_E$", so MAML's solution is closer to the hard task's."""
        ),
        kind=ClaimKind.INEQUALITY,
        area="theory",
    ),
    Claim(
        id="S31.RISK",
        title="Two tasks: excess risks",
        location="Sec. 3.1, eq. (9)",
        statement=(
            r"$\mathcal{E}_m(w_{\mathrm{NAL}}) = \frac{a_E \rho_H^2 + a_H \rho_E^2}{(\rho_E + "
            r"\rho_H)^2}$ and $\mathcal{E}_m(w_{\mathrm{MAML}}) = \frac{a_E a_H}{a_E + a_H}$."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.LARGE_M",
        title="Large m: MAML near zero, NAL not",
        location="Sec. 3.1, prose after eq. (9)",
        statement=(
            r"$a_E \approx 0$ for $m \gg d$, so MAML achieves near-zero excess risk for large "
            r"$m$; this needs $\rho_H (1 - \rho_H/\rho_E)^2 \gg d \rho_E / m$. NAL's excess "
            r"risk is $\frac{\rho_E^2 a_H}{(\rho_E + \rho_H)^2}$ (for $a_E \approx 0$), "
            r"significantly above zero when $\rho_H/\rho_E \ll 1$. The gain needs "
            r"$\frac{\rho_H}{\rho_E} (1 - \frac{\rho_H}{\rho_E})^2 \gg \frac{d}{m}$."
        ),
        kind=ClaimKind.APPROXIMATION,
        area="theory",
    ),
    Claim(
        id="S31.ZERO",
        title="Extreme hardness: both excess risks vanish",
        location="Sec. 3.1, prose after Fig. 2",
        statement=(
            r"""Both excess risks go to zero as $\rho_H \to 0$ ("too much hardness discrepancy """
            r"""causes no gain for MAML")."""
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.FIG2",
        title="Figure 2: two-task solutions and excess risks",
        location="Fig. 2, Sec. 3.1",
        statement=(
            r"$w_1^\ast = 1_d$, $w_2^\ast = -1_d$, $d = 10$, $\sigma^2 = 0.01$; x-axis $\rho_H "
            r"""\in (0, 1)$ (so $\rho_E = 1$ (reading)); $\alpha$ (unstated; $1/\rho_E$ is "the """
            r"""natural choice"). Panels (a)-(b) $m = n_2 = 2000$; panels (c)-(d): caption $m = """
            r"""n_2 = 100$, text "$m = 500$". (a), (c): first coordinate of """
            r"$w_{\mathrm{NAL}}^\ast$, $w_{\mathrm{MAML}}^\ast$ vs $\rho_H$ (axis $-1$ to "
            r"$1$); (b), (d): excess risks (axis $0$ to $1$). Claim: unlike NAL, MAML "
            r"initializes closer to the harder task unless $\rho_H/\rho_E$ is near 0 or 1, "
            r"giving significantly smaller excess risk, especially for large $m$."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="S31.REMARK1",
        title="Remark 1: effective dimension",
        location="Sec. 3.1, Remark 1",
        statement=(
            r"The condition $\frac{\rho_H}{\rho_E} (1 - \frac{\rho_H}{\rho_E})^2 \gg "
            r"\frac{d}{m}$ needs $m \gg d$ only because $\operatorname{tr}(\Sigma_i) = O(d)$; "
            r"with effective dimension $o(d)$ the requirement on $m$ shrinks accordingly."
        ),
        kind=ClaimKind.QUALITATIVE,
        area="numerics",
    ),
    Claim(
        id="S32.COR1",
        title="Corollary 1: excess risks under task geography",
        location="Sec. 3.2, Corollary 1, eqs. (10)-(11)",
        statement=(
            r"Mixture of $\frac{1}{2}$ hard tasks ($w^\ast \sim \mathcal{N}(R 1_d, r_H I_d)$, "
            r"$\Sigma = \rho_H I_d$) and $\frac{1}{2}$ easy tasks ($w^\ast \sim "
            r"\mathcal{N}(0_d, r_E I_d)$, $\Sigma = \rho_E I_d$): "
            r"$\mathcal{E}_m(w_{\mathrm{NAL}}^\ast) = \frac{d}{4(\rho_E + \rho_H)^2} \big[ "
            r"(a_E \rho_E^2 + 2 a_E \rho_E \rho_H) r_E + a_E \rho_H^2 (r_E + R^2) + (a_H "
            r"\rho_H^2 + 2 a_H \rho_E \rho_H) r_H + a_H \rho_E^2 (r_H + R^2) \big]$ and "
            r"$\mathcal{E}_m(w_{\mathrm{MAML}}^\ast) = \frac{d}{4(a_E + a_H)^2} \big[ (a_E^3 + "
            r"2 a_E^2 a_H) r_E + (a_H^3 + 2 a_E a_H^2) r_H + a_E a_H^2 (r_E + R^2) + a_E^2 a_H "
            r"(r_H + R^2) \big]$, with $a_E$, $a_H$ as in eq. (8)."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S32.A2",
        title="Per-coordinate excess risks in the proof of Corollary 1",
        location="App. A.2, eq. (23) and final line",
        statement=(
            r"Per coordinate $l$, then multiplied by $d$. MAML, eq. (23): "
            r"$\mathcal{E}^{(l)}(w_{\mathrm{MAML}}) = \frac{a_H^3 r_H + a_H a_E^2 (r_H + R^2) "
            r"+ 2 a_H^2 a_E r_H + a_E a_H^2 (r_E + R^2) + a_E^3 r_E + 2 a_E^2 a_H r_E}{4 (a_E "
            r"+ a_H)^2}$. NAL, final line (as printed): $\mathcal{E}^{(l)}(w_{\mathrm{NAL}}) = "
            r"\frac{a_H \rho_H^2 r_H + a_H \rho_E^2 (r_H + R^2) + 2 a_H \rho_H \rho_E r_H + "
            r"a_E \rho_H^2 (r_E + R^2) + a_E \rho_E^2 r_E + 2 a_E \rho_H \rho_E}{4 (a_E + "
            r"a_H)^2}$."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S32.COR2",
        title="Corollary 2: NAL-to-MAML excess-risk ratio",
        location="Sec. 3.2, Corollary 2, eq. (12)",
        statement=(
            r"With $\alpha = 1/\rho_E$ and $\frac{\rho_H}{\rho_E} (1 - "
            r"\frac{\rho_H}{\rho_E})^2 \gg \frac{d}{m}$: "
            r"$\frac{\mathcal{E}_m(w_{\mathrm{NAL}}^\ast)}{\mathcal{E}_m(w_{\mathrm{MAML}}^\ast)} \approx 1 + \frac{R^2}{r_H}$."
        ),
        kind=ClaimKind.APPROXIMATION,
        area="theory",
    ),
    Claim(
        id="S32.A3",
        title="Proof of Corollary 2",
        location="App. A.3, eqs. (24)-(27)",
        statement=(
            r"Eq. (24) as in Sec. 3.1 with $\alpha = 1/\rho_E$; eq. (25): "
            r"$\mathcal{E}_m(w_{\mathrm{MAML}}^\ast) \approx \frac{d a_H^3}{4 a_H^2} r_H = "
            r"\frac{d \rho_H (1 - \rho_H/\rho_E)^2}{4} r_H$; eq. (26): "
            r"$\mathcal{E}_m(w_{\mathrm{NAL}}^\ast) \approx \frac{d \rho_H (1 - "
            r"\rho_H/\rho_E)^2}{4} r_H + \frac{d \rho_H \rho_E^2 (1 - \rho_H/\rho_E)^2}{4 "
            r"(\rho_H + \rho_E)^2} R^2$; eq. (27): ratio $= 1 + \frac{\rho_E^2 R^2}{(\rho_H + "
            r"""\rho_E)^2 r_H^2} \approx 1 + \frac{R^2}{r_H^2}$ "since $\frac{1}{4} \leq """
            r"""\frac{\rho_E^2}{(\rho_E + \rho_H)^2} \leq 1$" (as printed: $r_H^2$ in both lines """
            r"of eq. (27))."
        ),
        kind=ClaimKind.APPROXIMATION,
        area="theory",
    ),
    Claim(
        id="S32.FIG1",
        title="Figure 1: environments and excess-risk bars",
        location="Fig. 1, Sec. 1 and Sec. 3.2",
        statement=(
            r"10-dimensional environments, 100 sampled task solutions drawn per panel, bars of "
            r"""NAL and MAML excess risk. Panel titles: (a) "(II), not (I): Large $R$, Small """
            r"""$r_H$, $\rho_H/\rho_E = 1$"; (b) "(I), not (II): $\rho_H/\rho_E \ll 1$, Large """
            r"""$R$, $r_H$"; (c) "(I), not (II): $\rho_H/\rho_E \ll 1$, Small $R$, $r_H$"; (d) """
            r""""(I) and (II): $\rho_H/\rho_E \ll 1$, Large $R$, Small $r_H$". Excess-risk axes: """
            r"(a) 0 to 5, (b) 0 to 12, (c) 0 to 0.15, (d) 0 to 6. Text: in (b)-(d) $\rho_E = "
            r"0.9$, $\rho_H = 0.1$, $m = 500$; elsewhere: (d) has $\rho_H/\rho_E = 0.2$ and "
            r"$\mathcal{E}_m(w_{\mathrm{NAL}})/\mathcal{E}_m(w_{\mathrm{MAML}}) \approx 3$; "
            r"MAML's gain is largest in (d). $R$, $r_H$, $r_E$ per panel (unstated)."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="S32.FIG3",
        title="Figure 3: excess risks and ratios versus R",
        location="Fig. 3, Sec. 3.2",
        statement=(
            r"$R$ from 0 to 5; (a)-(b) $R^2/r_H = 0.5$, $R^2/r_E = 10$; (c)-(d) $R^2/r_H = "
            r"10$, $R^2/r_E = 0.5$. (a), (c): excess risk of $w_{\mathrm{NAL}}^\ast$, "
            r"$w_{\mathrm{MAML}}^\ast$ (theory) and of SGD-trained $w_{\mathrm{NAL}}$, "
            r"$w_{\mathrm{MAML}}$ (empirical), axis 0 to 25; (b), (d): ratio "
            r"$\mathcal{E}_m(w_{\mathrm{NAL}})/\mathcal{E}_m(w_{\mathrm{MAML}})$, theoretical "
            r"and empirical, axis 1.0 to 4.0. Claim: MAML significantly outperforms NAL when "
            r"$R^2/r_H$ is large ((c)-(d)), not otherwise. $\rho_E$, $\rho_H$, $d$, $m$, "
            r"$n_2$, $\alpha$ (unstated)."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="S32.PRIOR",
        title="Closely packed tasks are not needed for MAML",
        location="Sec. 3.2, prose after Corollary 2",
        statement=(
            r"NAL also performs well when $r_E$, $r_H$ and $R$ are all small; neither $r_E$ "
            r"nor $R$ needs to be small for MAML to achieve small excess risk."
        ),
        kind=ClaimKind.QUALITATIVE,
        area="figures",
    ),
    Claim(
        id="C1.SGD",
        title="SGD protocol for the linear-regression experiments",
        location="App. C.1",
        statement=(
            r"SGD on the MAML and NAL objectives, one task sampled per iteration, 5,000 "
            r"iterations; $n_1 = 25$ outer samples, varying $n_2$ inner samples for MAML; $n = "
            r"n_1 + n_2$ samples for NAL; meta-learning rates $n_2/10000$ (MAML) and $0.025$ "
            r"(NAL); excess risk of the final iterate estimated from 3,000 sampled tasks; 10 "
            r"repetitions for standard deviations."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="C1.TABLE3",
        title="Table 3: up-weighting hard tasks for NAL",
        location="App. C.1, Table 3",
        statement=(
            r"NAL with hard tasks up-weighted by $\nu$ (ratio of the weight on a hard task to "
            r"that on an easy task within a batch, weights normalized to sum 1). $d = 10$, "
            r"$n_2 = 25$ inner, $n_1 = 500$ outer samples, noise variance $0.01$; easy: "
            r"$\rho_E = 1$, $w^\ast \sim \mathcal{N}(0_d, I_d)$; hard: $\rho_H = 0.1$, $w^\ast "
            r"\sim \mathcal{N}(2 \cdot 1_d, I_d)$; 4,000 iterations, 10 tasks per batch, "
            r"easy/hard equally likely; 5 trials; $\alpha$ (unstated). Table 3 (mean $\pm$ "
            r"std):"
            "\n\n"
            r"| | NAL | NAL $\nu = 2$ | NAL $\nu = 5$ | NAL $\nu = 10$ | MAML |" "\n"
            r"|---|---|---|---|---|---|" "\n"
            r"| average coordinate | $0.18 \pm .02$ | $0.33 \pm .02$ | $0.61 \pm .03$ | $0.87 \pm .03$ | $1.58 \pm 0.01$ |" "\n"
            r"| test error | $0.78 \pm .11$ | $0.64 \pm .08$ | $0.51 \pm 04$ | $0.39 \pm .05$ | $0.26 \pm 0.10$ |"
            "\n\n"
            r"Claim: as $\nu$ grows NAL moves towards the hard tasks and its error approaches "
            r"MAML's; MAML acts as a hardness-based re-weighting of tasks."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="C1.FIG8",
        title="Figure 8: Figure 2 with SGD results",
        location="App. C.1, Fig. 8",
        statement=(
            r"Figure 2 with empirical (SGD) results and 95% confidence intervals; panels $m = "
            r"n_2 = 2000$, $m = n_2 = 500$, and $m = 50$ with $n_2 = 50$; legend "
            r"$\mathcal{E}(w_{\mathrm{MAML}})$ (emp.), $\mathcal{E}(w_{\mathrm{NAL}})$ (emp.), "
            r"$\mathcal{E}(w_{\mathrm{MAML}}^\ast)$ (theory), "
            r"$\mathcal{E}(w_{\mathrm{NAL}}^\ast)$ (theory); excess-risk axis 0 to 4."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="C2.LOGISTIC",
        title="Figure 7: logistic regression",
        location="App. C.2, Fig. 7",
        statement=(
            r"""Logistic regression "analogous to the $m = 500$ column of Figure 2", $T = 2$ """
            r"tasks, $d = 10$, easy task strong convexity 1; MAML again initializes closer to "
            r"the harder task and has smaller excess risk for appropriate $\rho_H$. Data and "
            r"label model (unstated)."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="S4.THM1",
        title="Theorem 1: hard task has the smaller gradient at MAML's solution",
        location="Sec. 4, Theorem 1, eq. (13)",
        statement=(
            r"Network $h_W(x) = \sum_{k=1}^{M} \sigma(\langle w^k, x \rangle)$, $W = [w^1, "
            r"\dots, w^M] \in \mathbb{R}^{d \times M}$, task $i$: $x \sim \mathcal{N}(0_d, "
            r"\Sigma_i)$, $y = \sum_k \sigma(\langle w^k_{i,\ast}, x \rangle)$, squared loss. "
            r"Two tasks, uniform; $\sigma \in \{\mathrm{ReLU}, \mathrm{Softplus}, "
            r"\mathrm{Sigmoid}, \tanh\}$; $\Sigma_i = I_d$; $s_{i,k}$ the $k$-th singular "
            r"value of $W_{i,\ast}$; $\kappa_i := \|W_{i,\ast}\|_2 / s_{i,M}$; $\lambda_i := "
            r"\prod_k s_{i,k} / s_{i,M}^M$; $\mathcal{S}_i := \{W : \|W - W_{i,\ast}\|_2 \leq "
            r"c_1 / (s_{i,1}^c \lambda_i \kappa_i^2 M^2)\}$; $\beta_i := c_2 / (\lambda_i "
            r"\kappa_i^2)$; $L_i := c_3 M s_{i,1}^{2c}$; $\beta_1 < \beta_2$, $L_1 < L_2$. Any "
            r"stationary point $W_{\mathrm{MAML}}^\ast \in \mathcal{S}_1 \cap \mathcal{S}_2$ "
            r"of the population MAML objective with full inner gradient step ($m = \infty$) "
            r"satisfies, for all $\alpha \leq 1/L_2$, $\|\nabla f_1(W_{\mathrm{MAML}})\|_2 "
            r"\leq \frac{1 - 2\alpha\beta_2}{(1 - \alpha L_1)^2} \|\nabla "
            r"f_2(W_{\mathrm{MAML}})\|_2 + O(\alpha^2)$. Interpretation: the hard task has the "
            r"smaller gradient norm when $\beta_2 > L_1$."
        ),
        kind=ClaimKind.INEQUALITY,
        area="numerics",
    ),
    Claim(
        id="S4.NAL",
        title="NAL balances the task gradients",
        location="Sec. 4, prose after Theorem 1",
        statement=(
            r"Any stationary point of the two-task NAL population loss has $\|\nabla "
            r"f_1(w_{\mathrm{NAL}})\|_2 = \|\nabla f_2(w_{\mathrm{NAL}})\|_2$."
        ),
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="B.LEMMA1",
        title="Lemma 1: gradient-norm comparison",
        location="App. B, Lemma 1, eqs. (28)-(29), (33), (36)",
        statement=(
            r"If $\beta_1 I \preceq \nabla^2 f_1(w_{\mathrm{MAML}}) \preceq L_1 I$, $\beta_2 I "
            r"\preceq \nabla^2 f_2(w_{\mathrm{MAML}}) \preceq L_2 I$, $\beta_2 > \beta_1$, "
            r"$\alpha < 1/\max(L_1, L_2)$, and $w_i := w_{\mathrm{MAML}} - \alpha \nabla "
            r"f_i(w_{\mathrm{MAML}})$, then $\|\nabla f_1(w_1)\|_2 \lesssim \frac{1 - "
            r"\alpha\beta_2}{1 - \alpha L_1} \|\nabla f_2(w_2)\|_2 + O(\alpha^2)$ (eq. (29)). "
            r"Proof steps: (eq. (33)) $\|g_2(w_2)\|_2 \geq \frac{1 - \alpha L_1}{1 - "
            r"\alpha\beta_2} \|g_1(w_1)\|_2$; (eq. (36)) $\|\nabla f_1(w_{\mathrm{MAML}})\|_2 "
            r"\lesssim \big(\frac{1 - \alpha\beta_2}{1 - \alpha L_1}\big)^2 \|\nabla "
            r"f_2(w_{\mathrm{MAML}})\|_2 + O(\alpha^2)$."
        ),
        kind=ClaimKind.INEQUALITY,
        area="theory",
    ),
    Claim(
        id="S4.FIG4",
        title="Figures 4-6: two-layer network loss landscapes",
        location="Sec. 4, Figs. 4-6 (App. B, C.3)",
        statement=(
            r"$M = 1$, $d = 2$, four-task environments; $\Sigma = 0.5 I_2$ for hard tasks, "
            r"$I_2$ for easy tasks. Loss landscapes of NAL (eq. (3)) and MAML (eq. (4)) from "
            r"sampled Gaussian data: $n = 500$ (NAL); $n_1 = 20$, $\tau = 25$ (MAML); $n_2 = m "
            r"= 250$ (Softplus), 80 (Sigmoid). Claims: with all tasks equally hard the NAL and "
            r"MAML solutions coincide; with one hard task MAML initializes closer to the hard "
            r"task and has significantly smaller post-adaptation loss than NAL, whose solution "
            r"is nearer the easy tasks' centroid. Figure 6: small $R$ gives close solutions "
            r"and similar loss; large $R$ with small $r_H$ gives far-apart solutions and a "
            r"much smaller MAML loss. Ground-truth neuron positions (unstated; read them off "
            r"the figures' ranges, $-2$ to $2$)."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="figures",
    ),
    Claim(
        id="D.NAL_EMP",
        title="Closed-form empirical NAL solution",
        location="App. D, eq. (41)",
        statement=(
            r"$w_{\mathrm{NAL}} = \big(\sum_i X_i^\top X_i\big)^{-1} \sum_i \big(X_i^\top X_i "
            r"w_i^\ast + X_i^\top z_i\big)$."
        ),
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="D.MAML_EMP",
        title="Closed-form empirical MAML solution",
        location="App. D, eq. (43)",
        statement=(
            r"$w_{\mathrm{MAML}} = \big(\sum_{i,j} \hat{Q}_{ij}\big)^{-1} \sum_{i,j} "
            r"\big(\hat{Q}_{ij} w_i^\ast + \hat{P}_{ij} (X^{\mathrm{out}}_{ij})^\top "
            r"z^{\mathrm{out}}_{ij} - \frac{\alpha}{n_2} \hat{P}_{ij} "
            r"(X^{\mathrm{out}}_{ij})^\top X^{\mathrm{out}}_{ij} (X^{\mathrm{in}}_{ij})^\top "
            r"z^{\mathrm{in}}_{ij}\big)$, with $\hat{Q}_{ij} = \hat{P}_{ij} "
            r"(X^{\mathrm{out}}_{ij})^\top X^{\mathrm{out}}_{ij} \hat{P}_{ij}$ and "
            r"$\hat{P}_{ij} = I_d - \frac{\alpha}{n_2} (X^{\mathrm{in}}_{ij})^\top "
            r"X^{\mathrm{in}}_{ij}$."
        ),
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="D.LEMMA2",
        title="Lemma 2: Gaussian fourth-moment identity",
        location="App. D.2, Lemma 2, eqs. (77), (84)",
        statement=(
            r"$A$ fixed symmetric $d \times d$; rows of $X \in \mathbb{R}^{n \times d}$ i.i.d. "
            r"$\mathcal{N}(0, \Sigma)$ with $\Sigma$ diagonal: $\mathbb{E}\big[\frac{X^\top "
            r"X}{n} A \frac{X^\top X}{n}\big] = \Sigma A \Sigma + \frac{1}{n} "
            r"\big(\operatorname{tr}(\Sigma A) I_d + \Sigma A\big) \Sigma$. Used with $A = "
            r"\Sigma_i$ to get $\mathbb{E}[\hat{P}^\top \Sigma \hat{P}] = Q^{(n_2)}$ (eq. "
            r"(84))."
        ),
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="D.THM2",
        title="Theorem 2: NAL convergence rate",
        location="App. D.1, Theorem 2, eqs. (44)-(45)",
        statement=(
            r"$\|w_{\mathrm{NAL}} - w_{\mathrm{NAL}}^\ast\|_2 = "
            r"\tilde{O}\big(\frac{\sqrt{d}}{\sqrt{n}} + \frac{1}{\sqrt{T}}\big)$ (reading of "
            r"the garbled eq. (45)) with probability $1 - o(1)$ when $n = \tilde{\Omega}(d)$ "
            r"and $T = \tilde{\Omega}(\mathrm{Var}(\Sigma_i) + \mathrm{Var}(\Sigma_i "
            r"w_i^\ast))$."
        ),
        kind=ClaimKind.INEQUALITY,
        area="numerics",
    ),
    Claim(
        id="D.THM3",
        title="Theorem 3: MAML convergence bound",
        location="App. D.2, Theorem 3, eq. (81)",
        statement=(
            r"$\|w_{\mathrm{MAML}} - w_{\mathrm{MAML}}^\ast\| \leq \frac{16 \hat{L} B d "
            r"\sqrt{\alpha^4 L^6 / c} \log^3(100 T d)}{\hat{\beta}^2 \sqrt{\tau}} + "
            r"\frac{\sqrt{\mathrm{Var}(Q_i w_i^\ast) \log(200 d)}}{\hat{\beta} \sqrt{T}} + "
            r"\frac{\hat{L} B \sqrt{\mathrm{Var}(Q_i) \log(200 d)}}{\hat{\beta}^2 \sqrt{T}}$ "
            r"with probability $\geq 0.96$, where $\hat{\beta} := \beta (1 - \alpha L)^2 + "
            r"\alpha^2 \beta^3 (d+1)/n_2$ and $\hat{L} := L (1 - \alpha\beta)^2 + \alpha^2 L^3 "
            r"(d+1)/n_2$, for $\tau > 32 d^3 \alpha^4 L^6 \log^6(100 T d) / (c \hat{\beta})$ "
            r"(statement); the end of the proof requires $\tau > 32 d^2 \alpha^4 L^6 "
            r"\log^6(100 T d) / (c \hat{\beta})$ (as printed); and $T > \hat{L}^2 B^2 \log(200 "
            r"d) / \big(9 (\mathrm{Var}(Q_i) + \mathrm{Var}(Q_i w_i^\ast))\big)$. Rates: "
            r"$1/\sqrt{\tau}$ and $1/\sqrt{T}$. Assumptions: $\|w_i^\ast\| \leq B$; $\beta I "
            r"\preceq \Sigma_i \preceq L I$."
        ),
        kind=ClaimKind.INEQUALITY,
        area="numerics",
    ),
    Claim(
        id="S5.OMNI",
        title="Table 1: Omniglot with large and small hard-task spread",
        location="Sec. 5, App. C.4, Table 1 / Table 4",
        statement=(
            r"Omniglot (1623 characters, 50 alphabets), $N = 5$, $K = 1$; NAL-1 ($K = 1$) and "
            r"NAL-10 ($K = 10$); 4-block conv net of Finn et al. (2017). Alphabets split into "
            r"easy-train 25, easy-test 15, hard-train 5, hard-test 5; hard alphabets: the 10 "
            r"with the lowest accuracy of a MAML model trained on all 50; easy split random. "
            r"Tasks easy or hard with probability $\frac{1}{2}$; easy task: 5 characters from "
            r"5 distinct easy alphabets; hard task: one hard alphabet, then 5 of its "
            r"""characters. "Large $r_H$" uses all 5 hard-train and 5 hard-test alphabets; """
            r""""Small $r_H$" only Sanskrit (train) and Bengali (test). C.4: 10 target samples """
            r"per class ($n_1 = 5 \times 10$), $n = n_1 + 5 \times n_2$ with $n_2 = 5 \times "
            r"K$ for NAL (reading); 8 tasks per iteration, 20,000 iterations; outer learning "
            r"rate from $\{10^{-2}, \dots, 10^{-6}\}$: MAML $10^{-3}$, NAL $10^{-6}$; inner "
            r"learning rate 0.1 for both; MAML 1 SGD step in training and testing, NAL 1 step "
            r"at test; evaluation on 500 tasks from training classes and 500 from test "
            r"classes, easy/hard equally likely; 5 seeds; 95% intervals. Table 1 / Table 4 "
            r"""(accuracy %, "average errors" in the text):"""
            "\n\n"
            r"| $r_H$ | Alg. | Train easy | Train hard | Test easy | Test hard |" "\n"
            r"|---|---|---|---|---|---|" "\n"
            r"| Large | MAML | $99.2 \pm .2$ | $96.0 \pm .6$ | $98.0 \pm .2$ | $81.2 \pm .3$ |" "\n"
            r"| Large | NAL-1 | $69.4 \pm .4$ | $41.5 \pm .3$ | $57.8 \pm .4$ | $45.2 \pm .8$ |" "\n"
            r"| Large | NAL-10 | $70.0 \pm .8$ | $45.3 \pm .9$ | $67.2 \pm .3$ | $47.9 \pm .7$ |" "\n"
            r"| Small | MAML | $99.2 \pm .5$ | $99.1 \pm .2$ | $98.1 \pm .3$ | $95.4 \pm .3$ |" "\n"
            r"| Small | NAL-1 | $69.2 \pm .5$ | $46.0 \pm .6$ | $55.8 \pm .5$ | $45.8 \pm 1.0$ |" "\n"
            r"| Small | NAL-10 | $70.2 \pm .6$ | $44.0 \pm .8$ | $67.8 \pm .8$ | $48.9 \pm .8$ |"
            "\n\n"
            r"Claim: MAML's accuracy improves markedly with more closely packed hard tasks "
            r"(Small), NAL's does not change substantially; MAML's relative gain grows as "
            r"$r_H$ shrinks."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="deep",
    ),
    Claim(
        id="S5.CIFAR",
        title="Table 2: FS-CIFAR100 with varying hard-task frequency",
        location="Sec. 5, App. C.5, Table 2 / Table 5",
        statement=(
            r"FS-CIFAR100: 100 classes, 80 train / 20 test; each training class's 600 images "
            r"split 450 train / 150 test. Hardness via $(N, K)$: main text easy $(2, 10)$, "
            r"hard $(20, 1)$; C.5 says this is a typo and the runs used easy $(2, 50)$, hard "
            r"$(20, 5)$. Hard tasks sampled with probability $p$ during training. C.5: MAML 10 "
            r"""target samples per class per task, NAL 15 per class per task; "eight tasks were """
            r"""drawn on each iteration for a total of 20,000 iterations" and, later in C.5, "we """
            r"""trained for 10,000 iterations with a task batch size of 2"; outer learning rates """
            r"MAML $10^{-3}$, NAL $10^{-6}$; inner 0.1; NAL adapts with 5 steps at test, MAML "
            r"1 step in training and test; evaluation on 500 train-class and 500 test-class "
            r"tasks, easy/hard equally likely; 5 seeds. Table 2 / Table 5 (accuracy %):"
            "\n\n"
            r"| $p$ | Alg. | Train easy | Train hard | Test easy | Test hard |" "\n"
            r"|---|---|---|---|---|---|" "\n"
            r"| 0.99 | NAL | $78.2 \pm .4$ | $9.9 \pm 1.0$ | $74.8 \pm .4$ | $9.5 \pm .6$ |" "\n"
            r"| 0.99 | MAML | $92.9 \pm .3$ | $50.1 \pm 1.0$ | $84.6 \pm .4$ | $21.7 \pm .3$ |" "\n"
            r"| 0.5 | NAL | $81.9 \pm .3$ | $9.5 \pm 1.0$ | $76.5 \pm .4$ | $8.6 \pm .3$ |" "\n"
            r"| 0.5 | MAML | $93.6 \pm .5$ | $41.1 \pm .3$ | $84.3 \pm .6$ | $17.9 \pm .4$ |" "\n"
            r"| 0.01 | NAL | $82.4 \pm 1.4$ | $7.6 \pm .2$ | $76.9 \pm .9$ | $8.2 \pm .4$ |" "\n"
            r"| 0.01 | MAML | $94.0 \pm 1.2$ | $15.7 \pm .3$ | $85.0 \pm .2$ | $11.8 \pm .3$ |"
            "\n\n"
            r"Claims: MAML's largest gains over NAL are on the hard tasks; the gain on hard "
            r"tasks disappears when hard tasks are scarce ($p = 0.01$), supporting "
            r"over-sampling hard tasks in training."
        ),
        kind=ClaimKind.REPRODUCTION,
        area="deep",
    ),
    Claim(
        id="H.GAIN",
        title="When MAML gains: hardness discrepancy and task geography",
        location="Abstract, Sec. 1, Sec. 3.2",
        statement=(
            r"MAML gains substantially over NAL only if (I) the tasks differ in hardness "
            r"($\rho_H/\rho_E \ll 1$ but not $\approx 0$) and (II) the hard tasks' solutions "
            r"are closely packed (small $r_H$) with centre far from the easy tasks' centre "
            r"(large $R$); $\mathcal{E}_m(w_{\mathrm{NAL}})/\mathcal{E}_m(w_{\mathrm{MAML}}) "
            r"\approx 1 + R^2/r_H$."
        ),
        kind=ClaimKind.QUALITATIVE,
        area="figures",
    ),
    Claim(
        id="H.NONLINEAR",
        title="Insights carry over to nonlinear models",
        location="Abstract, Sec. 1, Secs. 4-5",
        statement=(
            r"The insights carry over to two-layer networks (Theorem 1, Figures 4-6) and to "
            r"few-shot image classification (Tables 1-2)."
        ),
        kind=ClaimKind.QUALITATIVE,
        area="deep",
    ),
    Claim(
        id="H.HARDTRAIN",
        title="Training MAML on hard tasks matters",
        location="Abstract, Sec. 1, Sec. 5",
        statement=r"Training MAML on hard tasks matters in practice.",
        kind=ClaimKind.QUALITATIVE,
        area="deep",
    ),
)

CLAIM_IDS: tuple[str, ...] = tuple(claim.id for claim in CLAIMS)
_BY_ID = {claim.id: claim for claim in CLAIMS}


def get_claim(claim_id: str) -> Claim:
    """The claim with this ID; ``KeyError`` naming the valid IDs otherwise."""
    try:
        return _BY_ID[claim_id]
    except KeyError:
        raise KeyError(
            f"unknown claim ID {claim_id!r}; run 'maml-landscape list' for the {len(CLAIMS)} IDs"
        ) from None
