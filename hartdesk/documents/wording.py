"""The words of letters, the DPA and the report live in editable text files, not in code (SPEC.md §4).

A wording file (``resources/wording/NAME.txt``, or the same name in the agency's own folder, a setting) is plain
UTF-8 text:

- a line starting with ``# `` is a heading; a line starting with ``- `` is an item of a bulleted list;
- other lines are paragraphs, a blank line between two paragraphs;
- ``{placeholder}`` is replaced by a value from the register (escaped for the PDF); ``{{`` and ``}}`` are literal
  braces; a line starting with ``;`` is a comment for whoever edits the file.

Placeholders are checked when the file is loaded: an unknown one is a clear error naming the file and line, so a typo
in the agency's copy is found before a letter goes out with a hole in it.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hartdesk import paths
from hartdesk.errors import HartdeskError


class WordingError(HartdeskError):
    """A wording file that is missing or names a placeholder hartdesk does not know."""


@dataclass(frozen=True)
class Block:
    """One piece of a wording: "heading", "paragraph" or "item" (of a bulleted list)."""

    kind: str
    text: str  # with its placeholders, unescaped


@dataclass(frozen=True)
class Wording:
    name: str
    path: Path
    blocks: tuple[Block, ...]
    placeholders: frozenset[str]

    def fill(self, values: Mapping[str, str]) -> list[Block]:
        """The blocks with every placeholder replaced by plain text (the renderer escapes it)."""
        missing = sorted(self.placeholders - values.keys())
        if missing:
            raise WordingError(f"{self.path.name}: no value for {', '.join('{' + m + '}' for m in missing)}.")
        return [Block(b.kind, b.text.format_map(values)) for b in self.blocks]


def wording_dirs(own_folder: str = "") -> list[Path]:
    """Where wording files are looked for: the agency's own folder first (when set), then hartdesk's."""
    dirs = [Path(own_folder).expanduser()] if own_folder.strip() else []
    return [*dirs, paths.resources_dir() / "wording"]


def load(name: str, allowed: Iterable[str], own_folder: str = "") -> Wording:
    """Read wording ``name`` and check that it uses only the ``allowed`` placeholders."""
    path = next((d / f"{name}.txt" for d in wording_dirs(own_folder) if (d / f"{name}.txt").is_file()), None)
    if path is None:
        raise WordingError(f"The wording file {name}.txt is missing; reinstall hartdesk or copy it to your folder.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WordingError(f"The wording file {path} cannot be read: {exc}.") from None
    return parse(name, path, text, frozenset(allowed))


def parse(name: str, path: Path, text: str, allowed: frozenset[str]) -> Wording:
    blocks: list[Block] = []
    used: set[str] = set()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith(";"):
            continue
        for placeholder in _placeholders(line, path, number):
            if placeholder not in allowed:
                known = ", ".join("{" + a + "}" for a in sorted(allowed)) or "none"
                raise WordingError(
                    f"{path.name} line {number}: unknown placeholder {{{placeholder}}}. Placeholders hartdesk "
                    f"knows here: {known}."
                )
            used.add(placeholder)
        if not line:
            flush()
        elif line.startswith("# "):
            flush()
            blocks.append(Block("heading", line[2:].strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(Block("item", line[2:].strip()))
        else:
            paragraph.append(line)
    flush()
    return Wording(name, path, tuple(blocks), frozenset(used))


def _placeholders(line: str, path: Path, number: int) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(line))
    except ValueError:
        raise WordingError(
            f"{path.name} line {number}: a brace is not closed; write {{{{ or }}}} for a literal brace."
        ) from None
    found = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise WordingError(f"{path.name} line {number}: {{{field}}} is not a placeholder hartdesk understands.")
        found.append(field)
    return found
