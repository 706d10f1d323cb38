"""API tokens: issue, authenticate, revoke. The one place that knows how a token is kept.

A key is 40 random hex characters (as DRF's tokens were, so clients need no change); the database
holds its SHA-256 digest only. Idle and absolute lifetimes come from `API_TOKEN_IDLE_TIMEOUT` and
`API_TOKEN_ABSOLUTE_TIMEOUT` (default: the session rules). `last_used_at` is written at most once
per `LAST_USED_RESOLUTION` seconds, so an API call costs no write.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

LAST_USED_RESOLUTION = 60


def idle_timeout() -> int:
    return int(getattr(settings, "API_TOKEN_IDLE_TIMEOUT", settings.SESSION_IDLE_TIMEOUT))


def absolute_timeout() -> int:
    return int(getattr(settings, "API_TOKEN_ABSOLUTE_TIMEOUT", settings.SESSION_ABSOLUTE_TIMEOUT))


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def token_issue(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; the key is returned once and never stored."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        digest=digest(key),
        prefix=key[:8],
        name=(name or "")[:200],
        last_used_at=now,
        expires_at=now + dt.timedelta(seconds=absolute_timeout() or 100 * 365 * 86400),
    )
    return token, key


def is_alive(token: ApiToken, now=None) -> bool:
    now = now or timezone.now()
    if now >= token.expires_at:
        return False
    idle = idle_timeout()
    return not (idle and (now - token.last_used_at).total_seconds() > idle)


def token_lookup(key: str) -> ApiToken | None:
    """The live token of this key with its user and security record (one query), or None.

    A dead token found on the way is deleted. A live one has `last_used_at` moved on when it is
    older than LAST_USED_RESOLUTION seconds (one UPDATE a minute at most)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user", "user__security").filter(digest=digest(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if not is_alive(token, now):
        ApiToken.objects.filter(pk=token.pk).delete()
        return None
    if (now - token.last_used_at).total_seconds() >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(user):
    """The live tokens of `user`, newest first (dead ones are not shown)."""
    now = timezone.now()
    qs = ApiToken.objects.filter(user=user, expires_at__gt=now)
    idle = idle_timeout()
    if idle:
        qs = qs.filter(last_used_at__gte=now - dt.timedelta(seconds=idle))
    return qs.order_by("-created_at", "-id")


def revoke_all(user_or_pk) -> int:
    """Delete every token of a user; the number deleted."""
    pk = getattr(user_or_pk, "pk", user_or_pk)
    return ApiToken.objects.filter(user_id=pk).delete()[0]


def end_sessions(user, *, keep: str | None = None) -> int:
    """Delete the database sessions of `user` (all but the session key `keep`).

    Django keeps no index from users to sessions, so the live sessions are decoded one by one:
    a committee has hundreds of accounts and sessions last 12 hours, so this stays small."""
    ended = 0
    pk = str(user.pk)
    with transaction.atomic():
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.session_key == keep:
                continue
            if str(session.get_decoded().get("_auth_user_id")) == pk:
                session.delete()
                ended += 1
    return ended


def revoke_for_username(username: str) -> int:
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    return revoke_all(user) if user is not None else 0
