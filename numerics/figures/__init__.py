"""Regenerated figures and tables of Secs. 3-4 and App. C.1-C.3, one module per figure/table."""
