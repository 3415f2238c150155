"""LaTeX math as one line of Unicode text, for the terminal (``show``, the end of ``verify``).

The route is the HTML ledger's: latex2mathml's MathML tree (:func:`mathml_tree`), read
back as text: ``\\frac{a+b}{2}`` becomes ``(a + b)/2``, ``\\rho_H^2`` becomes ``ρ_H²``,
``\\hat f_i`` becomes ``f̂_i``. Math that latex2mathml cannot convert stays LaTeX source.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from maml_landscape.report.mathml import mathml_tree

_SUPERSCRIPT = str.maketrans("0123456789+-−=()n⊤∗", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿᵀ*")
_SUPERSCRIPT_CHARS = set("0123456789+-−=()n⊤∗*′")
#: A fraction's part without parentheses: a number, or one symbol with its scripts.
_BARE_OPERAND = re.compile(r"\d+(\.\d+)?|\w(_\w+|_\([^()]*\))?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ*′]*")
_SPACED = set("=<>≤≥≈≪≫≠∈∉⊂⊆→⇒⇔↦∼≡∝+−±×")
_BIG = {"∑", "∏", "∫", "lim", "max", "min", "sup", "inf", "arg min", "arg max"}
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304", "―": "\u0305",
            "‾": "\u0305", "→": "\u20d7", "˙": "\u0307", "¨": "\u0308"}


def _atom(text: str) -> bool:
    """Whether ``text`` needs no parentheses as an operand (one symbol, or a name or number)."""
    return len(text) <= 1 or text.replace(".", "").isalnum() or (text[0] in "([{|‖" and text[-1] in ")]}|‖")


def _group(text: str) -> str:
    return text if _atom(text) else f"({text})"


def _big(base: str, scripted: str) -> str:
    """A sum, product or limit with its scripts, followed by a space before its operand."""
    return scripted + " " if base.strip().split("_", 1)[0] in _BIG else scripted


def _sub(base: str, script: str) -> str:
    return _big(base, f"{base.rstrip()}_{_group(''.join(script.split()))}")


def _sup(base: str, script: str) -> str:
    script, base = "".join(script.split()), base.rstrip()
    if script and set(script) <= _SUPERSCRIPT_CHARS:
        return _big(base, base + script.translate(_SUPERSCRIPT))
    if script == "T":
        return base + "ᵀ"
    return _big(base, f"{base}^{_group(script)}")


def _operand(text: str) -> str:
    text = text.strip()
    return text if _BARE_OPERAND.fullmatch(text) else f"({text})"


def _children(element: ET.Element) -> list[str]:
    return [_text(child) for child in element]


def _text(element: ET.Element) -> str:
    tag = element.tag
    kids = _children(element)
    if tag in ("mi", "mn", "mtext", "ms"):
        text = "".join(element.itertext())
        return f" {text}" if tag == "mi" and len(text) > 1 and text.isalpha() else text  # tr, log
    if tag == "mo":
        op = (element.text or "").strip()
        if op in _SPACED:
            return f" {op} "
        if len(op) > 1 and op.isalpha():  # an operator name: tr, inf, log
            return f" {op}"
        return f"{op} " if op in (",", ";") else op
    if tag == "mspace":
        return " "
    if tag == "msub" and len(kids) == 2:
        return _sub(*kids)
    if tag == "msup" and len(kids) == 2:
        return _sup(*kids)
    if tag == "msubsup" and len(kids) == 3:
        return _sup(_sub(kids[0], kids[1]).rstrip(), kids[2])
    if tag == "mfrac" and len(kids) == 2:
        return f"{_operand(kids[0])}/{_operand(kids[1])} "
    if tag == "msqrt":
        return f"√{_group(''.join(kids).strip())}"
    if tag == "mroot" and len(kids) == 2:
        return f"{_group(kids[1])}√{_group(kids[0])}"
    if tag == "mover" and len(kids) == 2:
        accent = _ACCENTS.get(kids[1].strip())
        return kids[0] + accent if accent and len(kids[0]) == 1 else _sup(kids[0], kids[1].strip())
    if tag in ("munder", "munderover") and len(kids) >= 2:
        under = _sub(kids[0], kids[1]).rstrip()
        return _sup(under, kids[2]) if len(kids) == 3 else _big(kids[0], under)
    if tag == "mtable":
        return "[" + "; ".join(", ".join(_children(row)) for row in element) + "]"
    return "".join(kids)


def math_text(latex: str) -> str:
    """``latex`` as one line of Unicode text; the LaTeX source when it cannot be converted.

    Example: ``math_text(r"\\frac{1}{2}\\|w\\|^2 \\le \\rho_H")`` is ``'1/2‖w‖² ≤ ρ_H'``.
    """
    root = mathml_tree(latex)
    if root is None:
        return latex
    return re.sub(r"\s+([)\]},;])", r"\1", " ".join(_text(root).split()))


def prose_text(text: str) -> str:
    """Markdown-with-math on the terminal: each ``$...$`` span as Unicode, the rest unchanged."""
    pieces = str(text).split("$")
    if len(pieces) % 2 == 0:  # unbalanced: no math in it (the LaTeX report's rule)
        return str(text)
    return "".join(piece if i % 2 == 0 else math_text(piece) for i, piece in enumerate(pieces))
