"""deep checks: S5.OMNI, S5.CIFAR, H.HARDTRAIN and H.NONLINEAR from stored results (no torch).

Modules here register checks with @maml_landscape.registry.check.
"""
