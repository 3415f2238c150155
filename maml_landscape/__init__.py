"""maml-landscape: a verification suite for "How does the task landscape affect MAML performance?".

Every checkable claim of the paper has a stable ID (``D.LEMMA2``, ``S32.COR1``, ...)
in :mod:`maml_landscape.claims`; checks in ``theory/``, ``numerics/`` and ``deep/``
compute evidence and a verdict for them; ``maml-landscape verify`` writes the ledger.
"""

__version__ = "0.1.0"
