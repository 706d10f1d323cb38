"""A handling unit, a category and a member group named like HTML are shown as text in every chart's
tooltip on the dashboard, never run (issue 12), and the page runs under the Content-Security-Policy
without a single violation."""

import pytest
from playwright.sync_api import expect

from members.models import HandlingUnit, MemberGroup
from proposals.models import ProposalCategory

from .conftest import login
from .test_dashboard import committee  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)>"

# Every data point of every chart gets its tooltip shown through ECharts' own API; the text of the
# tooltips is collected so the test knows they were really drawn.
SHOW_EVERY_TOOLTIP = """() => {
  const seen = [];
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) return;
    (chart.getOption().series || []).forEach((series, seriesIndex) => {
      (series.data || []).slice(0, 40).forEach((_, dataIndex) => {
        chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex });
        el.querySelectorAll("div").forEach((div) => {
          if (div.innerText.includes("onerror")) seen.push(div.innerText);
        });
      });
    });
  });
  return seen;
}"""


def test_html_in_names_is_shown_as_text_in_every_chart(page, committee):  # noqa: F811
    for index, unit in enumerate(HandlingUnit.objects.order_by("pk")):
        HandlingUnit.objects.filter(pk=unit.pk).update(name=f"{HOSTILE}单位{index}")
    for index, group in enumerate(MemberGroup.objects.order_by("pk")):
        MemberGroup.objects.filter(pk=group.pk).update(name=f"{HOSTILE}组{index}")
    for index, category in enumerate(ProposalCategory.objects.order_by("pk")):
        ProposalCategory.objects.filter(pk=category.pk).update(name=f"{HOSTILE}类{index}")

    dialogs, violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    login(page, "leader")
    page.goto("/reports/dashboard/")
    for chart in page.locator("[data-chart]").all():
        expect(chart.locator("canvas")).to_have_count(1)

    shown = page.evaluate(SHOW_EVERY_TOOLTIP)
    assert page.locator('img[src="x"]').count() == 0, "a name was inserted as HTML"
    assert dialogs == []
    assert violations == []
    # The tooltips were really drawn, with the names as text.
    assert any(f"{HOSTILE}单位" in text for text in shown), "the units chart's tooltip was not drawn"
    assert any(f"{HOSTILE}类" in text for text in shown), "the categories chart's tooltip was not drawn"
