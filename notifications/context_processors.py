def unread(request):
    """Unread count for the navigation badge (one COUNT query per page; the to-do badge is fetched by
    the page itself, see portal.views.todo_badge)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_count

    return {"unread_notifications": unread_count(user=user)}
