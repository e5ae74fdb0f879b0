"""Text that is safe to store and to show in a terminal.

Any character a terminal would act on instead of print — C0 controls (an escape sequence,
a bell), DEL, C1 controls (U+0080–U+009F, among them the one-byte CSI U+009B) and the bidi
embedding, override and isolate marks (which reorder what follows them) — is replaced by a
visible placeholder, never silently dropped: on the way in (every editor, capture, import
and setting goes through `clean_text` or `clean_line`) and on the way out (`for_terminal`
on everything a command prints or writes for a terminal to show).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

# C0 controls get their own Control Pictures sign (ESC shows as ␛, BEL as ␇): the user sees
# which character it was. DEL has one too; C1 and bidi marks show as the replacement sign.
PLACEHOLDER = "\ufffd"
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_BIDI = "\u202a-\u202e\u2066-\u2069"
_C1 = "\x80-\x9f"

# Multi-line text keeps tabs and line feeds; a single line keeps neither.
_UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f{_C1}{_BIDI}]")
_UNSAFE_ANY = re.compile(f"[\x00-\x1f\x7f{_C1}{_BIDI}]")


def _placeholder(match: re.Match[str]) -> str:
    return _PICTURES.get(ord(match.group()), PLACEHOLDER)


def safe_text(text: str) -> str:
    """Multi-line text with line breaks normalised (CR LF and CR become LF), tabs and line
    feeds kept, every other unsafe character replaced by its placeholder."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_TEXT.sub(_placeholder, text)


def safe_line(text: str) -> str:
    """One line: tabs and line breaks become spaces, other unsafe characters placeholders."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _UNSAFE_ANY.sub(_placeholder, text)


def has_unsafe(text: str, *, multiline: bool = True) -> bool:
    """True when `text` holds a character that `safe_text` (or `safe_line`) would replace."""
    if multiline:
        return "\r" in text or _UNSAFE_TEXT.search(text) is not None
    return _UNSAFE_ANY.search(text) is not None


def for_terminal(text: str) -> str:
    """What a command prints: line feeds and tabs kept, anything a terminal would act on
    shown as its placeholder (text stored by an older version may still hold some)."""
    return _UNSAFE_TEXT.sub(_placeholder, text.replace("\r", _PICTURES[0x0D]))


def clean_text(value: Any) -> Any:
    """Pydantic before-validator for multi-line fields."""
    return safe_text(value) if isinstance(value, str) else value


def clean_line(value: Any) -> Any:
    """Pydantic before-validator for one-line fields (titles, names, owners)."""
    return safe_line(value) if isinstance(value, str) else value


CleanText = Annotated[str, BeforeValidator(clean_text)]
CleanLine = Annotated[str, BeforeValidator(clean_line)]
