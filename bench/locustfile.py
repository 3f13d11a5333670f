"""Locust scenario of bench/load.py: applicants going through the whole AIF application.

Not meant to be run alone (bench/load.py starts the server, the batch and this file, and
reads what it writes); the settings come from the environment:

- ``LOAD_PDF``: the PDF to upload on the declarations step (made once by bench/load.py);
- ``LOAD_OUT``: where to write the raw samples and the confirmed submissions as JSON;
- ``LOAD_THINK``: mean seconds an applicant waits between two pages (uniform 0.5×–1.5×).

Every page is requested without following redirects, so each GET and POST is timed on its
own and a POST that does not redirect where the wizard should go counts as an error (a step
re-rendered with validation errors is a failed applicant, not a fast answer).
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import time
import uuid
from typing import Any

from locust import HttpUser, events, task

SLUG = "boizenburg-luebtheen"
FUND = "AIF-2026"
BASE = f"/p/{SLUG}"
STEPS = ("antragsteller", "projekt", "kosten", "finanzierung", "erklaerungen")
LEGAL_FORMS = ("verein", "gemeinnuetzige-gmbh", "stiftung", "initiative", "kirchengemeinde")
TOWNS = ("Boizenburg/Elbe", "Lübtheen", "Gresse", "Greven", "Vellahn", "Zarrentin am Schaalsee")
TOPICS = ("Demokratiefest", "Erzählcafé", "Jugendforum", "Planspiel Kommunalpolitik", "Lesenacht")

PDF = open(os.environ["LOAD_PDF"], "rb").read() if os.environ.get("LOAD_PDF") else b""  # noqa: SIM115
OUT = os.environ.get("LOAD_OUT", "")
THINK = float(os.environ.get("LOAD_THINK", "1.0"))

SAMPLES: list[tuple[str, float, float, bool]] = []  # name, start (epoch s), ms, ok
CONFIRMED: list[dict[str, Any]] = []  # submissions whose receipt the client saw
FAILURES: dict[str, int] = {}  # error message → count
FLOWS = {"started": 0, "completed": 0}

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')
_IDEMPOTENCY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_REFERENCE = re.compile(r'<strong id="reference">([^<]+)</strong>')


@events.request.add_listener
def _record(
    request_type: str, name: str, response_time: float, exception: Any, start_time: float, **_: Any
) -> None:
    SAMPLES.append((name, start_time, response_time, exception is None))
    if exception is not None:
        message = f"{name}: {str(exception)[:160]}"
        FAILURES[message] = FAILURES.get(message, 0) + 1


@events.quitting.add_listener
def _dump(**_: Any) -> None:
    if OUT:
        with open(OUT, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "samples": SAMPLES,
                    "confirmed": CONFIRMED,
                    "failures": FAILURES,
                    "flows": FLOWS,
                    # what the load generator itself took of the machine's CPU
                    "cpu_seconds": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                },
                handle,
            )


class FlowFailed(Exception):
    """The applicant cannot go on (the request was already recorded as an error)."""


def _money(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def application_data(rng: random.Random) -> dict[str, dict[str, str | list[str]]]:
    """Valid, varied entries for every step: other names, towns, lines and amounts, always
    within the AIF-2026 rules (lines under the offers threshold, 10 % own share at least)."""
    town = rng.choice(TOWNS)
    person = rng.choice(("Jana", "Ole", "Mira", "Henrik", "Aylin", "Jürgen")) + " Beispiel"
    association = f"{rng.choice(('Kulturverein', 'Heimatverein', 'Jugendinitiative'))} {town}"
    hours = rng.randint(4, 12)
    material = rng.randint(5, 30) * 10
    posters = rng.randint(10, 40) * 10
    total = hours * 60 + material + posters
    third = rng.choice((0, 100, 150))
    own = -(-total // 10) + rng.randint(0, 50)
    requested = total - third - own
    financing: dict[str, str | list[str]] = {
        "own_funds": _money(own),
        "revenue": "0",
        "requested": _money(requested),
    }
    if third:
        financing |= {
            "third_party-0-source": "Sparkassenstiftung",
            "third_party-0-amount": _money(third),
        }
    return {
        "antragsteller": {
            "name": association,
            "legal_form": rng.choice(LEGAL_FORMS),
            "street": f"Elbstraße {rng.randint(1, 99)}",
            "postal_code": "19258",
            "city": town,
            "representative": person,
            "contact_name": person,
            "email": f"antrag-{uuid.uuid4().hex[:10]}@elbufer.example",
            "phone": f"038847 {rng.randint(1000, 9999)}",
            "iban": "DE02 1203 0000 0000 2020 51",
            "account_holder": association,
        },
        "projekt": {
            "title": f"{rng.choice(TOPICS)} in {town}",
            "summary": "Ein Nachmittag mit Workshops, Musik und Gesprächen – für alle offen.",
            "goals": "Jugendliche und Eltern kommen über ihren Ort ins Gespräch.",
            "fields_of_action": ["demokratiefoerderung"],
            "target_groups": rng.sample(["jugendliche", "eltern"], rng.randint(1, 2)),
            "location": town,
            "start": f"{rng.randint(1, 28):02d}.05.2026",
            "end": f"{rng.randint(1, 30):02d}.06.2026",
            "participants_planned": str(rng.randint(20, 300)),
        },
        "kosten": {
            "costs-0-category": "honorare",
            "costs-0-description": "Workshopleitung",
            "costs-0-quantity": str(hours),
            "costs-0-unit": "h",
            "costs-0-unit_price": "60,00",
            "costs-0-amount": _money(hours * 60),
            "costs-0-offers": "0",
            "costs-1-category": "sachausgaben",
            "costs-1-description": "Moderationsmaterial",
            "costs-1-amount": _money(material),
            "costs-2-category": "oeffentlichkeitsarbeit",
            "costs-2-description": "Plakate und Flyer",
            "costs-2-amount": f"{posters} €",
        },
        "finanzierung": financing,
        "erklaerungen": {
            name: "y"
            for name in (
                "not_started",
                "no_double_funding",
                "anbest_acknowledged",
                "data_correct",
                "publicity",
                "privacy_consent",
            )
        },
    }


class Applicant(HttpUser):
    """One applicant's browser (its own cookie jar): start, fill, upload, submit, again."""

    def wait_time(self) -> float:
        return THINK * random.uniform(0.5, 1.5)  # noqa: S311 – not for secrets

    def _think(self) -> None:
        if THINK > 0:
            time.sleep(self.wait_time())  # gevent-patched: yields to the other users

    def _get(self, url: str, name: str, expect: str | None = None) -> str:
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(_problem(response))
                raise FlowFailed(name)
            text = response.text
            if expect and expect not in text:
                response.failure(f"page without {expect!r}")
                raise FlowFailed(name)
            response.success()
            return text

    def _post(self, url: str, name: str, target: str, **kwargs: Any) -> str:
        """POST, expecting a redirect whose location contains ``target``; the location."""
        with self.client.post(
            url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code not in (302, 303) or target not in location:
                detail = _problem(response)
                if response.status_code in (302, 303):
                    detail += f" to {location.split('?')[0][-40:]}"
                response.failure(detail)
                raise FlowFailed(name)
            response.success()
            return location

    @task
    def apply(self) -> None:
        FLOWS["started"] += 1
        try:
            self._apply(application_data(random.Random()))  # noqa: S311
        except FlowFailed:
            return
        FLOWS["completed"] += 1

    def _apply(self, steps: dict[str, dict[str, Any]]) -> None:
        page = self._get(f"{BASE}/", "GET partnership", expect="csrf_token")
        location = self._post(
            f"{BASE}/{FUND}/antrag",
            "POST start",
            "/antragsteller",
            data={"csrf_token": _token(page)},
        )
        base = location.rsplit("/", 1)[0]
        for slug in STEPS:
            self._think()
            url = f"{base}/{slug}"
            page = self._get(url, f"GET step {slug}", expect="csrf_token")
            if slug == "erklaerungen":
                self._think()
                # the upload is a button of the declarations step's own form (issue 17.5)
                self._post(
                    url,
                    "POST upload",
                    "/erklaerungen",
                    data={
                        "csrf_token": _token(page),
                        "version": _match(_VERSION, page),
                        "action": "upload",
                        "kind": "attachment",
                    },
                    files={"file": ("Angebot_Workshopleitung_Müller.pdf", PDF, "application/pdf")},
                )
                page = self._get(url, "GET step erklaerungen", expect="Angebot_Workshopleitung")
            following = STEPS[STEPS.index(slug) + 1] if slug != STEPS[-1] else "pruefen"
            self._think()
            body = {
                "csrf_token": _token(page),
                "version": _match(_VERSION, page),
                "action": "next",
                **steps[slug],
            }
            self._post(url, f"POST step {slug}", f"/{following}", data=body)
        self._think()
        review = self._get(f"{base}/pruefen", "GET review", expect="idempotency_key")
        key = _match(_IDEMPOTENCY, review)
        self._think()
        receipt_url = self._post(
            f"{base}/einreichen",
            "POST submit",
            "/eingang",
            data={"csrf_token": _token(review), "idempotency_key": key},
        )
        receipt = self._get(receipt_url, "GET receipt", expect='id="reference"')
        CONFIRMED.append(
            {
                "app_id": int(base.rsplit("/", 1)[1]),
                "reference": _match(_REFERENCE, receipt),
                "idempotency_key": key,
            }
        )


def _problem(response: Any) -> str:
    """``HTTP 500``, or for no answer at all the connection error (status 0 in locust)."""
    if response.status_code == 0:
        return f"no answer: {type(response.error).__name__} {str(response.error)[:100]}"
    return f"HTTP {response.status_code}"


def _match(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    return found.group(1) if found else ""


def _token(page: str) -> str:
    return _match(_CSRF, page)
