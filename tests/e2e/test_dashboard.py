"""A leader opens the dashboard on the demo committee, sees every chart drawn, clicks a category's bar
and lands on the proposals list filtered to that category and year; the overdue link opens the board."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.proposals import seed_proposals
from demo.supervision import seed_inspections
from proposals.models import ProposalCategory

from .conftest import login

pytestmark = pytest.mark.e2e

CATEGORIES = ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"]

# Where the biggest category's filed bar is drawn, in the chart's own pixels (ECharts' API).
BAR_POSITION = """() => {
  const el = document.getElementById("chart-categories");
  const chart = echarts.getInstanceByDom(el);
  const rows = JSON.parse(document.getElementById("dashboard-data").textContent).categories;
  let i = 0;
  rows.forEach((row, j) => { if (row.filed > rows[i].filed) i = j; });
  const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [i, rows[i].filed / 2]);
  return { x, y, name: rows[i].name, submitted: rows[i].submitted };
}"""


@pytest.fixture
def committee(demo):
    # Categories come from a data migration, which a previous browser test's flush may have removed.
    for order, name in enumerate(CATEGORIES, start=1):
        ProposalCategory.objects.get_or_create(name=name, defaults={"order": order * 10})
    seed_proposals(seed=7)
    seed_inspections(seed=7)
    return demo


def test_leader_reads_the_dashboard_and_drills_into_a_category(page, committee):
    year = timezone.localdate().year
    login(page, "leader")
    page.goto("/reports/dashboard/")
    expect(page.get_by_role("heading", name="领导驾驶舱")).to_be_visible()
    expect(page.get_by_test_id("period-label")).to_have_text(f"{year}年")

    charts = page.locator("[data-chart]")
    assert charts.count() == 7
    for chart in charts.all():
        expect(chart.locator("canvas")).to_have_count(1)
    assert int(page.get_by_test_id("value-submitted").inner_text()) > 0

    bars = page.locator("#chart-categories")
    bars.scroll_into_view_if_needed()
    expect(bars).to_have_attribute("data-ready", "true")
    target = page.evaluate(BAR_POSITION)
    category = ProposalCategory.objects.get(name=target["name"])
    box = bars.bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])

    expect(page).to_have_url(re.compile(rf"/proposals/\?category={category.pk}&received=true&year={year}$"))
    expect(page.get_by_role("heading", name="全部提案")).to_be_visible()
    expect(page.get_by_label("类别")).to_have_value(str(category.pk))
    # The bar counts the proposals received in the year (submitted, not withdrawn: the work report's
    # rule), and the link lists exactly those.
    expect(page.get_by_test_id("proposal-total")).to_have_text(f"共 {target['submitted']} 件")

    page.go_back()
    page.get_by_test_id("overdue-link").click()
    expect(page).to_have_url(re.compile(r"/proposals/board/\?overdue=true$"))
    expect(page.get_by_role("heading", name="督办看板")).to_be_visible()
