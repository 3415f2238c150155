"""LaTeX math from the ledger as MathML, for the HTML ledger (Chromium renders MathML natively).

The conversion is latex2mathml's; its output is then parsed and checked, because
latex2mathml copies ``\\text{...}`` and stray characters through unescaped: a result that
is not well-formed XML, or that holds an element or attribute MathML does not have,
counts as not convertible. A formula that cannot be converted is ``None`` here, and
the caller shows its LaTeX source instead: a formula is never lost, and never crashes
a report.
"""

from __future__ import annotations

import copy
import functools
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

#: Every element latex2mathml writes (MathML Core and the few presentation extras it uses).
MATHML_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose merror mfenced mmultiscripts "
    "mprescripts none semantics annotation maligngroup malignmark mlabeledtr".split()
)


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _safe(root: ET.Element) -> bool:
    """Only MathML elements, and no attribute that could load or run anything."""
    for element in root.iter():
        if _tag(element) not in MATHML_ELEMENTS:
            return False
        if any(name.lower().startswith(("on", "href", "src", "{")) for name in element.attrib):
            return False
    return True


@functools.lru_cache(maxsize=8192)
def mathml_tree(latex: str) -> ET.Element | None:
    """The parsed MathML of ``latex`` (tags without namespace), or None when it cannot be converted."""
    try:
        root = ET.fromstring(convert(latex))
    except Exception:  # latex2mathml raises many kinds (its own, IndexError, ...) on bad input
        return None
    if not _safe(root):
        return None
    for element in root.iter():  # HTML puts <math> in the MathML namespace itself
        element.tag = _tag(element)
    return root


@functools.lru_cache(maxsize=8192)
def to_mathml(latex: str, display: bool = False) -> str | None:
    """``latex`` as a ``<math>`` element (``display="block"`` for a displayed formula), or None.

    Example: ``to_mathml("x^2")`` is ``'<math display="inline"><mrow><msup>...``.
    """
    root = mathml_tree(latex)
    if root is None:
        return None
    root = copy.copy(root)  # the cached tree stays as converted
    root.set("display", "block" if display else "inline")
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)
