"""How every process writes its log: plain text (the default) or, with INTAKE_LOG_FORMAT=json,
one JSON object a line for a log collector:

    {"time": "2024-05-01T09:30:00.123Z", "level": "WARNING", "logger": "bot.cases.outbox",
     "message": "outbox: ... not delivered ...", "process": "forwarder", "conversation": "..."}

`conversation` is the conversation id the line was written for, where there is one (a channel
handling a message, an action server call). A JSON line never carries a resident's words, name,
e-mail or phone number:
- the libraries' DEBUG lines (Rasa logs each message's text and slots at DEBUG) are dropped, and
  so are the loggers known to echo what a resident typed (`QUIET_LOGGERS`);
- an exception is given as its type and where it was raised (file, line, function), never its
  message, which may quote a value;
- anything shaped like an e-mail address or a phone number left in a message is replaced by
  [email] or [phone], as a last guard.
Our own code logs ids, references, counts and outcomes, never what was typed.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import traceback
from datetime import datetime, timezone

from bot import settings

FORMATS = ("text", "json")

# The conversation a line is written for (set by the channels and the action server).
conversation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "intake_conversation", default=None)

# Libraries whose INFO lines may quote a message, a slot or a request body.
QUIET_LOGGERS = ("rasa.core.processor", "rasa.core.actions.action", "rasa.core.policies",
                 "rasa.shared.core.trackers", "rasa.core.lock_store", "rasa_sdk.executor",
                 "rasa_sdk.forms", "sanic.access")
_OUR_PREFIXES = ("bot", "actions", "__main__")

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])(?:\+44\s?|\(?0)(?:[\s()-]*\d){9,10}(?!\d)")


def log_format() -> str:
    value = settings.get("INTAKE_LOG_FORMAT").strip().lower()
    if value not in FORMATS:
        raise settings.SettingError(f"INTAKE_LOG_FORMAT: expected {' or '.join(FORMATS)}, not {value!r}")
    return value


def redact(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def _ours(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in _OUR_PREFIXES)


class PrivacyFilter(logging.Filter):
    """Drops the lines that may carry what a resident typed (see the module's doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _ours(record.name):
            return True
        if record.levelno < logging.INFO:
            return False
        return not any(record.name == q or record.name.startswith(q + ".") for q in QUIET_LOGGERS)


class JsonFormatter(logging.Formatter):
    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string still gives a line
            message = str(record.msg)
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(message),
            "process": self.process,
        }
        current = getattr(record, "conversation", None) or conversation.get()
        if current:
            line["conversation"] = current
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            line["exception"] = {
                "type": f"{kind.__module__}.{kind.__qualname__}",
                "at": [f"{frame.filename}:{frame.lineno} {frame.name}"
                       for frame in traceback.extract_tb(tb)][-8:],
            }
        return json.dumps(line, ensure_ascii=False, default=str)


def apply(process: str) -> str:
    """Give every handler configured so far (the root's and each logger's) the chosen format.
    Called after a library set its own logging up (Rasa, the SDK, Sanic). Returns the format."""
    chosen = log_format()
    if chosen != "json":
        return chosen
    formatter, privacy = JsonFormatter(process), PrivacyFilter()
    logging.captureWarnings(True)  # a library's warning is a line like any other
    loggers = [logging.getLogger()] + [logger for logger in logging.root.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger)]
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.StreamHandler(sys.stderr))
    for logger in loggers:
        for handler in logger.handlers:
            handler.setFormatter(formatter)
            if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
                handler.addFilter(privacy)
    return chosen


def configure(process: str, level: str | None = None) -> str:
    """Set up logging for a process that has none of its own yet (the staff workspace, the
    forwarder): INTAKE_LOG_LEVEL, in INTAKE_LOG_FORMAT."""
    level = level or settings.get("INTAKE_LOG_LEVEL")
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return apply(process)
