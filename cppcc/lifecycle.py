"""The one lifecycle engine: every stateful record (proposal, opinion report, consultation plan, topic
and outcome, inspection, recommendation) declares its lifecycle here once, as data.

A `Lifecycle` is a table of `Transition`s — the states an action starts from, the state it leads to,
the roles that may take it, the scope predicate that picks the role holders who may act on this very
record, and the payload serializer and service that carry it out. From that one table the engine gives:

- `allowed(user, obj)`: the actions the user may take now (the buttons of the page and the
  `allowed_actions` of the API both come from here, never re-derived in a view);
- `blocked(user, obj)`: the actions role, scope and state would allow but that must wait, each with its
  reason ("会办单位区卫健委尚未提出会办意见，收到后可答复。") — the pages and the API show it, so a step that
  cannot be taken yet explains itself and says who must act first;
- `check(actor, obj, name)`: what a service calls under its row lock — role (403), scope (403),
  state (409), then the blocking reason (409), in that order;
- `perform(name, actor=, obj=, data=)`: the one entry of the API and the pages — `check` first (a
  wrong role, scope or state is refused before any payload error), the payload validated (400
  naming the fields in Chinese), then the service, which locks the row, calls `check` again,
  writes and calls `record`;
- `record(...)` / `move(...)`: the event row of the timeline and the domain event. Every event is
  sent to `event_recorded` inside the transaction (the security log writes its row there) and to
  `event_committed` once the transaction commits (notifications and to-do counts build on it).

Two adapters expose a lifecycle: `LifecycleActionsMixin` generates one documented
`POST /{id}/{action}/` per transition on a DRF viewset, and `run_action()` runs one from a page,
turning a refusal into the same words as a flash message (`error_text()`, the mirror of the API's
exception handler).

Adding a lifecycle: see docs/architecture.md ("How to add a lifecycle").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.dispatch import Signal
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .errors import ApplicationError, Conflict, PermissionDenied
from .roles import has_role

# Sent with `event=DomainEvent(...)`: inside the transaction (audit) and after it commits (notices).
event_recorded = Signal()
event_committed = Signal()

ANY = "any"


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """What happened: who took which action on which record, and the states before and after."""

    lifecycle: str
    action: str
    actor: Any
    obj: Any
    from_state: str
    to_state: str
    note: str = ""
    row: Any = None  # the timeline's event row


@dataclasses.dataclass(frozen=True)
class Todo:
    """How a lifecycle's waiting work is found and shown (the to-do centre and hand-off notices):

    records(user, states): the records in `states` the user may see (their app's scoped selector),
        fetched with what `allowed()` reads, oldest work first;
    url(obj): the page where the work is done;
    audience(obj): the users who may be concerned with the record (its author, units, the office…):
        the hand-off notice goes to those of them who have a to-do on it after the event;
    due(user, obj): the user's deadline for it (a date) or None;
    title(obj): its name in a list (default: str(obj));
    label(user, obj, transition): the words of the work when they depend on the user's part in the record
        (a co-unit's reply is its opinion: "提出会办意见"); default: the transition's `todo`."""

    records: Callable[[Any, set[str]], Iterable[Any]]
    url: Callable[[Any], str]
    audience: Callable[[Any], Iterable[Any]]
    due: Callable[[Any, Any], Any] | None = None
    title: Callable[[Any], str] = str
    label: Callable[[Any, Any, Any], str] | None = None


@dataclasses.dataclass(frozen=True)
class TodoItem:
    """One record waiting for a user: what to do (`label`, the first of the user's to-do actions) and
    where, with the user's deadline."""

    lifecycle: str
    noun: str
    pk: int
    title: str
    label: str
    actions: tuple[str, ...]
    state: str
    state_display: str
    url: str
    due: Any = None

    def overdue(self, today) -> bool:
        return self.due is not None and self.due < today

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (0 on the day, local time), None without one or once overdue."""
        from django.utils import timezone

        today = timezone.localdate()
        if self.due is None or self.due < today:
            return None
        return (self.due - today).days


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which of a role's holders may act on this record (the proposer, the unit it is assigned to…).
    `test(user, obj)` decides; `message` is the 403's text when it says no."""

    test: Callable[[Any, Any], bool]
    message: str


class EmptyPayload(serializers.Serializer):
    pass


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None = None  # None: the state stays, or the service decides
    roles: tuple[str, ...] = ()
    scope: str = ANY
    payload: type[serializers.Serializer] = EmptyPayload
    # The service that carries it out, called as service(actor=, <obj_arg>=obj, **payload): a callable,
    # or the name of a function in the lifecycle's services module (resolved on first use, so the
    # declaration does not import the services that themselves read the declaration).
    service: Callable | str | None = None
    success: str = "操作已完成。"
    # Work waiting for someone: the to-do item's words ("审查提案") when this action is offered to a user,
    # and the roles that have it as a to-do (default: `roles`; e.g. the office may record a member's
    # feedback, but waiting feedback is the member's to-do). "" — not a to-do (e.g. flags, withdraw).
    todo: str = ""
    todo_roles: tuple[str, ...] = ()


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, (list, tuple)):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def labelled_errors(errors, fields) -> str:
    """Field errors with the payload's labels ("反馈内容：该字段是必填项。")."""
    if not isinstance(errors, dict):
        return "；".join(_flatten(errors))
    parts = []
    for key, value in errors.items():
        field = fields.get(key)
        text = "".join(_flatten(value))
        parts.append(f"{field.label}：{text}" if field is not None and field.label else text)
    return "；".join(parts)


def error_text(exc) -> str:
    """The message a page shows for a refusal — the same words the API answers with."""
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(_flatten(exc.detail))
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


def plain_payload(serializer_class, data) -> dict:
    """Form data (a QueryDict) as a plain dict: many-valued fields as lists, the rest as their last
    value, empty file inputs dropped, empty inputs of nullable fields null. DRF reads a QueryDict as
    an HTML form and takes every boolean the form does not send as False — which would give a
    leader's flags form an `is_excellent` it may not set, or turn a missing `approve` into a refusal."""
    if not hasattr(data, "lists"):
        return data
    fields = serializer_class().fields
    many_types = (serializers.ManyRelatedField, serializers.ListField, serializers.MultipleChoiceField)
    many = {key for key, field in fields.items() if isinstance(field, many_types)}
    files = {key for key, field in fields.items() if isinstance(field, serializers.FileField)}
    # As DRF reads a form: an empty input of a nullable field that takes no blank is null.
    nulls = {key for key, field in fields.items() if field.allow_null and not getattr(field, "allow_blank", False)}
    return {
        key: (values if key in many else None if key in nulls and values[-1] == "" else values[-1])
        for key, values in data.lists()
        if key not in ("csrfmiddlewaretoken", "next") and not (key in files and values[-1] in ("", None))
    }


def validated(serializer_class, data) -> dict:
    """The payload's validated data, or a 400 whose message names the fields in Chinese, so a page
    can show it as it is and the API answers the same words with the field errors."""
    serializer = serializer_class(data=plain_payload(serializer_class, data))
    if serializer.is_valid():
        return serializer.validated_data
    text = labelled_errors(serializer.errors, serializer.fields)
    raise ApplicationError("提交的数据有误：" + text, errors=serializer.errors)


class Lifecycle:
    """One record kind's lifecycle. Declared once per kind, in its app's `workflow.py`."""

    registry: dict[str, Lifecycle] = {}

    def __init__(
        self,
        name: str,
        *,
        noun: str,
        transitions: Iterable[Transition],
        services: str,
        scopes: dict[str, Scope] | None = None,
        offered: Callable[[Any, Any, str], bool] | None = None,
        blocked: Callable[[Any, Any, str], str] | None = None,
        extra_actions: Callable[[Any, Any], list[str]] | None = None,
        event: Callable[..., Any] | None = None,
        state_attr: str = "state",
        obj_arg: str = "obj",
        denied: str | None = None,
        conflict: str | None = None,
        todo: Todo | None = None,
        hands_on: Callable[[Any], Iterable[tuple[str, Any]]] | None = None,
    ):
        """
        name: the key of the lifecycle ("proposal"); noun: its Chinese name in messages ("提案").
        services: the module with the service functions named by the transitions; each is called as
            service(actor=, <obj_arg>=obj, **validated payload).
        scopes: name → Scope, for the transitions whose `scope` is not "any".
        offered(user, obj, name): further conditions under which an allowed action is offered (e.g.
            a unit signs only what it has not signed); the services refuse the rest with 409/400.
        blocked(user, obj, name): why an action that role, scope, state and `offered` allow cannot be taken
            yet — "" when it can. Someone else must act first (the co-units' opinions before the lead
            unit's reply; every recommendation answered before closing) or a time has not come or has
            passed. A blocked action is not offered; `blocked()` lists it with the reason for the page and
            the API, and `check()` refuses it with the reason (409).
        extra_actions(user, obj): names that are not transitions but belong to the buttons and the
            API's `allowed_actions` (e.g. "update" of an editable draft), put in front.
        event(obj, **fields): creates the timeline's event row for `record` (returns it).
        denied: the 403 text of a wrong role ("您的角色无权对{noun}进行“{label}”操作。").
        conflict: the 409 text of a wrong state ("{noun}当前状态为“{state}”，不能{label}。").
        todo: how its waiting work is found (`Todo`), for the transitions declared with `todo=`.
        hands_on(obj): the other records (lifecycle name, record) whose work a step of this one may start
            or finish — a topic's reported outcome waits for a leader, an outcome's last feedback lets
            the office close its topic: the hand-off notices look there too.
        """
        self.name = name
        self.noun = noun
        self.transitions: dict[str, Transition] = {t.name: t for t in transitions}
        self.services = services
        self.scopes = scopes or {}
        self.offered = offered
        self.blocking = blocked
        self.extra_actions = extra_actions
        self.event = event
        self.state_attr = state_attr
        self.obj_arg = obj_arg
        self.denied = denied or "您的角色无权对{noun}进行“{label}”操作。"
        self.conflict = conflict or "{noun}当前状态为“{state}”，不能{label}。"
        self.todo = todo
        self.hands_on = hands_on
        unknown = {t.scope for t in self.transitions.values()} - {ANY} - set(self.scopes)
        if unknown:
            raise ValueError(f"{name}: undeclared scopes {sorted(unknown)}")
        Lifecycle.registry[name] = self

    def __repr__(self):
        return f"<Lifecycle {self.name}>"

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __contains__(self, name: str) -> bool:
        return name in self.transitions

    def __iter__(self):
        return iter(self.transitions.values())

    def labels(self, prefix: str = "") -> dict[str, str]:
        return {name: f"{prefix}{t.label}" for name, t in self.transitions.items()}

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_attr)

    def state_display(self, obj) -> str:
        display = getattr(obj, f"get_{self.state_attr}_display", None)
        return display() if display else self.state_of(obj)

    # --- rules ------------------------------------------------------------------------------------

    def in_scope(self, user, obj, transition: Transition) -> bool:
        return transition.scope == ANY or self.scopes[transition.scope].test(user, obj)

    def _open(self, user, obj) -> list[str]:
        """The actions role, scope, state and the offering conditions allow, blocked or not."""
        state = self.state_of(obj)
        return [
            name
            for name, t in self.transitions.items()
            if state in t.sources
            and has_role(user, *t.roles)
            and self.in_scope(user, obj, t)
            and (self.offered is None or self.offered(user, obj, name))
        ]

    def _reason(self, user, obj, name: str) -> str:
        return self.blocking(user, obj, name) if self.blocking is not None else ""

    def allowed(self, user, obj) -> list[str]:
        """The actions `user` may take on `obj` now: role, scope, state, the offering conditions and
        nothing blocking — the rules the services enforce. For one record at a time (a detail page, an
        API detail)."""
        names = [name for name in self._open(user, obj) if not self._reason(user, obj, name)]
        if self.extra_actions is not None:
            names = [*self.extra_actions(user, obj), *names]
        return names

    def blocked(self, user, obj) -> list[tuple[Transition, str]]:
        """The actions `user` would have on `obj` but that must wait, each with the reason (who must act
        first, or the date): what the page and the API show instead of a button."""
        if self.blocking is None:
            return []
        return [
            (self.transitions[name], reason)
            for name in self._open(user, obj)
            if (reason := self._reason(user, obj, name))
        ]

    # --- waiting work ---------------------------------------------------------------------------

    def _todo_roles(self, transition: Transition) -> tuple[str, ...]:
        return transition.todo_roles or transition.roles

    def todo_actions(self, user, obj) -> list[Transition]:
        """The user's to-do transitions on `obj`: those `allowed()` offers now and declared `todo` for
        one of the user's roles."""
        return [
            t
            for name in self.allowed(user, obj)
            if (t := self.transitions.get(name)) is not None and t.todo and has_role(user, *self._todo_roles(t))
        ]

    def todo_items(self, user) -> list[TodoItem]:
        """Every record of this lifecycle waiting for `user` — from `allowed()`, no second rulebook."""
        if self.todo is None:
            return []
        mine = [t for t in self.transitions.values() if t.todo and has_role(user, *self._todo_roles(t))]
        states = {state for t in mine for state in t.sources}
        if not states:
            return []
        items = []
        for obj in self.todo.records(user, states):
            actions = self.todo_actions(user, obj)
            if actions:
                items.append(
                    TodoItem(
                        lifecycle=self.name,
                        noun=self.noun,
                        pk=obj.pk,
                        title=self.todo.title(obj),
                        label=self.todo_label(user, obj, actions[0]),
                        actions=tuple(t.name for t in actions),
                        state=self.state_of(obj),
                        state_display=self.state_display(obj),
                        url=self.todo.url(obj),
                        due=self.todo.due(user, obj) if self.todo.due else None,
                    )
                )
        return items

    def handed_on(self, obj) -> list[tuple[Lifecycle, Any]]:
        """The records a step on `obj` may hand work on to, with their lifecycles (`hands_on`)."""
        if self.hands_on is None:
            return []
        return [(Lifecycle.registry[name], record) for name, record in self.hands_on(obj) if record is not None]

    def follow_up_item(self, obj, label: str, due=None, title: str | None = None) -> TodoItem:
        """A follow-up on one of this lifecycle's records (`follow_up`): no action, the record's page."""
        return TodoItem(
            lifecycle=self.name,
            noun=self.noun,
            pk=obj.pk,
            title=title or self.todo.title(obj),
            label=label,
            actions=(),
            state=self.state_of(obj),
            state_display=self.state_display(obj),
            url=self.todo.url(obj),
            due=due,
        )

    def todo_label(self, user, obj, transition: Transition) -> str:
        """What `user` is to do (`Todo.label`, else the transition's `todo`)."""
        if self.todo is not None and self.todo.label is not None:
            return self.todo.label(user, obj, transition)
        return transition.todo

    def next_actors(self, obj) -> list[tuple[Any, str]]:
        """The users of the record's audience who have a to-do on it now, each with the words of their
        first to-do: whom a hand-off notice goes to. Anyone else — in particular whoever may not see the
        record — is never among them, `allowed()` deciding by role and scope."""
        if self.todo is None:
            return []
        actors = []
        for user in self.todo.audience(obj):
            actions = self.todo_actions(user, obj)
            if actions:
                actors.append((user, self.todo_label(user, obj, actions[0])))
        return actors

    def check_role(self, actor, name: str) -> Transition:
        if name not in self.transitions:
            raise ApplicationError(f"未知的操作：{name}")
        transition = self.transitions[name]
        if not has_role(actor, *transition.roles):
            raise PermissionDenied(self.denied.format(noun=self.noun, label=transition.label))
        return transition

    def check(self, actor, obj, name: str) -> Transition:
        """Role, then scope, then state, then what blocks it — answered 403, 403, 409, 409 (with the
        blocking reason). Called by the services on the locked row."""
        transition = self.check_role(actor, name)
        if not self.in_scope(actor, obj, transition):
            raise PermissionDenied(self.scopes[transition.scope].message.format(label=transition.label))
        if self.state_of(obj) not in transition.sources:
            raise Conflict(self.conflict.format(noun=self.noun, state=self.state_display(obj), label=transition.label))
        reason = self._reason(actor, obj, name)
        if reason:
            raise Conflict(reason)
        return transition

    # --- running ----------------------------------------------------------------------------------

    def service(self, name: str) -> Callable:
        service = self.transitions[name].service or name
        if isinstance(service, str):
            service = getattr(import_module(self.services), service)
        return service

    def perform(self, name: str, *, actor, obj, data=None):
        """Run one transition for the API or a page: role, scope and state (403, 403, 409) before the
        payload (400), then the service, which checks them again on its locked row."""
        transition = self.check(actor, obj, name)
        payload = validated(transition.payload, data if data is not None else {})
        return self.service(name)(actor=actor, **{self.obj_arg: obj}, **payload)

    # --- recording --------------------------------------------------------------------------------

    def record(self, obj, *, actor, action: str, from_state: str = "", to_state: str = "", note: str = "",
               data: dict | None = None, **columns):  # fmt: skip
        """Write the timeline's event row (`columns`: the event model's own columns, e.g. the unit;
        `data`: its JSON details) and send the domain event (now, and again on commit)."""
        row = None
        if self.event is not None:
            row = self.event(obj, actor=actor, action=action, from_state=from_state or "", to_state=to_state or "",
                             note=note or "", data=data or {}, **columns)  # fmt: skip
        emit(self.name, action=action, actor=actor, obj=obj, from_state=from_state or "", to_state=to_state or "",
             note=note or "", row=row)  # fmt: skip
        return row

    def move(self, obj, *, actor, action: str, to_state: str | None = None, note: str = "", data: dict | None = None,
             save: bool = True, **columns):  # fmt: skip
        """Put `obj` in `to_state` (None: it stays), save it and record the event."""
        from_state = self.state_of(obj)
        if to_state:
            setattr(obj, self.state_attr, to_state)
        if save:
            obj.save()
        self.record(obj, actor=actor, action=action, from_state=from_state, to_state=self.state_of(obj), note=note,
                    data=data, **columns)  # fmt: skip
        return obj


def emit(lifecycle: str, **kwargs) -> DomainEvent:
    """Send a domain event: to `event_recorded` now, to `event_committed` once the transaction commits."""
    event = DomainEvent(lifecycle=lifecycle, **kwargs)
    event_recorded.send(sender=Lifecycle, event=event)
    transaction.on_commit(lambda: event_committed.send(sender=Lifecycle, event=event))
    return event


def lifecycles() -> list[Lifecycle]:
    """Every declared lifecycle: each installed app's `workflow` module is imported first (Django's
    autodiscovery, once), so that none is missing because no page of its app has been loaded yet."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("workflow")
    return list(Lifecycle.registry.values())


def lifecycle_named(name: str) -> Lifecycle | None:
    lifecycles()
    return Lifecycle.registry.get(name)


_FOLLOW_UPS: list[tuple[tuple[str, ...], Callable[[Any], Iterable[TodoItem]]]] = []


def follow_up(*roles: str):
    """Register work that waits for the holders of `roles` without being a step of a lifecycle: a
    leader's key proposals to supervise, the office's overdue answers to chase, an activity open for a
    member's sign-up. The decorated `provider(user)` gives that user's items (scoped as the app's
    selectors scope them; `actions` empty; `Lifecycle.follow_up_item` builds one). Declared in an app's
    `workflow` module, next to its lifecycles."""

    def register(provider: Callable[[Any], Iterable[TodoItem]]):
        _FOLLOW_UPS.append((roles, provider))
        return provider

    return register


def todo_items(user) -> list[TodoItem]:
    """Everything waiting for `user`: the steps of every lifecycle offered to them, then the follow-ups
    of records on which they have no step; the earliest deadline first (undated work after the dated,
    oldest first within each lifecycle as its `records` gives it)."""
    items = [item for lifecycle in lifecycles() for item in lifecycle.todo_items(user)]
    steps = {(item.lifecycle, item.pk) for item in items}
    items += [
        item
        for roles, provider in _FOLLOW_UPS
        if has_role(user, *roles)
        for item in provider(user)
        if (item.lifecycle, item.pk) not in steps
    ]
    return sorted(items, key=lambda item: (item.due is None, item.due or 0))


# --- the page adapter ---------------------------------------------------------------------------------


def run(request, fn: Callable[[], Any], success: str | Callable[[Any], str]) -> bool:
    """Call a service from a page; show its success or its refusal as a flash message. True when it
    succeeded. `success` is the message, or a function of what the service returned (a message that
    names the outcome, e.g. the number a proposal was filed under)."""
    try:
        result = fn()
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def run_action(request, lifecycle: Lifecycle, name: str, obj, data=None,
               success: str | Callable[[Any], str] | None = None) -> bool:  # fmt: skip
    """Run one transition from a page through `run`; `success` defaults to the transition's own
    message. A name that is not a transition is refused like the API refuses it."""
    return run(
        request,
        lambda: lifecycle.perform(name, actor=request.user, obj=obj, data=request.POST if data is None else data),
        success if success is not None else lifecycle[name].success if name in lifecycle else "",
    )


# --- the API adapter ----------------------------------------------------------------------------------


class LifecycleActionsMixin:
    """Gives a DRF viewset one `POST /{id}/{action}/` per transition of `lifecycle`, documented with
    its payload, answering the record as `action_response` (the viewset's `_detail(pk)`).

    The viewset sets `lifecycle` and `action_response_serializer` (by default its `serializer_class`: the record
    as `_detail` answers it), provides `get_object()` (scoped:
    404 outside the user's scope) and `_detail(pk)`; a record that leaves the actor's scope through
    the action (sent back to draft, returned by the unit) answers its id and new state only.
    """

    lifecycle: Lifecycle
    action_response_serializer = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        lifecycle = cls.__dict__.get("lifecycle")
        if lifecycle is None:
            return
        response = cls.action_response_serializer or getattr(cls, "serializer_class", None)
        for name in lifecycle.transitions:
            if name not in cls.__dict__:
                setattr(cls, name, _action_view(lifecycle, name, response))

    def run_transition(self, name: str):
        obj = self.get_object()
        self.lifecycle.perform(name, actor=self.request.user, obj=obj, data=self.request.data)
        try:
            return self._detail(obj.pk)
        except Http404:
            obj.refresh_from_db(fields=[self.lifecycle.state_attr])
            return Response(
                {
                    "id": obj.pk,
                    "state": self.lifecycle.state_of(obj),
                    "state_display": self.lifecycle.state_display(obj),
                    "message": f"操作已完成，该{self.lifecycle.noun}已不在您的可见范围内。",
                }
            )


# `allowed_actions` of a record's detail: `lifecycle.allowed(user, obj)` for the requesting user, the same list
# the page's buttons come from; the serializer sets `lifecycle`. (A comment, not a docstring: drf-spectacular
# would show a docstring as the description of every detail schema.)
# `blocked_actions`: the actions that must wait, with the reason (`lifecycle.blocked`), as the page shows them.
class BlockedActionSerializer(serializers.Serializer):
    action = serializers.CharField(label="操作")
    label = serializers.CharField(label="操作名称")
    reason = serializers.CharField(label="暂不能操作的原因")


class AllowedActionsMixin(serializers.Serializer):
    lifecycle: Lifecycle
    allowed_actions = serializers.SerializerMethodField()
    blocked_actions = serializers.SerializerMethodField()

    def get_allowed_actions(self, obj) -> list[str]:
        return self.lifecycle.allowed(self.context["request"].user, obj)

    @extend_schema_field(BlockedActionSerializer(many=True))
    def get_blocked_actions(self, obj) -> list[dict]:
        return [
            {"action": t.name, "label": t.label, "reason": reason}
            for t, reason in self.lifecycle.blocked(self.context["request"].user, obj)
        ]


def _action_view(lifecycle: Lifecycle, name: str, response_serializer):
    from drf_spectacular.utils import OpenApiResponse, extend_schema
    from rest_framework.decorators import action

    noun = lifecycle.noun
    # extend_schema goes on the outside of @action: applied inside, @action would drop it.
    schema = extend_schema(
        request=lifecycle[name].payload,
        responses={
            200: response_serializer,
            400: OpenApiResponse(description="请求数据有误"),
            403: OpenApiResponse(description="角色无权进行此操作"),
            404: OpenApiResponse(description=f"{noun}不存在或不在可见范围"),
            409: OpenApiResponse(description=f"{noun}当前状态不允许此操作"),
        },
        summary=lifecycle[name].label,
    )

    def view(self, request, pk=None):
        return self.run_transition(name)

    view.__name__ = name
    return schema(action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"))(view))
