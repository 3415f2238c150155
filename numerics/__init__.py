"""Numerical routes (NumPy): task environments, Monte Carlo, SGD, small networks."""
