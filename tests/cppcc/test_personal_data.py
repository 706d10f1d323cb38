"""Personal data outside the database: never in logs, never in URLs, never in a cache.

- every log handler masks ID numbers (GB 11643) and mobile numbers, in messages, arguments,
  request lines and tracebacks;
- responses to a signed-in user are `Cache-Control: no-store, private` (pages, API, downloads);
- no link, form action or htmx address on the member pages carries an ID or phone number;
- the deploy check warns while the field keys are derived from SECRET_KEY.
"""

import io
import logging
import re
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.tokens import token_issue
from cppcc import crypto
from cppcc.logging_filters import RedactPersonalData, redact
from cppcc.middleware import NoStoreMiddleware
from tests.factories import MemberFactory

ID = "11010519491231002X"
ID_MASKED = "110105********002X"
PHONE = "13912345678"
PHONE_MASKED = "139****5678"


# --- logs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"身份证 {ID}", f"身份证 {ID_MASKED}"),
        (f"id={ID.lower()}&x=1", "id=110105********002x&x=1"),
        ("出生 320106198005060013。", "出生 320106********0013。"),
        (f"电话{PHONE}", f"电话{PHONE_MASKED}"),
        ("+86 139-1234-5678", f"{PHONE_MASKED}"),
        ("8613912345678", f"{PHONE_MASKED}"),
        ("139 1234 5678", f"{PHONE_MASKED}"),
        # Not personal data: left as they are.
        ("办公电话 0531-88881234", "办公电话 0531-88881234"),
        ("提案 第0001号，金额 12345678901234567890", "提案 第0001号，金额 12345678901234567890"),
        ("编号 123456789012", "编号 123456789012"),
        ("/members/42/ 200 13", "/members/42/ 200 13"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def _handler_with_filter(logger_name):
    logger = logging.getLogger(logger_name)
    while logger is not None:
        for handler in logger.handlers:
            if any(isinstance(f, RedactPersonalData) for f in handler.filters):
                return handler
        logger = logger.parent if logger.propagate else None
    return None


@contextmanager
def captured(logger_name):
    handler = _handler_with_filter(logger_name)
    assert handler is not None, f"no redacting handler for {logger_name}: the filter is not installed in LOGGING"
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old)


@pytest.mark.parametrize("logger_name", ["members.services", "django.request", "celery.app.trace", "axes"])
def test_log_message_and_arguments_are_redacted(logger_name):
    with captured(logger_name) as out:
        logging.getLogger(logger_name).warning("委员 %s 手机 %s 数据 %r", ID, PHONE, {"id_number": ID})
    text = out.getvalue()
    assert ID not in text and PHONE not in text
    assert text.count(ID_MASKED) == 2 and PHONE_MASKED in text


def test_request_lines_of_the_development_server_are_redacted():
    with captured("django.server") as out:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /members/?q={ID}&phone={PHONE} HTTP/1.1", 200, 512, extra={"status_code": 200}
        )
    text = out.getvalue()
    assert "GET /members/?q=" in text
    assert ID not in text and PHONE not in text


def test_tracebacks_are_redacted():
    with captured("members.roster") as out:
        try:
            raise ValueError(f"身份证号码 {ID} 重复")
        except ValueError:
            logging.getLogger("members.roster").exception("导入失败")
    text = out.getvalue()
    assert "ValueError" in text and "导入失败" in text
    assert ID not in text and ID_MASKED in text


def test_malformed_log_call_is_still_redacted():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "委员 %s %s", (ID,), None)
    RedactPersonalData().filter(record)
    assert ID not in record.getMessage()


# --- no-store -----------------------------------------------------------------------------------------------


def assert_no_store(response):
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache_control, response.get("Cache-Control")


@pytest.fixture
def member(db):
    return MemberFactory(name="王五", id_number=ID, phone=PHONE)


def test_member_detail_page_is_no_store(client, office_user, member):
    client.force_login(office_user)
    response = client.get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 200 and ID in response.content.decode()
    assert_no_store(response)


def test_pages_without_their_own_never_cache_are_no_store(client, office_user, member):
    client.force_login(office_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_no_store(response)


def test_member_api_with_session_is_no_store(client, office_user, member):
    client.force_login(office_user)
    response = client.get(f"/api/v1/members/{member.pk}/")
    assert response.status_code == 200 and response.json()["id_number"] == ID
    assert_no_store(response)


def test_member_api_with_token_is_no_store(api_client, office_user, member):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=office_user)[1]}")
    response = api_client.get(f"/api/v1/members/{member.pk}/")
    assert response.status_code == 200
    assert_no_store(response)


def test_roster_export_download_is_no_store(client, office_user, member):
    client.force_login(office_user)
    response = client.get(reverse("members:export"))
    assert response.status_code == 200 and response.get("Content-Disposition", "").startswith("attachment")
    assert_no_store(response)


def test_anonymous_responses_are_left_alone():
    request = RequestFactory().get("/static/css/app.css")
    request.user = AnonymousUser()
    response = NoStoreMiddleware(lambda r: HttpResponse("x", headers={"Cache-Control": "max-age=60"}))(request)
    assert response["Cache-Control"] == "max-age=60"


def test_static_files_are_answered_before_the_no_store_middleware():
    middleware = settings.MIDDLEWARE
    no_store = middleware.index("cppcc.middleware.NoStoreMiddleware")
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < no_store
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < no_store


# --- URLs ---------------------------------------------------------------------------------------------------

URL_ATTRIBUTE = re.compile(r'(?:href|action|src|hx-get|hx-post|data-url)="([^"]*)"')


@pytest.mark.parametrize("page", ["members:list", "members:detail", "members:edit"])
def test_member_pages_put_no_id_or_phone_in_a_url(client, office_user, member, page):
    client.force_login(office_user)
    args = [member.pk] if page != "members:list" else []
    response = client.get(reverse(page, args=args), {"q": "王"} if page == "members:list" else None)
    html = response.content.decode()
    assert response.status_code == 200
    urls = URL_ATTRIBUTE.findall(html)
    assert urls, "the page has links"
    leaking = [u for u in urls if ID in u or ID.lower() in u or PHONE in u]
    assert leaking == []


def test_member_api_list_links_carry_no_id_or_phone(client, office_user):
    MemberFactory.create_batch(3)
    client.force_login(office_user)
    data = client.get("/api/v1/members/", {"page_size": 1}).json()
    links = " ".join(str(data.get(k) or "") for k in ("next", "previous"))
    assert "page" in links
    for m in data["results"]:
        assert m["id_number"] not in links and m["phone"] not in links


# --- deploy check -------------------------------------------------------------------------------------------


def _messages(**overrides):
    from django.test import override_settings

    with override_settings(**overrides):
        return {m.id for m in crypto.check_field_keys()}


def test_deploy_check_warns_without_field_keys():
    assert _messages(DEBUG=False, FIELD_ENCRYPTION_KEYS=[], FIELD_HASH_KEY="") == {"cppcc.W001"}
    assert _messages(DEBUG=False, FIELD_ENCRYPTION_KEYS=[crypto.generate_key()], FIELD_HASH_KEY="") == {"cppcc.W001"}
    assert _messages(DEBUG=False, FIELD_ENCRYPTION_KEYS=[crypto.generate_key()], FIELD_HASH_KEY="k") == set()
    assert _messages(DEBUG=True, FIELD_ENCRYPTION_KEYS=[], FIELD_HASH_KEY="") == set()


def test_deploy_check_rejects_a_malformed_key():
    assert _messages(DEBUG=False, FIELD_ENCRYPTION_KEYS=["short"], FIELD_HASH_KEY="k") == {"cppcc.E001"}


def test_check_is_registered_for_deploy():
    assert crypto.check_field_keys in checks.registry.registry.get_checks(include_deployment_checks=True)


def test_celery_worker_handlers_get_the_filter_too():
    from celery import signals

    import cppcc.celery  # noqa: F401  (installs the receivers, as the worker does)

    worker_logger = logging.getLogger("celery-worker-test")
    buffer = io.StringIO()
    worker_logger.addHandler(logging.StreamHandler(buffer))
    worker_logger.propagate = False
    signals.after_setup_logger.send(sender=None, logger=worker_logger, loglevel=logging.INFO, logfile=None,
                                    format="", colorize=False)  # fmt: skip
    worker_logger.warning("任务参数 %s", {"phone": PHONE})
    assert PHONE not in buffer.getvalue() and PHONE_MASKED in buffer.getvalue()
