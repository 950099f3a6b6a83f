"""Fixtures for the staff workspace tests: a migrated case store and a tracker store in a temporary
folder, the Flask app on them with a clock the tests move, staff accounts of each role, and a
client that signs in like a browser (reading the CSRF token from the form)."""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from argon2 import PasswordHasher, profiles

from bot.cases.db import make_engine, upgrade
from bot.cases.store import CaseStore
from bot.cases.submission import CaseSubmission
from bot.staff import auth
from tests.support.clock import LONDON, Clock

PASSWORD = "correct horse battery staple"
USERS = {"ada": ("Ada Advocate", "advocate"), "max": ("Max Manager", "manager"),
         "ann": ("Ann Admin", "admin")}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Argon2 with its cheapest parameters: the tests sign in often."""
    auth.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    auth.set_hasher(PasswordHasher())


def uk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(timezone.utc)


class Tracker:
    """A tracker store like Rasa's SQLTrackerStore makes (table `events`), filled by the tests."""

    def __init__(self, path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE events (id INTEGER NOT NULL PRIMARY KEY, sender_id "
                       "VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, "
                       "intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
        self.clock = 1_800_000_000.0

    def add(self, sender: str, type_name: str, data: dict, *, intent: str | None = None,
            action: str | None = None) -> int:
        self.clock += 1.5
        data = {"event": type_name, "timestamp": self.clock, **data}
        with sqlite3.connect(self.path) as db:
            cursor = db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, "
                "data) VALUES (?, ?, ?, ?, ?, ?)",
                (sender, type_name, self.clock, intent, action, json.dumps(data)))
            return cursor.lastrowid

    def user(self, sender: str, text: str, intent: str, confidence: float,
             ranking: list[tuple[str, float]] | None = None, channel: str = "rest") -> int:
        ranking = ranking or [(intent, confidence)]
        return self.add(sender, "user", {
            "text": text, "input_channel": channel,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
                           "entities": []}}, intent=intent)

    def bot(self, sender: str, text: str, buttons: list[tuple[str, str]] = ()) -> int:
        return self.add(sender, "bot", {"text": text, "data": {
            "buttons": [{"title": t, "payload": p} for t, p in buttons] or None}})

    def action(self, sender: str, name: str) -> int:
        return self.add(sender, "action", {"name": name}, action=name)


@pytest.fixture
def clock() -> Clock:
    # Monday 4 January 2027, 10am in London.
    return Clock(uk("2027-01-04T10:00"))


@pytest.fixture
def store(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    upgrade(engine)
    store = CaseStore(engine, clock=clock, forward=False)
    yield store
    store.dispose()


def store_on_either_database(database: str, tmp_path, clock, name: str, why: str):
    """A case store on SQLite or on a fresh PostgreSQL database `name` (skipped, saying `why`,
    when there is none), for the fixtures that run a module's tests on both."""
    if database == "sqlite":
        urls = iter([f"sqlite:///{tmp_path / 'intake.db'}"])
    else:
        from tests.support.services import fresh_postgres_database

        urls = fresh_postgres_database(name, why)
    for url in urls:
        engine = make_engine(url)
        upgrade(engine)
        store = CaseStore(engine, clock=clock, forward=False)
        try:
            yield store
        finally:
            store.dispose()
            engine.dispose()


@pytest.fixture
def tracker(tmp_path) -> Tracker:
    return Tracker(tmp_path / "tracker.db")


@pytest.fixture
def users(store, clock):
    with store.write() as db:
        for username, (name, role) in USERS.items():
            auth.create_user(db, username, name, role, PASSWORD, actor="test", now=clock())
    return USERS


@pytest.fixture
def app(store, tracker, clock, users):
    from bot.staff.app import create_app
    from bot.staff.transcripts import TrackerReader

    reader = TrackerReader(tracker.url)
    app = create_app(store=store, tracker=reader, secret_key="test-secret-" + "x" * 40,
                     secure_cookies=False, trusted_proxies=0, clock=clock)
    app.config["TESTING"] = True
    yield app
    reader.dispose()


def file(store, case_type: str = "complaint", **fields):
    fields.setdefault("channel", "rest")
    fields.setdefault("conversation_id", f"conv-{case_type}-{fields.get('name', 'x')}")
    fields.setdefault("description", "Something happened")
    # Care and new-build cases need a landlord that has those services.
    profile = "housing-ombudsman-code" if fields.get("service", "housing") == "housing" \
        else "housing-plus-group"
    case, _ = store.file_case(CaseSubmission(case_type=case_type, **fields), profile)
    return case


@dataclass
class Staff:
    """A Flask test client, signed in (or not)."""

    client: object

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def token(self, path: str = "/sign-in") -> str:
        page = self.client.get(path)
        found = CSRF.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {path} ({page.status_code})"
        return found.group(1)

    def post(self, path: str, data: dict | None = None, *, token_from: str | None = None,
             csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token(token_from or "/account"))
        return self.client.post(path, data=data, **kwargs)

    def sign_in(self, username: str, password: str = PASSWORD, **kwargs):
        token = self.token("/sign-in")
        return self.client.post("/sign-in", data={"username": username, "password": password,
                                                  "csrf_token": token}, **kwargs)


@pytest.fixture
def anonymous(app) -> Staff:
    return Staff(app.test_client())


@pytest.fixture
def signed_in(app):
    """signed_in("ada") -> a client signed in as that account."""
    def make(username: str) -> Staff:
        staff = Staff(app.test_client())
        response = staff.sign_in(username)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return staff
    return make
