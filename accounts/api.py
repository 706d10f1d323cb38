"""The token endpoint, with django-axes' lockout answered as such.

DRF's `obtain_auth_token` authenticates inside a serializer: axes counts the failures and refuses a
locked account, but Django's `authenticate()` swallows axes' refusal and the view answers 400
“invalid credentials”, and axes' middleware never sees the flag (it is set on DRF's request). Here
a refused attempt on a locked account answers 429 with the lockout message, like the login page.
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


def lockout_message(request) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return "登录失败次数过多，账号已锁定，请联系安全管理员解除锁定。"
    minutes = math.ceil(cool_off.total_seconds() / 60)
    return f"登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试或联系安全管理员解除锁定。"


class BoundedAuthTokenSerializer(AuthTokenSerializer):
    # Field bounds (issue 12): a username is at most 150 characters (the user model's), a password 4096.
    username = serializers.CharField(label="用户名", max_length=150, write_only=True)
    password = serializers.CharField(
        label="密码", max_length=4096, style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )


class TokenLoginView(ObtainAuthToken):
    serializer_class = BoundedAuthTokenSerializer

    @extend_schema(
        responses={
            200: OpenApiResponse(description='`{"token": …}`'),
            400: OpenApiResponse(description="用户名或密码不正确"),
            429: OpenApiResponse(description="登录失败次数过多，账号已锁定"),
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            username = request.data.get("username") if hasattr(request.data, "get") else None
            if username and AxesProxyHandler.is_locked(request._request, {"username": username}):
                return Response(
                    {"message": lockout_message(request._request), "errors": {}},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
