"""Token authentication with expiring, hashed tokens (accounts/tokens.py) and the password rules
(the middleware sees only sessions)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import policy, tokens


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, but checked against `accounts.ApiToken`."""

    def authenticate_credentials(self, key):
        token = tokens.token_lookup(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已过期，请重新登录获取。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        reason = policy.change_reason(policy.password_state(token.user))
        if reason is not None:
            raise exceptions.PermissionDenied(policy.change_message(reason))
        return token.user, token
