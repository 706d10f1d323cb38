"""The token endpoint, the caller's own tokens, and logout everywhere.

DRF's `AuthTokenSerializer` authenticates: axes counts the failures and refuses a locked account,
but Django's `authenticate()` swallows axes' refusal and the serializer answers 400 “invalid
credentials”, and axes' middleware never sees the flag (it is set on DRF's request). Here a refused
attempt on a locked account answers 429 with the lockout message, like the login page.

Every call of the token endpoint issues a new token (a user may hold one per device or script);
tokens end by themselves (idle and absolute lifetimes, accounts/tokens.py).
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from securitylog.recorder import Action, record

from . import services, tokens
from .models import ApiToken


def lockout_message(request) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return "登录失败次数过多，账号已锁定，请联系安全管理员解除锁定。"
    minutes = math.ceil(cool_off.total_seconds() / 60)
    return f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试或联系安全管理员解除锁定。"


class BoundedAuthTokenSerializer(AuthTokenSerializer):
    # Field bounds: a username is at most 150 characters (the user model's), a password 4096.
    username = serializers.CharField(label="用户名", max_length=150, write_only=True)
    password = serializers.CharField(
        label="密码", max_length=4096, style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )


class TokenLoginView(APIView):
    """Sign in with username and password; answers a new token (shown once) and when it expires."""

    authentication_classes = ()
    permission_classes = ()
    serializer_class = BoundedAuthTokenSerializer

    @extend_schema(
        request=BoundedAuthTokenSerializer,
        responses={
            200: inline_serializer(
                "TokenIssued", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="用户名或密码不正确"),
            429: OpenApiResponse(description="登录失败次数过多，账号已锁定"),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = BoundedAuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            username = request.data.get("username") if hasattr(request.data, "get") else None
            # A username the serializer refused (not text, NUL, lone surrogates) is not looked up:
            # the database cannot even be asked about it, and no account has it.
            clean = isinstance(username, str) and "username" not in serializer.errors
            if username and clean and AxesProxyHandler.is_locked(request._request, {"username": username}):
                return Response(
                    {"message": lockout_message(request._request), "errors": {}},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            serializer.is_valid(raise_exception=True)
        agent = request.META.get("HTTP_USER_AGENT", "")
        token, key = tokens.token_issue(user=serializer.validated_data["user"], name=agent)
        # A login that does not go through `login()`, so no signal records it.
        record(Action.LOGIN, request=request._request, actor=token.user, detail={"via": "token", "token": token.prefix})
        return Response({"token": key, "expires_at": token.expires_at})


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="是否为本次请求所用的令牌")

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "name", "created_at", "last_used_at", "expires_at", "current"]

    def get_current(self, obj) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own live API tokens; DELETE revokes one. Another user's token id answers 404."""

    serializer_class = ApiTokenSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ApiToken.objects.none()
        return tokens.tokens_of(self.request.user)

    def perform_destroy(self, instance):
        services.token_revoke(actor=self.request.user, token=instance)


class LogoutEverywhereView(APIView):
    """End every session and every API token of the caller (this one included)."""

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "LoggedOutEverywhere", {"sessions": serializers.IntegerField(), "tokens": serializers.IntegerField()}
            )
        },
    )
    def post(self, request, *args, **kwargs):
        return Response(services.logout_everywhere(actor=request.user))
