"""An Awaab's Law emergency (made safe within 24 hours) is due at its hour, not the next day; the
deadline is kept as a UTC time, and exports and the overdue view keep working."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from bot.cases.export import case_to_dict, to_csv, to_json
from tests.cases.conftest import submission


def emergency(store, profile, key="e"):
    case, _ = store.file_case(submission(case_type="service_request", urgent=True,
                                         awaab_category="emergency"), profile, key)
    return case


def test_an_emergency_is_overdue_from_its_hour(store, profile, clock):
    clock.set_uk("2026-03-02T09:00")                      # Monday 09:00
    case = emergency(store, profile)
    assert case.deadlines["awaab_make_safe_by"] == "2026-03-03T09:00:00+00:00"
    assert case.deadline_at("awaab_make_safe_by") == datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
    assert case.deadline("awaab_make_safe_by") == date(2026, 3, 3)
    assert case.next_deadline == date(2026, 3, 3)

    assert not case.is_overdue(datetime(2026, 3, 3, 8, 59, tzinfo=timezone.utc))
    assert case.is_overdue(datetime(2026, 3, 3, 9, 1, tzinfo=timezone.utc))   # Tuesday, not Wednesday
    assert not case.is_overdue(date(2026, 3, 3))           # by date alone: due today

    # The staff queue's "overdue" view and the command line use the current time too.
    clock.set_uk("2026-03-03T08:59")
    assert store.query(overdue=True) == []
    clock.set_uk("2026-03-03T09:01")
    assert [c.reference for c in store.query(overdue=True)] == [case.reference]
    # The response does not stop Awaab's Law's clock; recording the hazard work as done does.
    store.record_response(case.reference, "staff:a", "made safe")
    assert [c.reference for c in store.query(overdue=True)] == [case.reference]
    store.record_hazard_work_done(case.reference, "staff:a", "made safe on site")
    assert store.query(overdue=True) == []
    assert not store.find_by_reference(case.reference).is_overdue(clock())


def test_summer_time_is_kept_in_utc(store, profile, clock):
    clock.set_uk("2026-07-06T23:30")                      # 22:30 UTC
    case = emergency(store, profile)
    assert case.deadlines["awaab_make_safe_by"] == "2026-07-07T22:30:00+00:00"
    assert case.next_deadline == date(2026, 7, 7)          # the UK date of 23:30 on the 7th


def test_a_significant_hazard_stays_in_working_days(store, profile):
    case, _ = store.file_case(submission(case_type="service_request",
                                         awaab_category="significant"), profile, "s")
    assert all(len(value) == 10 for key, value in case.deadlines.items() if key.startswith("awaab_"))


def test_exports_keep_the_time(store, profile, clock):
    clock.set_uk("2026-03-02T09:00")
    case = emergency(store, profile)
    data = case_to_dict(case)
    assert data["deadlines"]["awaab_make_safe_by"] == "2026-03-03T09:00:00+00:00"
    assert json.loads(to_json([data]))[0]["deadlines"]["awaab_make_safe_by"] == "2026-03-03T09:00:00+00:00"
    assert "2026-03-03T09:00:00+00:00" in to_csv([data])
