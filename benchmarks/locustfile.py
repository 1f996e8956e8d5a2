"""The load scenario of benchmarks/bench_load.py (read its docstring): signed-in reporters
opening their report and autosaving values, consolidators on the overview, the consolidation
and the dashboard, and programs upserting dossiers over the API and reading the statistics.

The accounts, reports and tokens come from the JSON file CCHC_LOAD_FILE that bench_load.py
writes; each simulated user takes the next account of its kind."""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["CCHC_LOAD_FILE"], encoding="utf-8").read())
PERIOD = SETUP["period"]
_lock = threading.Lock()
_counters = {kind: itertools.count() for kind in ("reporters", "consolidators", "programs")}


def _next(kind: str) -> dict:
    with _lock:
        position = next(_counters[kind])
    accounts = SETUP[kind]
    return accounts[position % len(accounts)]


class _SignedIn(HttpUser):
    """A person already signed in: bench_load.py signed each account in before the load
    (an Argon2 hash per sign-in, timed apart) and gave its session cookies."""

    abstract = True
    wait_time = between(1, 3)  # an official reads before the next click

    def use_session(self, account: dict) -> None:
        # Set for the server's host, as the server sets them (no second, host-less copy).
        host = self.host.split("//", 1)[1].split(":")[0]
        for name, value in account["cookies"].items():
            self.client.cookies.set(name, value, domain=host, path="/")
        self.csrf = account["cookies"].get("csrftoken", "")


class Reporter(_SignedIn):
    """A unit's reporter filling the year's report: opens it, types values one by one."""

    weight = 3

    def on_start(self) -> None:
        self.account = _next("reporters")
        self.use_session(self.account)
        self.versions: dict[str, str] = {}

    @task(1)
    def open_report(self) -> None:
        self.client.get(f"/reports/{self.account['report']}/", name="/reports/<id>/")

    @task(4)
    def autosave(self) -> None:
        key = random.choice(self.account["keys"])
        body = {"key": key, "value": str(random.randint(0, 500))}
        if key in self.versions:
            body["version"] = self.versions[key]
        with self.client.post(
            f"/reports/{self.account['report']}/values/",
            data=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf,
                "Referer": self.host + f"/reports/{self.account['report']}/",
            },
            name="/reports/<id>/values/ (autosave)",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.versions[key] = response.json().get("version", "")
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Consolidator(_SignedIn):
    """Sở Nội vụ following the province: who has reported, the totals, the dashboard."""

    weight = 1

    def on_start(self) -> None:
        self.use_session(_next("consolidators"))

    @task(3)
    def overview(self) -> None:
        self.client.get(f"/overview/{PERIOD}/", name="/overview/<period>/")

    @task(2)
    def dashboard(self) -> None:
        self.client.get(f"/dashboard/{PERIOD}/", name="/dashboard/<period>/")

    @task(1)
    def consolidation(self) -> None:
        self.client.get(f"/consolidation/{PERIOD}/", name="/consolidation/<period>/")


class Program(HttpUser):
    """A one-stop system pushing the day's dossiers of a unit and reading its statistics."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = _next("programs")
        self.client.headers["Authorization"] = f"Bearer {self.account['token']}"
        self.batch = 0

    @task(2)
    def upsert_dossiers(self) -> None:
        self.batch += 1
        rows = [
            {
                "code": f"{self.account['unit']}-{self.batch:05d}-{n:02d}",
                "procedure_code": random.choice(self.account["procedures"]),
                "channel": random.choice(["Trực tuyến", "Trực tiếp", "Bưu chính"]),
                "received_at": f"2026-{random.randint(1, 11):02d}-{random.randint(1, 28):02d}"
                "T09:30:00",
                "status": "4",
            }
            for n in range(20)
        ]
        with self.client.post(
            f"/api/v1/units/{self.account['unit']}/dossiers/",
            json={"dossiers": rows},
            name="/api/v1/units/<code>/dossiers/ (upsert 20)",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def statistics(self) -> None:
        self.client.get(
            f"/api/v1/units/{self.account['unit']}/dossiers/stats/?period={PERIOD}",
            name="/api/v1/units/<code>/dossiers/stats/",
        )
