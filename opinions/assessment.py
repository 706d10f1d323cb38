"""Counting sources of social-opinion reports for the performance assessment (assessment.engine).

Imported by `OpinionsConfig.ready()`. Each source is one aggregate query over `OpinionAuthor`,
so every author of a report counts: the lead author and the co-authors alike (a co-authored report is
the co-author's work too, as a co-signed proposal is). A scheme that credits only the lead author
sets the rule's params to `{"lead_only": true}`.

* `opinion_submitted` — reports submitted in the year (by `submitted_at`), withdrawn ones excepted;
* `opinion_adopted` — adoptions dated in the year, one per level a report was adopted at;
  `{"level": "city"}` or `{"levels": ["city", "province"]}` counts only those levels;
* `opinion_instructed` — reports with at least one leader's instruction dated in the year (several
  instructions on one report count once); `level`/`levels` as above, for the leader's level.
"""

from django.db.models import Count

from assessment.engine import per_member, source

from .models import OpinionAuthor, OpinionState


def _authors(params, member_ids, **filters):
    qs = OpinionAuthor.objects.filter(**filters)
    if params.get("lead_only"):
        qs = qs.filter(is_lead=True)
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    return qs


def _levels(params) -> list[str]:
    return list(params.get("levels") or ([params["level"]] if params.get("level") else []))


def _dated_at_levels(relation: str, year, params) -> dict:
    """Filters on a report's `relation` rows (adoptions, instructions): dated in the year, at the levels
    the rule names (any level when it names none)."""
    conditions = {f"report__{relation}__date__year": year}
    levels = _levels(params)
    if levels:
        conditions[f"report__{relation}__level__in"] = levels
    return conditions


@source("opinion_submitted", "提交社情民意信息")
def opinion_submitted(year, params, member_ids):
    qs = _authors(params, member_ids, report__submitted_at__year=year).exclude(report__state=OpinionState.WITHDRAWN)
    return per_member(qs, Count("id"))


@source("opinion_adopted", "社情民意信息被采用（每级一次）")
def opinion_adopted(year, params, member_ids):
    # One filter() call: the year and the level apply to the same adoption row, and each matching
    # adoption is one joined row — so Count("id") counts adoptions per author.
    qs = _authors(params, member_ids, **_dated_at_levels("adoptions", year, params))
    return per_member(qs, Count("id"))


@source("opinion_instructed", "社情民意信息获领导批示")
def opinion_instructed(year, params, member_ids):
    qs = _authors(params, member_ids, **_dated_at_levels("instructions", year, params))
    return per_member(qs, Count("report", distinct=True))
