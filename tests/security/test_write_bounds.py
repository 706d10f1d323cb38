"""Unbounded writes: every text a request can write is bounded, and a member files in the current term only.

- structural: every writable string property of every request body the OpenAPI schema documents (the
  ModelSerializers, the write serializers and the action payloads) and every text field of every form of
  the project carries a maximum length;
- behaviour: a 5 MB text answers 400 with a Chinese message on the API, a form error on the page;
- a member's draft names the current term and one of its sessions, nothing else (the office may enter an
  earlier term's proposals)."""

import functools

import pytest
from django import forms
from django.urls import get_resolver

from cppcc.limits import TEXT_MAX_LENGTH

# Strings that are not free text: the schema bounds them by their format or an enum.
NOT_TEXT_FORMATS = {"date", "date-time", "time", "binary", "uri", "uuid", "decimal", "duration"}


@functools.cache
def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _unbounded(schema: dict, where: str):
    if "allOf" in schema or "oneOf" in schema or "$ref" in schema or "enum" in schema or schema.get("readOnly"):
        return
    if schema.get("type") == "array":
        yield from _unbounded(schema.get("items", {}), where + "[]")
    elif schema.get("type") == "string" and schema.get("format") not in NOT_TEXT_FORMATS:
        if "maxLength" not in schema:
            yield where


def test_every_writable_api_text_is_bounded():
    components = _schema()["components"]["schemas"]
    requests = {name: c for name, c in components.items() if name.endswith("Request")}
    assert len(requests) > 20, "the schema documents request bodies separately (COMPONENT_SPLIT_REQUEST)"
    unbounded = [
        spot
        for name, component in requests.items()
        for field, prop in component.get("properties", {}).items()
        for spot in _unbounded(prop, f"{name}.{field}")
    ]
    assert not unbounded, f"request fields without maxLength: {unbounded}"


def _project_forms():
    assert get_resolver().url_patterns  # imports every view module, and with them the forms
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if not sub.__module__.startswith(("django.", "django_filters", "rest_framework", "axes")):
                found.append(sub)
    return found


def _django_password(form, name) -> bool:
    """Password fields declared by django.contrib.auth's forms: never stored (only their hash, of fixed
    size), and the request size limit bounds them."""
    from django.contrib.auth import forms as auth_forms

    return name in {"old_password", "new_password1", "new_password2", "password1", "password2"} and issubclass(
        form, (auth_forms.SetPasswordMixin, auth_forms.PasswordChangeForm, auth_forms.SetPasswordForm)
    )


def test_every_form_text_field_is_bounded():
    found = _project_forms()
    assert len(found) > 10
    unbounded = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None and not _django_password(form, name)
    ]
    assert not unbounded, f"form text fields without max_length: {unbounded}"


# --- 5 MB ------------------------------------------------------------------------------------------------
HUGE = "长" * (5 * 1024 * 1024 // 3)  # 5 MB of UTF-8


def test_huge_reason_is_refused_by_the_api(world, api_client_for):
    """The unit's reply (an action payload the proposal's state allows: the engine refuses a wrong
    state with 409 before reading the payload), the member's 案由 (a ModelSerializer field)."""
    from proposals.models import Proposal

    proposal = world["proposal"]
    response = api_client_for("unit_a").post(
        f"/api/v1/proposals/{proposal.pk}/reply/",
        {"unit": world["unit_a"].pk, "result": "A", "content": HUGE},
        format="json",
    )
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert "content" in body["errors"] and "字符" in body["message"]
    assert Proposal.objects.get(pk=proposal.pk).state == proposal.state

    draft = world["draft"]
    response = api_client_for("member").patch(f"/api/v1/proposals/{draft.pk}/", {"background": HUGE}, format="json")
    assert response.status_code == 400 and "background" in response.json()["errors"]
    assert str(TEXT_MAX_LENGTH) in response.json()["message"]
    assert len(Proposal.objects.get(pk=draft.pk).background) < TEXT_MAX_LENGTH


def test_huge_text_is_a_form_error_on_the_page(world, page_client):
    from proposals.models import Proposal

    draft = world["draft"]
    page = page_client("member").get(f"/proposals/{draft.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and not isinstance(v, list)}
    data.update(title=draft.title, background=HUGE, suggestions="建议")
    response = page_client("member").post(f"/proposals/{draft.pk}/edit/", data)
    assert response.status_code in (200, 400)
    assert "background" in response.context["form"].errors
    assert "字符" in str(response.context["form"].errors["background"])
    assert len(Proposal.objects.get(pk=draft.pk).background) < TEXT_MAX_LENGTH


# --- term and session of a member's draft ----------------------------------------------------------------
@pytest.fixture
def terms(world, db):
    from tests.factories import SessionFactory, TermFactory

    current = world["draft"].term
    past = TermFactory(number=8, start_year=2017, end_year=2021, is_current=False)
    return {
        "current": current,
        "current_session": SessionFactory(term=current, number=97),
        "past": past,
        "past_session": SessionFactory(term=past, number=98),
    }


# (case, role, term key, session key, expected status)
TERM_CASES = [
    ("member, current term", "member", "current", None, 200),
    ("member, current term and its session", "member", "current", "current_session", 200),
    ("member, past term", "member", "past", None, 400),
    ("member, past term and its session", "member", "past", "past_session", 400),
    ("member, current term, past term's session", "member", "current", "past_session", 400),
    ("office, past term (entering old records)", "office", "past", "past_session", 201),
    ("office, current term, past term's session", "office", "current", "past_session", 400),
]


@pytest.mark.parametrize("case,role,term,session,expected", TERM_CASES, ids=[c[0] for c in TERM_CASES])
@pytest.mark.parametrize("how", ["create", "update"])
def test_draft_term_and_session(world, api_client_for, terms, how, case, role, term, session, expected):
    body = {"term": terms[term].pk, "session": terms[session].pk if session else None}
    client = api_client_for(role)
    if how == "update" and role == "member":
        response = client.patch(f"/api/v1/proposals/{world['draft'].pk}/", body, format="json")
    else:
        body.update(title="关于届次的提案", category=world["draft"].category_id, background="b", suggestions="s")
        if role == "office":
            body.update(kind="individual", lead_proposer=world["member_a"].pk)
        response = client.post("/api/v1/proposals/", body, format="json")
        expected = 201 if expected == 200 else expected
    assert response.status_code == expected, (case, response.content[:300])
    if expected == 400:
        assert set(response.json()["errors"]) & {"term", "session"}
