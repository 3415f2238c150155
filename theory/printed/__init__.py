"""The paper's formulas as printed (typos included): data under test, one module per part of the paper."""
