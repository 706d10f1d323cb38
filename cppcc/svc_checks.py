"""Checks the apps' services share: the office-only guard and a required text field."""

from django.core.exceptions import ValidationError

from .errors import ApplicationError, PermissionDenied
from .roles import Role, has_role


def require_office(actor, what: str) -> None:
    """403 unless the actor is office staff; `what` names the act (“只有机关工作人员可以{what}。”)."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied(f"只有机关工作人员可以{what}。")


def require_text(value, field: str, message: str) -> str:
    """The value stripped; an empty one is a 400 with `message` on `field`."""
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, errors={field: [message]})
    return value


def require_choice(value, choices, field: str, message: str, field_message: str = ""):
    """The value when it is one of `choices`; otherwise a 400 with `message` (`field_message` on `field`)."""
    if value not in choices:
        raise ApplicationError(message, errors={field: [field_message or message]})
    return value


def require_valid(obj, what: str) -> None:
    """The model's own validation (`full_clean`) as a 400: “{what}信息有误：…” with each field's messages."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError(f"{what}信息有误：" + "；".join(exc.messages), errors=exc.message_dict) from exc
