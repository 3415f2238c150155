"""The one exception the deep experiments raise for missing or unreadable data."""

from __future__ import annotations


class DatasetError(Exception):
    """A dataset is missing, incomplete or corrupt; the message says what to download and where.

    The CLI turns it into one line on stderr and exit code 2.
    """
