"""Rendering the ledger (the claims.json dict) as Markdown, LaTeX and the README summary."""
