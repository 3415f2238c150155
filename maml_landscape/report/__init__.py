"""Rendering the ledger (the claims.json dict): Markdown, LaTeX (and its PDF), the HTML page,
the terminal (``show``, the end of ``verify``) and the README summary."""
