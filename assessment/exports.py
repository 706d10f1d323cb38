"""The year's assessment as an .xlsx: sheet 1 every member (rank, group, sector, party, each category,
total, grade), sheet 2 the member groups ranked by average. Written by the one Excel writer
(cppcc/xlsx_stream.py), one row at a time."""

from cppcc.xlsx_stream import HEADER_STYLE, Workbook

from . import engine

# The header row wraps: category names can be long.
_HEADER_STYLE = {**HEADER_STYLE, "text_wrap": True}


def _number(value):
    return float(value) if value is not None else None


def _table(book: Workbook, title: str, headers: list[str], widths: list[int]):
    return book.table(title, list(zip(headers, widths, strict=True)), freeze_columns=2, header_style=_HEADER_STYLE)


def export_to_file(*, year: int, results: list, awards=()):
    """`results` from `engine.score(year=…)` (ranked); `awards` the year's AssessmentAward rows.
    Returns a rewound temporary .xlsx file."""
    categories = [c.name for c in results[0].categories] if results else []
    award_labels: dict[tuple, list[str]] = {}
    for award in awards:
        key = ("group", award.group_id) if award.group_id else ("member", award.member_id)
        award_labels.setdefault(key, []).append(award.get_kind_display())

    book = Workbook()
    headers = ["排名", "姓名", "委员组", "界别", "党派", *categories, "总分", "等次", "评选"]
    widths = [6, 10, 16, 20, 12, *[10] * len(categories), 8, 8, 16]
    _table(book, f"{year}年度委员履职考核", headers, widths).extend(
        [
            r.rank,
            r.member.name,
            r.member.group.name if r.member.group_id else "",
            r.member.sector.name,
            r.member.party.name,
            *[_number(c.score) for c in r.categories],
            _number(r.total),
            r.grade,
            "、".join(award_labels.get(("member", r.member.pk), [])),
        ]
        for r in results
    )
    _table(book, "委员组排名", ["排名", "委员组", "人数", "平均分", "评选"], [6, 18, 8, 10, 12]).extend(
        [
            row["rank"],
            row["group"].name,
            row["members"],
            _number(row["average"]),
            "、".join(award_labels.get(("group", row["group"].pk), [])),
        ]
        for row in engine.group_ranking(results)
    )
    return book.close()
