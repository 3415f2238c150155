"""What the paper prints in Figs. 1-8, Table 3 and App. C.1-C.3, as printed: data under test.

Values, axis ranges and protocol constants are typed from the paper (typos included,
e.g. Table 3's "0.51 ± 04"); nothing here is a source of truth. Figure axis ranges are
read off the tick labels of the text dump.
"""

from __future__ import annotations

# ---------------------------------------------------------------- App. C.1: SGD protocol
SGD_ITERATIONS = 5000  # "one task ... on each iteration for 5,000 iterations"
SGD_N1 = 25  # "n1 = 25 outer loop samples"
MAML_RATE_PER_N2 = 1 / 10000  # "n2/10000 for MAML"
NAL_RATE = 0.025  # "0.025 for NAL"
EVALUATION_TASKS = 3000  # "estimated using 3,000 randomly samples from the environment"
REPETITIONS = 10  # "repeated this procedure ten times"

# ------------------------------------------------------------- Fig. 2 (Sec. 3.1) and Fig. 8
FIG2_D = 10
FIG2_NOISE_VAR = 0.01
FIG2_W1 = 1.0  # w1* = 1_d (hard task)
FIG2_W2 = -1.0  # w2* = -1_d (easy task)
FIG2_M_LARGE = 2000  # panels (a)-(b), m = n2 = 2000
FIG2_M_SMALL_CAPTION = 100  # caption and panel titles of (c)-(d): m = n2 = 100
FIG2_M_SMALL_TEXT = 500  # Sec. 3.1 text: "m = 2000 and m = 500, respectively"
FIG2_COORDINATE_AXIS = (-1.0, 1.0)
FIG2_RISK_AXIS = (0.0, 1.0)
FIG8_PANELS = ((2000, 2000), (500, 500), (50, 50))  # (m, n2)
FIG8_RISK_AXIS = (0.0, 4.0)

# ---------------------------------------------------------------- Fig. 1 (Secs. 1, 3.2)
FIG1_D = 10
FIG1_SAMPLED_SOLUTIONS = 100
FIG1_RHO_E = 0.9  # "(b), (c) and (d), we set ρE = 0.9, ρH = 0.1, and m = 500"
FIG1_RHO_H = 0.1
FIG1_M = 500
FIG1_RHO_RATIO_A = 1.0  # panel (a) title: ρH/ρE = 1
FIG1_RHO_RATIO_D_INTRO = 0.2  # Sec. 1: "(d) has ... ρH/ρE = 0.2"
FIG1_RISK_RATIO_D = 3.0  # Sec. 1: "E(w_NAL)/E(w_MAML) ≈ 3" in (d)
FIG1_RISK_AXIS_MAX = (5.0, 12.0, 0.15, 6.0)  # panels (a)-(d), each axis starting at 0
FIG1_TITLES = (
    "(II), not (I): Large R, Small r_H, ρ_H/ρ_E = 1",
    "(I), not (II): ρ_H/ρ_E << 1, Large R, r_H",
    "(I), not (II): ρ_H/ρ_E << 1, Small R, r_H",
    "(I) and (II): ρ_H/ρ_E << 1, Large R, Small r_H",
)

# ---------------------------------------------------------------------- Fig. 3 (Sec. 3.2)
FIG3_R_RANGE = (0.0, 5.0)
FIG3_SETTINGS = ((0.5, 10.0), (10.0, 0.5))  # (R²/r_H, R²/r_E) for (a)-(b) and (c)-(d)
FIG3_RISK_AXIS = (0.0, 25.0)
FIG3_RATIO_AXIS = (1.0, 4.0)

# ------------------------------------------------------------------- Table 3 (App. C.1)
TABLE3_NU = (1, 2, 5, 10)  # NAL, NAL ν=2, NAL ν=5, NAL ν=10
TABLE3_ITERATIONS = 4000
TABLE3_TASKS_PER_ITERATION = 10
TABLE3_TRIALS = 5
TABLE3_N2 = 25  # "n2 = 25 inner loop samples"
TABLE3_N1 = 500  # "n1 = 500 outer loop samples"
# (mean, std) as printed; columns NAL, ν=2, ν=5, ν=10, MAML
TABLE3_AVERAGE_COORDINATE = ((0.18, 0.02), (0.33, 0.02), (0.61, 0.03), (0.87, 0.03), (1.58, 0.01))
TABLE3_TEST_ERROR = ((0.78, 0.11), (0.64, 0.08), (0.51, 0.04), (0.39, 0.05), (0.26, 0.10))
TABLE3_TEST_ERROR_AS_TYPESET = ("0.78 ± .11", "0.64 ± .08", "0.51 ± 04", "0.39 ± .05", "0.26 ± 0.10")

# ---------------------------------------------------------- Figs. 4-6 (Sec. 4, App. C.3)
NEURON_D = 2
NEURON_TASKS = 4
NEURON_HARD_VARIANCE = 0.5  # Σ = 0.5 I_2 for hard tasks
NEURON_EASY_VARIANCE = 1.0  # Σ = I_2 for easy tasks
NEURON_NAL_SAMPLES = 500  # n = 500 for NAL
NEURON_N1 = 20
NEURON_TAU = 25
NEURON_N2 = {"softplus": 250, "sigmoid": 80}  # n2 = m
NEURON_AXIS = (-2.0, 2.0)

# ---------------------------------------------------------------------- Fig. 7 (App. C.2)
LOGISTIC_TASKS = 2
LOGISTIC_D = 10
LOGISTIC_M = 500  # "analogous setting to m = 500 column in Figure 2"
LOGISTIC_EASY_CONVEXITY = 1.0
