"""Symbolic derivations (SymPy) of the paper's linear-regression results (Sections 2-4, Appendices A, B, D)."""
