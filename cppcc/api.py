"""Shared REST framework pieces: pagination, role permissions, the error format."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError
from .roles import has_role


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def role_permission(*read_roles: str, write_roles: tuple[str, ...] = ()):
    """A permission class: safe methods for `read_roles`, unsafe ones for `write_roles` only."""

    class RolePermission(permissions.BasePermission):
        message = "您的角色无权进行此操作。"

        def has_permission(self, request, view):
            if not request.user or not request.user.is_authenticated:
                return False
            if request.method in permissions.SAFE_METHODS:
                return has_role(request.user, *read_roles, *write_roles)
            return has_role(request.user, *write_roles)

    RolePermission.__name__ = f"RolePermission_{'_'.join(read_roles)}"
    return RolePermission


def action_roles(**actions: tuple[str, ...]):
    """A permission class: the named viewset actions, when they write, only for these roles.

    Checked before the body is read, so a role that may never take the action is refused (403) instead
    of being told what its body lacks (400); the services still decide scope and state.
    """

    class ActionRoles(permissions.BasePermission):
        message = "您的角色无权进行此操作。"

        def has_permission(self, request, view):
            roles = actions.get(getattr(view, "action", None) or "")
            if roles is None or request.method in permissions.SAFE_METHODS:
                return True
            return has_role(request.user, *roles)

    ActionRoles.__name__ = f"ActionRoles_{'_'.join(actions)}"
    return ActionRoles


def _message_from(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _message_from(value)
    if isinstance(detail, list) and detail:
        return _message_from(detail[0])
    return str(detail)


def exception_handler(exc, context):
    """Every API error answers `{"message": str, "errors": {field: [str]}}` with the right status."""
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该记录。")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = {"message": "提交的数据有误：" + _message_from(detail), "errors": errors}
    else:
        response.data = {"message": _message_from(detail), "errors": {}}
    return response
