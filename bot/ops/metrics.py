"""Every Prometheus metric the processes export, defined in one place (docs/operations.md says
what each means and what to do when an alert fires).

Each process counts what happens in it and serves its own registry on a port of its own, set by
INTAKE_METRICS_<PROCESS>_PORT (off while empty) on INTAKE_METRICS_HOST (loopback by default):
never on the residents' listener, which serves only /webhooks/ and /socket.io/. A process
starts the endpoint with `serve("rasa")` (or "actions", "staff", "forwarder").

The labels are small fixed sets (a channel, an outcome, a case type, a service key of the
policy profile): never a conversation id, a reference or anything a resident typed.

Two gauges are worked out when Prometheus scrapes, from the case store, by the process that has
one open (`watch_store`): the outbox's backlog (the forwarder) and the overdue cases (the staff
workspace). A failed query is counted in intake_metrics_collect_errors_total and the gauge is
left out of that scrape rather than reported as 0.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily

from bot import settings

log = logging.getLogger(__name__)

# Every metric of the project is in this registry (not prometheus_client's global one, so a test
# or a library's own metrics cannot mix in); the process and platform collectors are added.
REGISTRY = CollectorRegistry(auto_describe=True)

PROCESSES = ("rasa", "actions", "staff", "forwarder")


def port_setting(process: str) -> str:
    """The setting that turns `process`'s metrics endpoint on: INTAKE_METRICS_RASA_PORT, ..."""
    if process not in PROCESSES:
        raise KeyError(process)
    return f"INTAKE_METRICS_{process.upper()}_PORT"


# -- the Rasa server: messages on the channels, turns, the classifier --

MESSAGES = Counter(
    "intake_messages", "Residents' messages by channel and outcome: answered (the assistant "
    "replied), refused (too long or too fast; see intake_refusals_total), failed (the assistant "
    "failed and the resident was told to send it again)",
    ["channel", "outcome"], registry=REGISTRY)
REFUSALS = Counter(
    "intake_refusals", "Messages refused by the channels' limits: too_long "
    "(INTAKE_MAX_MESSAGE_CHARS) or too_fast (the rate limits)",
    ["channel", "reason"], registry=REGISTRY)
TURN_SECONDS = Histogram(
    "intake_turn_seconds", "Seconds from a message reaching a channel to the assistant's replies "
    "(classifier, rules, action server calls, stores)", ["channel"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 45, 90, 180), registry=REGISTRY)
NLU_MESSAGES = Counter(
    "intake_nlu_messages", "Typed messages the classifier read (button presses left out)",
    registry=REGISTRY)
NLU_FALLBACKS = Counter(
    "intake_nlu_fallbacks", "Typed messages the classifier could not place (nlu_fallback) before "
    "the pending question or the clarifying question read them", registry=REGISTRY)

# -- the action server: calls, forms, filing, safety, look-ups --

ACTION_CALLS = Counter(
    "intake_action_calls", "Calls to the action server by action and outcome: ok, error (the "
    "action failed: 500) or refused (no shared secret: 401)", ["action", "outcome"],
    registry=REGISTRY)
ACTION_SECONDS = Histogram(
    "intake_action_seconds", "Seconds the action server took to run one action", ["action"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60), registry=REGISTRY)
CLARIFYING_QUESTIONS = Counter(
    "intake_clarifying_questions", "Times the assistant asked which kind of feedback a message is",
    registry=REGISTRY)
FORMS_STARTED = Counter(
    "intake_forms_started", "Intake forms started, by kind (unclear: the form asks the kind first)",
    ["kind"], registry=REGISTRY)
FORMS_STOPPED = Counter(
    "intake_forms_stopped", "Forms the resident stopped (stop, cancel) before filing",
    registry=REGISTRY)
CASES_FILED = Counter(
    "intake_cases_filed", "Cases filed from a conversation, by case type and service (a repeated "
    "confirmation that returns the same case is not counted again)", ["case_type", "service"],
    registry=REGISTRY)
FILING_FAILURES = Counter(
    "intake_filing_failures", "Confirmed forms the case store could not take (the resident was "
    "told, and the answers kept)", registry=REGISTRY)
SAFETY_RECORDS = Counter(
    "intake_safety_records", "Safety concerns recorded for staff by trigger (a new record, or new "
    "words added to the conversation's open one)", ["trigger", "outcome"], registry=REGISTRY)
CASE_LOOKUPS = Counter(
    "intake_case_lookups", "Residents' look-ups of a case by reference and postcode or e-mail: "
    "found, not_matched, or refused while locked out", ["outcome"], registry=REGISTRY)
LOCKOUTS = Counter(
    "intake_lookup_lockouts", "Look-ups that failed once too often and locked the conversation or "
    "the reference out", registry=REGISTRY)

# -- the forwarder --

DELIVERIES = Counter(
    "intake_outbox_deliveries", "Outbox messages sent to the landlord's system, by outcome "
    "(delivered or failed: tried again after a back-off)", ["outcome"], registry=REGISTRY)
DELIVERY_ROUNDS_FAILED = Counter(
    "intake_outbox_rounds_failed", "Delivery rounds that failed as a whole (the case store did "
    "not answer)", registry=REGISTRY)
LAST_ROUND = Gauge(
    "intake_outbox_last_round_timestamp_seconds", "When the forwarder last finished a delivery "
    "round (Unix time)", registry=REGISTRY)

# -- the staff workspace --

STAFF_SIGN_INS = Counter(
    "intake_staff_sign_ins", "Staff sign-ins by outcome: ok, refused (wrong name or password), "
    "locked (the account is locked), throttled (too many failures from one network)",
    ["outcome"], registry=REGISTRY)

# -- gauges worked out at scrape time (watch_store) --

OUTBOX_BACKLOG = "intake_outbox_backlog"
OUTBOX_OLDEST = "intake_outbox_oldest_seconds"
CASES_OVERDUE = "intake_cases_overdue"
FORMS_ABANDONED = "intake_forms_abandoned"
SCRAPE_TIME_GAUGES = {
    OUTBOX_BACKLOG: "Outbox messages not yet delivered to the landlord's system",
    OUTBOX_OLDEST: "Age in seconds of the oldest outbox message not yet delivered (0: none)",
    CASES_OVERDUE: "Open cases past a deadline that counts now, by case type and stage",
    FORMS_ABANDONED: "Conversations whose intake form is still open with no message for an hour: "
                     "residents who left before filing (read from the tracker store)",
}
COLLECT_ERRORS = Counter(
    "intake_metrics_collect_errors", "Scrapes in which a gauge read from the case store could "
    "not be worked out (the gauge is missing from that scrape)", ["gauge"], registry=REGISTRY)


class _StoreGauges:
    """A collector asking the case store at scrape time. `backlog` returns (waiting, oldest
    age in seconds); `overdue` returns {(case_type, stage): count}; `abandoned` the number of
    forms left open."""

    def __init__(self, backlog: Callable[[], tuple[int, float]] | None,
                 overdue: Callable[[], Mapping[tuple[str, str], int]] | None,
                 abandoned: Callable[[], int] | None = None) -> None:
        self.backlog, self.overdue, self.abandoned = backlog, overdue, abandoned

    def describe(self):
        return []  # worked out at scrape time only: nothing to query when registering

    def collect(self):
        if self.backlog is not None:
            try:
                waiting, oldest = self.backlog()
            except Exception:  # noqa: BLE001 - a scrape must not fail with the database
                log.warning("metrics: the outbox backlog could not be read", exc_info=True)
                COLLECT_ERRORS.labels(OUTBOX_BACKLOG).inc()
            else:
                yield GaugeMetricFamily(OUTBOX_BACKLOG, SCRAPE_TIME_GAUGES[OUTBOX_BACKLOG], waiting)
                yield GaugeMetricFamily(OUTBOX_OLDEST, SCRAPE_TIME_GAUGES[OUTBOX_OLDEST], oldest)
        if self.overdue is not None:
            try:
                counts = dict(self.overdue())
            except Exception:  # noqa: BLE001
                log.warning("metrics: the overdue cases could not be counted", exc_info=True)
                COLLECT_ERRORS.labels(CASES_OVERDUE).inc()
            else:
                family = GaugeMetricFamily(CASES_OVERDUE, SCRAPE_TIME_GAUGES[CASES_OVERDUE],
                                           labels=["case_type", "stage"])
                for (case_type, stage), count in sorted(counts.items()):
                    family.add_metric([case_type, stage], count)
                yield family
        if self.abandoned is not None:
            try:
                left = self.abandoned()
            except Exception:  # noqa: BLE001
                log.warning("metrics: the forms left open could not be counted", exc_info=True)
                COLLECT_ERRORS.labels(FORMS_ABANDONED).inc()
            else:
                yield GaugeMetricFamily(FORMS_ABANDONED, SCRAPE_TIME_GAUGES[FORMS_ABANDONED], left)


_watched: list[_StoreGauges] = []


def watch_store(*, backlog=None, overdue=None, abandoned=None) -> None:
    """Report the outbox backlog, the overdue cases and/or the forms left open at each scrape
    (once per process)."""
    for collector in _watched:
        REGISTRY.unregister(collector)
    _watched.clear()
    collector = _StoreGauges(backlog, overdue, abandoned)
    REGISTRY.register(collector)
    _watched.append(collector)


# -- recording, for the code where things happen --

def message(channel: str, outcome: str) -> None:
    MESSAGES.labels(channel, outcome).inc()


def refused(channel: str, status: int) -> None:
    """A message a channel's limits refused (413: too long, 429: too fast)."""
    REFUSALS.labels(channel, "too_long" if status == 413 else "too_fast").inc()
    MESSAGES.labels(channel, "refused").inc()


@contextmanager
def turn(channel: str) -> Iterator[None]:
    """Time one message's turn; counted answered, or failed when it raises."""
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        MESSAGES.labels(channel, "failed").inc()
        raise
    else:
        MESSAGES.labels(channel, "answered").inc()
    finally:
        TURN_SECONDS.labels(channel).observe(time.perf_counter() - start)


def safely(record: Callable[[], None]) -> None:
    """Run a recording that must never break what it counts."""
    try:
        record()
    except Exception:  # noqa: BLE001
        log.debug("metrics: recording failed", exc_info=True)


# -- serving --

_served: dict[str, int] = {}


def configured_port(process: str) -> int | None:
    """The metrics port of `process`, or None when its endpoint is off (raises SettingError)."""
    name = port_setting(process)
    if not settings.get(name).strip():
        return None
    return settings.integer(name, 1, 65535)


def serve(process: str) -> int | None:
    """Start `process`'s metrics endpoint (a thread) when its port is set; the port, or None.

    The endpoint answers GET /metrics (and any path) with this process's metrics in Prometheus's
    text format; it has no authentication, so it listens on INTAKE_METRICS_HOST only (loopback
    by default). A process serves once: a second call returns the port already served. A port
    that cannot be listened on is logged as an error and the process goes on without metrics."""
    if process in _served:
        return _served[process]
    port = configured_port(process)
    if port is None:
        return None
    host = settings.get("INTAKE_METRICS_HOST")
    from prometheus_client import GC_COLLECTOR, PLATFORM_COLLECTOR, PROCESS_COLLECTOR

    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        try:
            REGISTRY.register(collector)
        except ValueError:
            pass  # registered already
    try:
        start_http_server(port, addr=host, registry=REGISTRY)
    except OSError as error:
        # The residents come first: a process whose metrics port is taken still serves them.
        log.error("metrics of the %s process: cannot listen on %s:%s (%s): no metrics from it",
                  process, host, port, error.strerror or error)
        return None
    _served[process] = port
    log.info("metrics of the %s process on http://%s:%s/metrics", process, host, port)
    return port


def metric_names() -> set[str]:
    """Every sample name the project exports (counters with _total, histograms with _bucket,
    _sum and _count), for the tests checking the alert rules and the dashboard."""
    names: set[str] = set(SCRAPE_TIME_GAUGES)
    for metric in REGISTRY.collect():
        if metric.name in SCRAPE_TIME_GAUGES:
            continue
        if metric.type == "counter":
            names |= {metric.name + "_total", metric.name + "_created"}
        elif metric.type == "histogram":
            names |= {metric.name + suffix for suffix in ("_bucket", "_sum", "_count", "_created")}
        else:
            names.add(metric.name)
    return names
