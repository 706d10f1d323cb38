"""Counting sources of proposals for the performance assessment (assessment.engine).

Imported by `ProposalsConfig.ready()`: filed proposals by their lead proposer (all, key, excellent) and
confirmed co-signatures of filed proposals, by the year they were filed.
"""

from decimal import Decimal

from django.db.models import Count, Q

from assessment.engine import per_member, source

from .models import CoSigner, Proposal


def _proposals_led(year, member_ids, extra: Q | None = None):
    qs = Proposal.objects.filter(filed_at__year=year, number__isnull=False, lead_proposer__isnull=False)
    if extra is not None:
        qs = qs.filter(extra)
    if member_ids is not None:
        qs = qs.filter(lead_proposer_id__in=member_ids)
    return {r["lead_proposer_id"]: Decimal(r["n"]) for r in qs.values("lead_proposer_id").annotate(n=Count("id"))}


@source("proposal_lead", "立案提案（第一提案人）")
def proposal_lead(year, params, member_ids):
    return _proposals_led(year, member_ids)


@source("proposal_key", "重点提案（第一提案人）")
def proposal_key(year, params, member_ids):
    return _proposals_led(year, member_ids, Q(is_key=True))


@source("proposal_excellent", "优秀提案（第一提案人）")
def proposal_excellent(year, params, member_ids):
    return _proposals_led(year, member_ids, Q(is_excellent=True))


@source("proposal_cosign", "立案提案（附议）")
def proposal_cosign(year, params, member_ids):
    qs = CoSigner.objects.filter(
        confirmed_at__isnull=False, proposal__filed_at__year=year, proposal__number__isnull=False
    )
    if member_ids is not None:
        qs = qs.filter(member_id__in=member_ids)
    return per_member(qs, Count("id"))
