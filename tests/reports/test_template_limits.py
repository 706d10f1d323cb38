"""An uploaded work-report template cannot hold a worker for minutes or fill its memory: hostile
templates are refused at upload with a message, and refused within a bounded time when one is
already in use (`reports.sandbox`); a normal template still renders."""

import io
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from cppcc.errors import ApplicationError
from reports import sandbox
from reports.models import ReportTemplate

# (template text, what the office is told). Each would run for minutes or take gigabytes unbounded.
HOSTILE = {
    "string-times": ("{{ 'a' * 999999999 }}", "生成的文字过长"),
    "string-times-twice": ("{{ 'a' * 99999 * 99999 }}", "生成的文字过长"),
    "list-times": ("{{ [1, 2] * 999999999 }}", "生成的文字过长"),
    "power": ("{{ 9 ** 999999999 }}", "乘方结果数值过大"),
    "int-growth": ("{% set n = 10 ** 1000 %}{{ n * n * n * n * n }}", "数值过大"),
    "huge-range": ("{{ range(999999999)|list|length }}", "range 不能超过"),
    "nested-loops": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "循环次数过多",
    ),
    "doubling-concat": (
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        "生成的文字过长",
    ),
    "doubling-plus": (
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
        "生成的文字过长",
    ),
    "printf-width": ("{{ '%999999999d' % 1 }}", "格式宽度过大"),
    "format-width": ("{{ '{:>999999999}'.format(1) }}", "格式宽度过大"),
    "method-width": ("{{ 'a'.center(999999999) }}", "生成的文字过长"),
    "filter-width": ("{{ 'a'|center(999999999) }}", "内存"),
    "private-attribute": ("{{ ''.__class__ }}", "模板中含有不允许的操作"),
    "subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "模板中含有不允许的操作"),
    "globals": ("{{ cycler.__init__.__globals__ }}", "模板中含有不允许的操作"),
    "list-mutation": ("{% set l = [1] %}{% for i in range(50) %}{{ l.extend(l) }}{% endfor %}", "不允许的操作"),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


@pytest.fixture
def as_office(client_for, people):
    return client_for(people["office"])


def _docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, data: bytes):
    return client.post(reverse("reports:template_upload"), {"file": SimpleUploadedFile("模板.docx", data)})


def _in_use(people, data: bytes) -> ReportTemplate:
    """A template already in use (uploaded before the checks existed, or checked against other data)."""
    template = ReportTemplate(original_name="旧模板.docx", size=len(data), uploaded_by=people["office"])
    template.file.save("t.docx", ContentFile(data))
    return template


@pytest.mark.parametrize("text, message", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_is_refused_at_upload_and_at_render_in_bounded_time(as_office, people, text, message):
    started = time.monotonic()
    response = _upload(as_office, _docx("立案{{ proposals.filed }}件", text))
    assert response.status_code == 400
    page = response.content.decode()
    assert "模板未启用：" in page and message in page
    assert not ReportTemplate.objects.exists()

    _in_use(people, _docx(text))
    response = as_office.get(reverse("reports:work_report"), {"year": 2026}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("reports:documents"))
    assert message in response.content.decode()
    assert time.monotonic() - started < 15


def test_rendering_stops_at_the_deadline(as_office, people, monkeypatch):
    """Work no counter sees (2^40 macro calls that print nothing) ends at the wall-clock limit."""
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 1)
    exponential = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    started = time.monotonic()
    response = _upload(as_office, _docx(exponential))
    assert response.status_code == 400 and "模板生成超过 1 秒" in response.content.decode()
    assert time.monotonic() - started < 8


def _sleep_forever():
    time.sleep(600)


def test_a_child_that_overruns_is_killed():
    """The process around the sandbox: whatever runs too long (C code inside a filter, docxtpl on a
    pathological file) is killed at the limit."""
    started = time.monotonic()
    with pytest.raises(sandbox.TemplateLimitError, match="模板生成超过 1 秒"):
        sandbox.run_limited(_sleep_forever, seconds=1)
    assert time.monotonic() - started < 6


def test_errors_and_results_come_back_from_the_child():
    assert sandbox.run_limited(lambda: b"ok" * 3) == b"okokok"
    with pytest.raises(ApplicationError, match="原样"):
        sandbox.run_limited(lambda: (_ for _ in ()).throw(ApplicationError("原样")))


def test_a_normal_template_with_loops_and_arithmetic_still_renders(as_office):
    normal = _docx(
        "{{ period.label }}立案{{ proposals.filed }}件，{{ proposals.filed * 2 }}，{{ '—' * 3 }}，{{ 2 ** 10 }}",
        "{% for i in range(1, 13) %}{{ i }}月{% if not loop.last %}、{% endif %}{% endfor %}",
        "{% set ns = namespace(s='') %}{% for u in units %}{% set ns.s = ns.s ~ u.unit %}{% endfor %}{{ ns.s }}完",
    )
    assert _upload(as_office, normal).status_code == 302
    response = as_office.get(reverse("reports:work_report"), {"year": 2026})
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
    assert text.startswith("2026年立案0件，0，———，1024")
    assert "1月、2月、3月、4月、5月、6月、7月、8月、9月、10月、11月、12月" in text
    assert text.endswith("完")
