"""Conversations as Rasa's SQL tracker store keeps them, read-only.

Rasa writes one row per event to the table `events` (sender_id, type_name, timestamp,
intent_name, action_name, data = the event as JSON). This module lists conversations (with how
the classifier fared in them) and turns one conversation's events into a transcript: the
resident's and the assistant's turns with their times, and for each resident message the intent
the assistant detected, its confidence and the runners-up.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from bot import settings
from bot import vocabulary
from bot.cases.tracker import EVENTS, event_data  # Rasa's table, defined once

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = ("action_default_fallback", "action_two_stage_fallback")
DEFAULT_LOW_CONFIDENCE = 0.6


def make_tracker_engine(url: str | None = None) -> Engine:
    url = settings.resolve_sqlite_path(url or settings.tracker_url())
    if make_url(url).get_backend_name() == "sqlite":
        # Rasa writes while we read: wait for its write lock rather than fail.
        return sa.create_engine(url, future=True,
                                connect_args={"timeout": 15, "check_same_thread": False})
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def _moment(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, timezone.utc)


def _epoch(day: date, *, end: bool = False) -> float:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=vocabulary.UK)
    return moment.timestamp()


@dataclass
class ConversationSummary:
    sender_id: str
    started_at: datetime | None
    last_at: datetime | None
    resident_messages: int
    fallbacks: int
    lowest_confidence: float | None
    channel: str | None
    cases: list[tuple[str, str]] = field(default_factory=list)   # (reference, type)
    first_message: str | None = None    # the first thing the resident typed (not a button)
    name: str | None = None             # the name they gave, if they gave one
    started_form: bool = False          # a form was started (so "no case" means left unfinished)


@dataclass
class Turn:
    """One line of a transcript."""

    kind: str                       # resident, assistant, session, fallback, action
    at: datetime | None
    event_id: int
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    channel: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    clicked: str | None = None      # the title of the button whose payload this message is
    name: str | None = None         # an action's name
    attachment: Any = None          # a file the resident sent (kind "evidence"): an Attachment
    fallback_after: bool = False    # the assistant fell back after this resident message

    @property
    def is_payload(self) -> bool:
        """A button press or typed command ("/affirm"): not classified by the NLU model."""
        return self.text.startswith("/")

    @property
    def correctable(self) -> bool:
        return self.kind == "resident" and bool(self.text.strip()) and not self.is_payload

    def low(self, threshold: float) -> bool:
        return (self.correctable and (self.intent == FALLBACK_INTENT or (
            self.confidence is not None and self.confidence < threshold)))

    def needs_review(self, threshold: float) -> bool:
        """Where a correction matters: a low confidence, or a fallback after the message."""
        return self.correctable and (self.low(threshold) or self.fallback_after)


class TrackerReader:
    def __init__(self, engine: Engine | str | None = None) -> None:
        self.engine = engine if isinstance(engine, Engine) else make_tracker_engine(engine)

    def dispose(self) -> None:
        self.engine.dispose()

    def available(self) -> bool:
        """Whether the tracker store has its table yet (Rasa makes it on first start)."""
        try:
            return sa.inspect(self.engine).has_table("events")
        except sa.exc.OperationalError:
            return False

    # -- the list ------------------------------------------------------------------------------

    def _json(self, *path: str):
        """A number at `path` in the event's JSON, in the database's own JSON functions."""
        if self.engine.dialect.name == "postgresql":
            expression = sa.cast(EVENTS.c.data, postgresql.JSONB)
            for key in path[:-1]:
                expression = expression[key]
            return expression[path[-1]].astext
        # SQLite: a row that is not JSON gives NULL rather than an error. (Rasa writes JSON;
        # PostgreSQL before 16 has no way to test text for it without raising.)
        return sa.case((sa.func.json_valid(EVENTS.c.data) == 1,
                        sa.func.json_extract(EVENTS.c.data, "$." + ".".join(path))), else_=None)

    def conversations(self, *, only: str = "all", threshold: float = DEFAULT_LOW_CONFIDENCE,
                      date_from: date | None = None, date_to: date | None = None,
                      search: str | None = None, limit: int = 50, offset: int = 0
                      ) -> tuple[list[ConversationSummary], int]:
        """Conversations, most recent first, and how many match. `only`: "all", "fallback" (the
        classifier fell back), "low" (a resident message classified below `threshold`, or a
        fallback)."""
        if not self.available():
            return [], 0
        e = EVENTS.c
        is_user = e.type_name == "user"
        confidence = sa.cast(self._json("parse_data", "intent", "confidence"), sa.Float)
        channel = self._json("input_channel")
        # A message the classifier could not place (nlu_fallback) is usually followed by a
        # fallback action; the assistant's own fallbacks come without it. Count the larger.
        nlu_fallbacks = sa.func.sum(sa.case((e.intent_name == FALLBACK_INTENT, 1), else_=0))
        action_fallbacks = sa.func.sum(sa.case((e.action_name.in_(FALLBACK_ACTIONS), 1), else_=0))
        fallbacks = sa.case((nlu_fallbacks > action_fallbacks, nlu_fallbacks),
                            else_=action_fallbacks)
        grouped = (
            sa.select(
                e.sender_id.label("sender_id"),
                sa.func.min(e.timestamp).label("started"),
                sa.func.max(e.timestamp).label("last"),
                sa.func.sum(sa.case((is_user, 1), else_=0)).label("messages"),
                fallbacks.label("fallbacks"),
                sa.func.min(sa.case((is_user, confidence), else_=None)).label("lowest"),
                sa.func.max(sa.case((is_user, channel), else_=None)).label("channel"),
            ).group_by(e.sender_id)
        )
        if search:
            grouped = grouped.where(e.sender_id.contains(search.strip(), autoescape=True))
        having = []
        if date_from is not None:
            having.append(sa.func.max(e.timestamp) >= _epoch(date_from))
        if date_to is not None:
            having.append(sa.func.min(e.timestamp) < _epoch(date_to, end=True))
        if only == "fallback":
            having.append(fallbacks > 0)
        elif only == "low":
            having.append(sa.or_(
                fallbacks > 0,
                sa.func.min(sa.case((is_user, confidence), else_=None)) < float(threshold)))
        if having:
            grouped = grouped.having(sa.and_(*having))
        inner = grouped.subquery()
        with self.engine.connect() as connection:
            total = connection.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one()
            rows = connection.execute(
                sa.select(inner).order_by(inner.c.last.desc(), inner.c.sender_id)
                .limit(limit).offset(offset)).all()
        return [ConversationSummary(
            sender_id=row.sender_id, started_at=_moment(row.started), last_at=_moment(row.last),
            resident_messages=int(row.messages or 0), fallbacks=int(row.fallbacks or 0),
            lowest_confidence=None if row.lowest is None else float(row.lowest),
            channel=row.channel) for row in rows], total

    def add_glance(self, summaries: list[ConversationSummary]) -> None:
        """Fill in what staff recognise a conversation by: its first typed message, the name the
        resident gave, and whether a form was started. One query for the page's conversations."""
        if not summaries or not self.available():
            return
        by_id = {s.sender_id: s for s in summaries}
        e = EVENTS.c
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(e.sender_id, e.type_name, e.data)
                .where(e.sender_id.in_(list(by_id)),
                       e.type_name.in_(("user", "slot", "active_loop")))
                .order_by(e.id)).all()
        for row in rows:
            summary, data = by_id[row.sender_id], event_data(row.data)
            if row.type_name == "user" and summary.first_message is None:
                text = str(data.get("text") or "").strip()
                opening = ((data.get("metadata") or {}).get("webchat") or {}).get("opening")
                if text and not text.startswith("/") and not opening:
                    summary.first_message = text
            elif row.type_name == "slot" and data.get("name") == "name":
                value = data.get("value")
                if isinstance(value, str) and value.strip() and value != "not given":
                    summary.name = value.strip()
            elif row.type_name == "active_loop" and data.get("name"):
                summary.started_form = True

    def conversations_mentioning(self, values: list[str], limit: int = 20) -> list[str]:
        """Conversations in which a resident typed (or a slot took) any of `values` (an e-mail
        address, a phone number as written on a case), ignoring case; at most `limit`, most
        recent first. Read from the stored JSON, so a value counts only as written there."""
        wanted = sorted({v.strip().lower() for v in values if v and len(v.strip()) >= 6})
        if not wanted or not self.available():
            return []
        e = EVENTS.c
        condition = sa.or_(*(sa.func.lower(e.data).contains(json.dumps(v)[1:-1], autoescape=True)
                             for v in wanted))
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(e.sender_id, sa.func.max(e.id).label("last"))
                .where(e.type_name.in_(("user", "slot")), condition)
                .group_by(e.sender_id).order_by(sa.desc("last")).limit(limit)).all()
        return [row.sender_id for row in rows]

    # -- one conversation ----------------------------------------------------------------------

    def event(self, sender_id: str, event_id: int) -> Turn | None:
        """One resident message of a conversation (for a correction)."""
        if not self.available():
            return None
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(EVENTS).where(
                EVENTS.c.id == int(event_id), EVENTS.c.sender_id == sender_id,
                EVENTS.c.type_name == "user")).first()
        return None if row is None else _user_turn(row, event_data(row.data))

    def transcript(self, sender_id: str, *, with_actions: bool = False) -> list[Turn]:
        """Every turn of one conversation, in order ([] if there is none)."""
        if not self.available():
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(EVENTS).where(EVENTS.c.sender_id == sender_id)
                                      .order_by(EVENTS.c.id)).all()
        turns: list[Turn] = []
        last_buttons: list[dict[str, str]] = []
        for row in rows:
            data = event_data(row.data)
            if row.type_name == "user":
                turn = _user_turn(row, data)
                for button in last_buttons:
                    if button.get("payload") == turn.text:
                        turn.clicked = button.get("title")
                turns.append(turn)
            elif row.type_name == "bot":
                buttons = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                           for b in ((data.get("data") or {}).get("buttons") or [])
                           if isinstance(b, dict)]
                quick = ((data.get("data") or {}).get("quick_replies") or [])
                buttons += [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                            for b in quick if isinstance(b, dict)]
                last_buttons = buttons or last_buttons
                turns.append(Turn("assistant", _moment(row.timestamp), row.id,
                                  text=str(data.get("text") or ""), buttons=buttons))
            elif row.type_name == "session_started":
                turns.append(Turn("session", _moment(row.timestamp), row.id))
            elif row.type_name == "action":
                name = row.action_name or data.get("name")
                if name in FALLBACK_ACTIONS:
                    for previous in reversed(turns):
                        if previous.kind == "resident":
                            previous.fallback_after = True
                            break
                        if previous.kind not in ("fallback", "action"):
                            break
                    turns.append(Turn("fallback", _moment(row.timestamp), row.id, name=name))
                elif with_actions and name != "action_listen":
                    turns.append(Turn("action", _moment(row.timestamp), row.id, name=name))
        return turns


def _user_turn(row, data: dict[str, Any]) -> Turn:
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    ranking = [(str(r.get("name")), float(r.get("confidence") or 0.0))
               for r in (parse.get("intent_ranking") or []) if isinstance(r, dict)]
    entities = [e for e in (parse.get("entities") or []) if isinstance(e, dict)]
    confidence = intent.get("confidence")
    return Turn("resident", _moment(row.timestamp), row.id, text=str(data.get("text") or ""),
                intent=intent.get("name") or row.intent_name,
                confidence=None if confidence is None else float(confidence),
                ranking=ranking[:5], entities=entities, channel=data.get("input_channel"))


def with_attachments(turns: list[Turn], rows: list) -> list[Turn]:
    """The transcript with the files the resident sent (which never reached the assistant, so
    are not in the tracker store) placed where they came, by time."""
    if not rows:
        return turns
    files = [Turn("evidence", row.received_at, -row.id, attachment=row) for row in rows]
    merged: list[Turn] = []
    for turn in turns:
        while files and turn.at is not None and files[0].at <= turn.at:
            merged.append(files.pop(0))
        merged.append(turn)
    return merged + files
