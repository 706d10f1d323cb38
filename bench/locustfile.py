"""Locust scenarios for the load test (bench/load.py, issue 8 item 8). See bench/README.md, "Load test".

Four kinds of users, in the proportions a committee has on a working day: the office staff browse
and filter the proposals (pages and API), the leaders open the dashboard and the annual figures,
the handling units work through their inbox, the members look at their own proposals. Pages are
browsed with a session opened through the real login form (GET for the CSRF token, POST the
form): by bench/load.py once per account before the load, or by each simulated user at its start
(LOAD_LOGIN=during-load). API calls carry the account's `Authorization: Token …` on a cookie-less
connection, as an API client would.

The accounts, the proposal ids each of them may open and the filter values come from the plan
file `bench/load.py` writes (environment variable LOAD_PLAN). Anything but the expected status
counts as a failure: 200 for pages and API reads, 302 to a page other than the login form for
the login POST. Redirects are not followed, so a session that lost its login cannot hide behind
the login page's 200.

    LOAD_PLAN=plan.json locust -f bench/locustfile.py --headless -u 20 -r 20 --run-time 60s --host http://127.0.0.1:8000
"""

import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, task
from locust.contrib.fasthttp import FastHttpSession
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "0.5,2").split(","))
# By default bench/load.py opens one session per account through the login form before the load,
# so that the measured minute is spent browsing and not hashing passwords (PBKDF2, deliberately
# slow); LOAD_LOGIN=during-load makes every simulated user log in itself, measured with the rest.
LOGIN_DURING_LOAD = os.environ.get("LOAD_LOGIN") == "during-load"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Words that occur in the generated 案由 (bench/generate.py), for the keyword search.
KEYWORDS = PLAN.get("keywords") or ["建议"]


def cookie(name: str, value: str, host: str) -> Cookie:
    domain = urlsplit(host).hostname or ""
    return Cookie(0, name, value, None, False, domain, False, False, "/", True, False, None, False, None, None, {})


def query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)


class Casework(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(*THINK)
    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self):
        # Spread the simulated people over the role's accounts, in turn.
        accounts = PLAN["accounts"][self.role]
        self.account = accounts[next(type(self).sequence) % len(accounts)]
        self.ids = self.account["proposal_ids"]
        if LOGIN_DURING_LOAD or not self.account.get("session"):
            self.login()
        else:
            self.client.cookiejar.set_cookie(cookie(PLAN["session_cookie"], self.account["session"], self.host))
        self.api = FastHttpSession(
            base_url=self.host,
            request_event=self.environment.events.request,
            user=self,
            network_timeout=self.network_timeout,
            connection_timeout=self.connection_timeout,
            headers={"Authorization": f"Token {self.account['token']}", "Accept": "application/json"},
        )

    # -- helpers ---------------------------------------------------------------------------------
    def login(self):
        form = self.client.get("/accounts/login/", name="login form GET", allow_redirects=False, catch_response=True)
        with form as r:
            match = CSRF.search(r.text or "") if r.status_code == 200 else None
            if not match:
                r.failure(f"login form: HTTP {r.status_code}, no CSRF token")
                raise StopUser()
        body = query(username=self.account["username"], password=PLAN["password"], csrfmiddlewaretoken=match[1])
        with self.client.post(
            "/accounts/login/",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="login form POST",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            location = r.headers.get("Location", "") if r.headers else ""
            if r.status_code != 302 or "/accounts/login" in location:
                r.failure(f"login as {self.account['username']}: HTTP {r.status_code} → {location or 'no redirect'}")
                raise StopUser()

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                location = r.headers.get("Location", "") if r.headers else ""
                r.failure(f"HTTP {r.status_code}{' → ' + location if location else ''}")
            elif b"</html>" not in (r.content or b""):
                r.failure("not a whole HTML page")

    def api_get(self, path: str, name: str):
        with self.api.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
                return
            try:
                r.json()
            except ValueError:
                r.failure("not JSON")

    def some_id(self):
        return random.choice(self.ids) if self.ids else None

    def filters(self) -> dict:
        return {
            "state": random.choice(PLAN["states"]),
            "category": random.choice(PLAN["categories"]),
            "year": random.choice(PLAN["years"]),
        }

    def detail(self):
        pk = self.some_id()
        if pk:
            self.page(f"/proposals/{pk}/", "/proposals/[id]/")

    def api_detail(self):
        pk = self.some_id()
        if pk:
            self.api_get(f"/api/v1/proposals/{pk}/", "api /api/v1/proposals/[id]/")


class Office(Casework):
    """提案委工作人员: the lists with filters, page and API, the review queue, details."""

    weight = 4
    role = "office"
    sequence = itertools.count()

    @task(3)
    def list_page(self):
        self.page("/proposals/", "/proposals/")

    @task(4)
    def list_page_filtered(self):
        self.page("/proposals/?" + query(**self.filters()), "/proposals/?state&category&year")

    @task(1)
    def list_page_search(self):
        self.page("/proposals/?" + query(q=random.choice(KEYWORDS)), "/proposals/?q")

    @task(1)
    def list_page_deep(self):
        self.page("/proposals/?" + query(page=random.randint(2, 50)), "/proposals/?page=N")

    @task(2)
    def review_queue(self):
        self.page("/proposals/review/", "/proposals/review/")

    @task(4)
    def detail_page(self):
        self.detail()

    @task(2)
    def api_list(self):
        self.api_get("/api/v1/proposals/?" + query(page_size=random.choice([10, 50])), "api /api/v1/proposals/")

    @task(4)
    def api_list_filtered(self):
        self.api_get(
            "/api/v1/proposals/?" + query(**self.filters(), page_size=random.choice([10, 50, 100])),
            "api /api/v1/proposals/?state&category&year",
        )

    @task(2)
    def api_detail_get(self):
        self.api_detail()

    @task(1)
    def notifications(self):
        self.page("/notifications/", "/notifications/")

    @task(1)
    def home(self):
        self.page("/", "/ (home)")


class Leader(Casework):
    """区政协领导: the dashboard, the annual figures, the board and the key proposals."""

    weight = 2
    role = "leader"
    sequence = itertools.count()

    @task(3)
    def dashboard(self):
        self.page("/reports/dashboard/?" + query(year=random.choice(PLAN["report_years"])), "/reports/dashboard/?year")

    @task(2)
    def annual_api(self):
        self.api_get(
            "/api/v1/reports/annual/?" + query(year=random.choice(PLAN["report_years"])),
            "api /api/v1/reports/annual/?year",
        )

    @task(2)
    def board(self):
        self.page("/proposals/board/", "/proposals/board/")

    @task(2)
    def key_proposals(self):
        self.page("/proposals/?" + query(is_key="true", year=random.choice(PLAN["years"])), "/proposals/?is_key&year")

    @task(3)
    def detail_page(self):
        self.detail()

    @task(1)
    def home(self):
        self.page("/", "/ (home)")


class Unit(Casework):
    """承办单位: the inbox (all, and by state), the proposals it handles, the API list."""

    weight = 2
    role = "unit"
    sequence = itertools.count()

    @task(4)
    def inbox(self):
        self.page("/proposals/inbox/", "/proposals/inbox/")

    @task(2)
    def inbox_filtered(self):
        self.page(
            "/proposals/inbox/?" + query(state=random.choice(["assigned", "handling", "replied", "closed"])),
            "/proposals/inbox/?state",
        )

    @task(4)
    def detail_page(self):
        self.detail()

    @task(2)
    def api_list(self):
        self.api_get("/api/v1/proposals/?" + query(page_size=20), "api /api/v1/proposals/ (unit)")

    @task(1)
    def notifications(self):
        self.page("/notifications/", "/notifications/")


class Member(Casework):
    """委员: my proposals, their details, notifications."""

    weight = 2
    role = "member"
    sequence = itertools.count()

    @task(4)
    def mine(self):
        self.page("/proposals/mine/", "/proposals/mine/")

    @task(3)
    def detail_page(self):
        self.detail()

    @task(2)
    def api_mine(self):
        self.api_get("/api/v1/proposals/?" + query(page_size=20), "api /api/v1/proposals/ (member)")

    @task(1)
    def api_notifications(self):
        self.api_get("/api/v1/notifications/", "api /api/v1/notifications/")

    @task(2)
    def notifications(self):
        self.page("/notifications/", "/notifications/")

    @task(1)
    def home(self):
        self.page("/", "/ (home)")
