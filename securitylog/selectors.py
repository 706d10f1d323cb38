"""Reads of the security log: who may see it and the filtered list."""

from django.apps import apps
from django.db.models import QuerySet

from cppcc.roles import Role, has_role

from .filters import SecurityEventFilterSet
from .models import SecurityEvent

# The auditor reads the log; the security administrator too once that role exists.
READ_ROLES = tuple(role for role in (Role.AUDITOR, getattr(Role, "SECURITY", None)) if role)


def can_read(user) -> bool:
    return has_role(user, *READ_ROLES)


def event_filterset(*, user, filters) -> SecurityEventFilterSet:
    queryset = SecurityEvent.objects.all() if can_read(user) else SecurityEvent.objects.none()
    return SecurityEventFilterSet(filters, queryset=queryset)


def event_list(*, user, filters, filterset: SecurityEventFilterSet | None = None) -> QuerySet[SecurityEvent]:
    """The events matching `filters`; none at all when a filter is malformed (an export of "everything"
    because a date was mistyped would be the wrong answer)."""
    filterset = filterset or event_filterset(user=user, filters=filters)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def object_type_label(label: str) -> str:
    if not label:
        return ""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        pass
    # A model moved to another app keeps its table, and the log (append-only) keeps the old label.
    table = label.replace(".", "_")
    for model in apps.get_models():
        if model._meta.db_table == table:
            return str(model._meta.verbose_name)
    return label


def object_type_choices() -> list[tuple[str, str]]:
    labels = SecurityEvent.objects.exclude(object_type="").values_list("object_type", flat=True).distinct()
    return sorted(((label, object_type_label(label)) for label in labels), key=lambda item: item[1])
