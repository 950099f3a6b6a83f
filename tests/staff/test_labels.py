"""Labels as they read on the pages: proper nouns keep their capitals inside a sentence, and
sentences built from several template lines keep their spaces."""
from __future__ import annotations

import re

from bot.staff import display
from tests.staff.conftest import file


def test_labels_inside_a_sentence_keep_their_proper_nouns():
    assert display.mid_sentence("Stage 1 response by") == "stage 1 response by"
    assert display.mid_sentence("Awaab's Law: investigate by") == "Awaab's Law: investigate by"
    assert display.mid_sentence("ASB report") == "ASB report"
    assert display.mid_sentence("New") == "new"
    assert display.mid_sentence("") == ""


def test_the_case_pages_opening_lines_read_as_sentences(signed_in, store):
    case = file(store, "service_request")  # the profile sets no timescale: nothing running
    page = signed_in("ada").get(f"/cases/{case.reference}").get_data(as_text=True)
    opening = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "No deadline is running. Not assigned." in opening
    report = file(store, "asb_report", conversation_id="asb-1")
    page = signed_in("ada").get("/conversation?id=asb-1").get_data(as_text=True)
    assert f"{report.reference}</a> (ASB report, new)" in page


def test_dates_are_typed_and_shown_the_uk_way(signed_in, store, clock):
    import pytest

    assert display.parse_day("27/3/2026") == display.parse_day("2026-03-27") == \
        display.parse_day("27.03.26") == display.parse_day(" 27-03-2026 ")
    for bad in ("31/2/2026", "3/27/2026", "next tuesday"):
        with pytest.raises(ValueError):
            display.parse_day(bad)
    file(store)
    staff = signed_in("ada")
    # Day first: 4/1/2027 is 4 January (the clock's day), not 1 April.
    queue = staff.get("/?view=all&from=4/1/2027&to=4/1/2027").get_data(as_text=True)
    assert 'value="04/01/2027"' in queue and "Showing 1 to 1 of 1" in queue.replace("\n", " ")
    assert 'type="date"' not in queue
    none = staff.get("/?view=all&from=5/1/2027").get_data(as_text=True)
    assert "Showing 1 to 1" not in none
    manager = signed_in("max")
    report = manager.get("/reports?from=1/12/2026&to=31/1/2027").get_data(as_text=True)
    assert 'value="01/12/2026"' in report and 'value="31/01/2027"' in report
    refused = manager.get("/reports?from=31/2/2027").get_data(as_text=True)
    assert "dates are day/month/year" in refused


def test_the_queue_filters_by_deadline_status_in_working_days(signed_in, store, clock):
    """Issue 20: a deadline status column and filter: overdue, due today, due within 5 working
    days (bank holidays not counted)."""
    clock.set_uk("2026-12-14T10:00")                       # Monday 14 December 2026
    late = file(store, conversation_id="late")             # acknowledge by Mon 21 December
    clock.set_uk("2026-12-16T10:00")
    today = file(store, conversation_id="today")           # acknowledge by Wed 23 December
    clock.set_uk("2026-12-22T10:00")
    soon = file(store, conversation_id="soon")             # acknowledge by Thu 31 December
    clock.set_uk("2026-12-23T10:00")
    later = file(store, conversation_id="later")           # acknowledge by Mon 4 January
    clock.set_uk("2026-12-23T11:00")                       # Christmas and Boxing Day ahead
    staff = signed_in("ada")
    everyone = (late, today, soon, later)

    def listed(due):
        page = staff.get(f"/?view=all&due={due}").get_data(as_text=True)
        return {c.reference for c in everyone if c.reference in page}

    assert listed("overdue") == {late.reference}
    assert listed("today") == {today.reference}
    # Thu 24, Tue 29, Wed 30, Thu 31 December, Mon 4 January: five working days ahead.
    assert listed("soon") == {today.reference, soon.reference, later.reference}
    assert listed("") == {c.reference for c in everyone}
    page = staff.get("/?view=all").get_data(as_text=True)
    assert "<th scope=\"col\">Deadline status</th>" in page
    assert "overdue by 2 working days" in page             # Tue 22 and Wed 23 December
    assert "due today" in page
    assert "due in 4 working days" in page                 # Thu 24, Tue 29, Wed 30, Thu 31
    assert "due in 5 working days" in page                 # ... and Mon 4 January
    page = staff.get("/?due=today").get_data(as_text=True)
    assert '<option value="today" selected>Due today</option>' in page
    assert "due=today" in page                            # kept in the tabs' and pages' links


def test_the_case_pages_date_fields_take_uk_dates_too(signed_in, store, clock):
    case = file(store)
    staff = signed_in("ada")
    page = staff.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'type="date"' not in page and "day/month/year, e.g. 27/3/2026" in page
    version = store.find_by_reference(case.reference).version
    added = staff.post(f"/cases/{case.reference}/follow_up",
                       {"follow_up_description": "Call back about the repair", "follow_up_due": "8/2/2027",
                        "version": version})
    assert added.status_code == 303, added.get_data(as_text=True)[:500]
    [item] = store.follow_ups(case.reference)
    assert item.due_date.isoformat() == "2027-02-08"                      # 8 February, day first
    wrong = staff.post(f"/cases/{case.reference}/follow_up",
                       {"follow_up_description": "Another", "follow_up_due": "31/2/2027",
                        "version": store.find_by_reference(case.reference).version})
    assert wrong.status_code == 400 and "is not a date" in wrong.get_data(as_text=True)
    assert 'value="31/2/2027"' in wrong.get_data(as_text=True)             # what was typed is kept
