"""PyTorch experiments: conv4 MAML and NAL on Omniglot and FS-CIFAR100 (Section 5, App. C.4-C.5).

Modules: data (:mod:`omniglot`, :mod:`cifar`, :mod:`pools`, :mod:`tasks`,
:mod:`hard_alphabets`, :mod:`data`), the network and objectives (:mod:`model`,
:mod:`meta`), runs (:mod:`config`, :mod:`plans`, :mod:`train`, :mod:`runner`,
:mod:`selection`), results (:mod:`results`, :mod:`intervals`, :mod:`paper_tables`) and
the ``maml-landscape deep`` command (:mod:`cli`). Only :mod:`model`, :mod:`meta`,
:mod:`train` and the handlers that train import torch; the ledger checks in
:mod:`checks` read stored results and never do.
"""
