from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cppcc.errors import ApplicationError
from cppcc.roles import Role
from cppcc.routes import Routes
from cppcc.views_helpers import role_required, safe_next
from members import selectors as member_selectors

from . import policy, selectors, services, tokens
from .forms import MemberAccountForm, PasswordChangeForm, PasswordResetRequestForm, RolesForm, UnitAccountForm

route = Routes()

PAGE_SIZE = 30


@route("password/change/", name="password_change")
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.request.session.get(policy.SESSION_PASSWORD) or policy.password_state(self.request.user)
        reason = policy.change_reason(state)
        context.update(
            reason=reason,
            reason_message=policy.change_message(reason) if reason else "",
            expires_on=policy.expires_on(state),
            next=self._next(),
        )
        return context

    def _next(self) -> str:
        return safe_next(self.request)

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, keeps this session signed in
        policy.refresh_password_state(self.request.session, self.request.user)
        if self._next():
            messages.success(self.request, "密码已修改。")
            return redirect(self._next())
        return response


@route("password/change/done/", name="password_change_done")
class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def _page_error(request, form, exc: ApplicationError):
    placed = False
    for field, errors in exc.errors.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# --- security administrator: roles -----------------------------------------------------------------


@route("users/", name="users", roles=(Role.SECURITY,))
def user_list(request):
    query, role = request.GET.get("q", ""), request.GET.get("role", "")
    users = selectors.user_list(actor=request.user, query=query, role=role)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = selectors.locked_usernames(user.username for user in page)
    for user in page:
        user.is_locked = user.username in locked
        user.role_names = selectors.role_names(user)
        user.role_labels = [Role(name).label for name in user.role_names]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": query, "role": role, "roles": Role.choices, "query": params.urlencode()},
    )


@route("users/<int:pk>/roles/", name="user_roles", roles=(Role.SECURITY,), methods=("GET", "POST"))
def user_roles(request, pk):
    target = selectors.user_get(actor=request.user, pk=pk)
    if target.pk == request.user.pk:
        raise PermissionDenied("不能修改自己的角色和权限。")
    current = selectors.role_names(target)
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_roles(actor=request.user, user=target, roles=form.cleaned_data["roles"])
        except ApplicationError as exc:
            _page_error(request, form, exc)
        else:
            messages.success(request, f"已更新 {target.username} 的角色。")
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_roles.html",
        {"target": target, "form": form, "current": current},
    )


@route("users/<int:pk>/unlock/", name="user_unlock")
@role_required(Role.SECURITY)
@require_http_methods(["POST"])
def user_unlock(request, pk):
    target = selectors.user_get(actor=request.user, pk=pk)
    services.account_unlock(actor=request.user, user=target)
    messages.success(request, f"已解除 {target.username} 的登录锁定。")
    return redirect("accounts:users")


# --- office: opening accounts ----------------------------------------------------------------------


def _opened(request, user, password, back_url, back_label):
    response = render(
        request,
        "accounts/account_opened.html",
        {"account": user, "password": password, "back_url": back_url, "back_label": back_label},
    )
    response["Cache-Control"] = "no-store"
    return response


@route("open/member/<int:pk>/", name="member_open", roles=(Role.OFFICE,), methods=("GET", "POST"))
def member_account_open(request, pk):
    member = member_selectors.member_get(user=request.user, pk=pk)
    back = reverse("members:detail", args=[member.pk])
    if member.user_id is not None:
        messages.info(request, f"{member.name}已有登录账号（{member.user.username}）。")
        return redirect(back)
    form = MemberAccountForm(
        request.POST or None, initial={"username": services.suggest_username(member.name_pinyin or "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.account_open_for_member(
                actor=request.user, member=member, username=form.cleaned_data["username"]
            )
        except ApplicationError as exc:
            _page_error(request, form, exc)
        else:
            return _opened(request, user, password, back, f"返回{member.name}的档案")
    return render(request, "accounts/member_account_form.html", {"member": member, "form": form})


@route("open/unit/", name="unit_open", roles=(Role.OFFICE,), methods=("GET", "POST"))
def unit_account_open(request):
    initial = {}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = request.GET["unit"]
    form = UnitAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.account_open_for_unit(
                actor=request.user, unit=data["unit"], username=data["username"], full_name=data["full_name"]
            )
        except ApplicationError as exc:
            _page_error(request, form, exc)
        else:
            return _opened(request, user, password, reverse("accounts:unit_open"), "继续开通")
    return render(request, "accounts/unit_account_form.html", {"form": form})


# --- password reset by link (the holder only; 三员分立) -------------------------------------------------


@route("password/reset/", name="password_reset")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """忘记密码: the answer is the same whether or not the account exists or has an address."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_by_identifier(identifier=form.cleaned_data["identifier"])
        return redirect("accounts:password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


@route("password/reset/sent/", name="password_reset_done")
def password_reset_done(request):
    from django.conf import settings

    return render(request, "registration/password_reset_done.html", {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600})


@route("password/reset/<uidb64>/<token>/", name="password_reset_confirm")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's one-time link check (the token dies with the password it was made for and after
    PASSWORD_RESET_TIMEOUT); on success every other session and token of the holder ends."""

    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user)
        return response


@route("password/reset/complete/", name="password_reset_complete")
def password_reset_complete(request):
    return render(request, "registration/password_reset_complete.html")


# --- own API tokens and sign-outs -------------------------------------------------------------------


@route("tokens/", name="tokens")
@never_cache
@login_required
@require_http_methods(["GET"])
def token_list(request):
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": tokens.tokens_of(request.user),
            "idle_minutes": tokens.idle_timeout() // 60,
            "absolute_hours": tokens.absolute_timeout() // 3600,
        },
    )


@route("tokens/<int:pk>/revoke/", name="token_revoke")
@login_required
@require_http_methods(["POST"])
def token_revoke(request, pk):
    token = get_object_or_404(tokens.tokens_of(request.user), pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"已注销令牌 {token.prefix}…。")
    return redirect("accounts:tokens")


@route("logout-everywhere/", name="logout_everywhere")
@login_required
@require_http_methods(["POST"])
def logout_everywhere(request):
    result = services.logout_everywhere(actor=request.user)
    logout(request)
    messages.success(
        request, f"已退出所有登录：结束 {result['sessions']} 个会话，注销 {result['tokens']} 个 API 令牌。"
    )
    return redirect("login")
