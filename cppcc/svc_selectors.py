"""Shapes the apps' selectors share: a list narrowed by its FilterSet, one row or a 404."""

from django.http import Http404


def filtered(queryset, filterset_class, filters):
    """`queryset` narrowed by `filters` through the list's FilterSet (the page's and the API's); None: all."""
    return queryset if filters is None else filterset_class(filters, queryset=queryset).qs


def get_or_404(queryset, message: str, **lookup):
    """The row of `queryset` (or a manager) that `lookup` names, or a 404 with `message` — also for a
    malformed id, which the database refuses with ValueError or TypeError."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None
