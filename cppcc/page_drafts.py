"""The draft form page shared by the records a member writes and may submit at once (proposals, opinion
reports): one form for 保存 and 提交, saved through the app's service, then — if 提交 was pressed — moved on
by the lifecycle's `submit`, the same path as the API."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from rest_framework.exceptions import ValidationError

from .errors import ApplicationError
from .lifecycle import Lifecycle, error_text
from .roles import Role, has_role


def form_errors(form, exc: ApplicationError) -> None:
    """Put a service's refusal on the form: each field's errors on that field (on the form when it has no
    such field), and the message on the form unless a field of the form already explains it."""
    for field, errors in exc.errors.items():
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors or not any(field in form.fields for field in exc.errors):
        if exc.message not in form.non_field_errors():
            form.add_error(None, exc.message)


class DraftFormMixin:
    """The form of such a record: `people_field`, the members who sign with the author (a multiple choice,
    also the service's keyword), `lead_field`, the member the office writes for, and `attachments`."""

    people_field: str
    lead_field: str

    def choose_members(self, members, *, office: bool, user, size: int) -> None:
        """The members to choose from; the author is not among their own co-signers."""
        people = self.fields[self.people_field]
        people.queryset = members if office or user is None else members.exclude(user=user)
        people.widget.attrs["size"] = size
        if office:
            self.fields[self.lead_field].queryset = members

    def service_data(self) -> tuple[dict, list, list]:
        """(fields for the service, the people, uploads)."""
        data = dict(self.cleaned_data)
        people = list(data.pop(self.people_field, []) or [])
        files = list(data.pop("attachments", []) or [])
        return data, people, files


@dataclass(frozen=True)
class DraftFlow:
    """How one app's draft form page behaves. `create`/`update` are the app's services, called with the
    actor, the form's data, its people (under the form's `people_field`) and its files;
    `instance_name` is the keyword of the record for `update` and the form, and its name in the template;
    `submitted`/`saved` are messages with `{title}`; `submit_when` says whether a record just saved is
    still one that 提交 moves on."""

    lifecycle: Lifecycle
    create: Callable[..., Any]
    update: Callable[..., Any]
    form_class: type[DraftFormMixin]
    template: str
    instance_name: str
    edit_url: str
    detail_url: str
    submitted: str
    saved: str
    submit_when: Callable[[Any], bool] = lambda obj: True

    def page(self, request, *, title: str, instance=None):
        """The form page: a new record, or `instance` edited."""
        extra = {} if instance is None else {self.instance_name: instance}
        form = self.form_class(
            request.POST or None,
            request.FILES or None,
            office=has_role(request.user, Role.OFFICE),
            user=request.user,
            **extra,
            submitting="submit" in request.POST,
        )
        if request.method == "POST":
            service = self.create if instance is None else self.update
            response = self._save(
                request,
                form,
                lambda data, people, files: service(
                    actor=request.user, **extra, data=data, **{self.form_class.people_field: people}, files=files
                ),
            )
            if response:
                return response
        return render(request, self.template, {"form": form, "title": title, **extra})

    def _save(self, request, form, save):
        """Validate, save through the service, then submit if asked; None means: show the form again."""
        if not form.is_valid():
            return None
        data, people, files = form.service_data()
        try:
            obj = save(data, people, files)
        except ApplicationError as exc:
            form_errors(form, exc)
            return None
        if form.submitting and self.submit_when(obj):
            try:
                self.lifecycle.perform("submit", actor=request.user, obj=obj, data={})
            except (ApplicationError, ValidationError) as exc:
                messages.warning(request, f"草稿已保存，但未能提交：{error_text(exc)}")
                return redirect(self.edit_url, pk=obj.pk)
            messages.success(request, self.submitted.format(title=obj.title))
        else:
            messages.success(request, self.saved.format(title=obj.title))
        return redirect(self.detail_url, pk=obj.pk)
