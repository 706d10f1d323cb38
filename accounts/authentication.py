"""Token authentication that also applies the password rules (the middleware sees only sessions)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import policy


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            # The security record comes with the token's own query: no extra query per API call.
            token = model.objects.select_related("user", "user__security").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        reason = policy.change_reason(policy.password_state(token.user))
        if reason is not None:
            raise exceptions.PermissionDenied(policy.change_message(reason))
        return token.user, token
