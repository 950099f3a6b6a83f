"""The working-day calendar around its hard edges, with dates worked out by hand.

Rule: "within N working days of D" is the Nth working day after D; D never counts. England and
Wales bank holidays 2026: 1 Jan, 3 Apr, 6 Apr, 4 May, 25 May, 31 Aug, 25 Dec, 28 Dec (substitute
for Boxing Day, a Saturday). 2027: 1 Jan, 26 Mar, 29 Mar, 3 May, 31 May, 30 Aug, 27 and 28 Dec
(substitutes for Christmas Day and Boxing Day, a weekend).
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from bot.workdays import (
    REGIONS, add_calendar_days, add_working_days, bank_holidays, is_bank_holiday, is_working_day,
    next_working_day, working_days_between,
)

ENG, SCT, NIR = "england-and-wales", "scotland", "northern-ireland"


# --- weekends ---------------------------------------------------------------------------------------

def test_weekends_are_not_working_days():
    assert is_working_day(date(2027, 1, 8))          # Friday
    assert not is_working_day(date(2027, 1, 9))      # Saturday
    assert not is_working_day(date(2027, 1, 10))     # Sunday
    assert is_working_day(date(2027, 1, 11))         # Monday


@pytest.mark.parametrize("received", [date(2027, 1, 8), date(2027, 1, 9), date(2027, 1, 10)],
                         ids=["friday", "saturday", "sunday"])
def test_friday_saturday_and_sunday_all_count_from_monday(received):
    # D itself never counts, working day or not: 5 working days from Fri, Sat or Sun 8-10 Jan
    # 2027 are Mon 11 .. Fri 15.
    assert add_working_days(received, 1) == date(2027, 1, 11)
    assert add_working_days(received, 5) == date(2027, 1, 15)


def test_a_working_day_itself_is_not_counted():
    assert add_working_days(date(2027, 1, 11), 1) == date(2027, 1, 12)   # Mon -> Tue
    assert add_working_days(date(2027, 1, 11), 5) == date(2027, 1, 18)   # Mon -> next Mon


def test_zero_working_days_is_the_day_itself_and_negative_is_refused():
    assert add_working_days(date(2027, 1, 9), 0) == date(2027, 1, 9)
    with pytest.raises(ValueError):
        add_working_days(date(2027, 1, 9), -1)
    with pytest.raises(ValueError):
        add_calendar_days(date(2027, 1, 9), -1)


def test_datetimes_are_reduced_to_their_date():
    assert add_working_days(datetime(2027, 1, 8, 23, 59), 1) == date(2027, 1, 11)
    assert type(add_working_days(datetime(2027, 1, 8, 9), 1)) is date
    assert is_working_day(datetime(2027, 1, 8, 9))


# --- Christmas and New Year, with substitute days --------------------------------------------------

def test_christmas_2026_boxing_day_substitute_is_monday_28_december():
    assert not is_working_day(date(2026, 12, 25))    # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 28))    # substitute for Boxing Day (Saturday 26th)
    assert is_working_day(date(2026, 12, 29))
    assert is_bank_holiday(date(2026, 12, 28))


def test_christmas_2027_has_two_substitute_days():
    assert not is_working_day(date(2027, 12, 27))    # substitute for Christmas Day (Saturday)
    assert not is_working_day(date(2027, 12, 28))    # substitute for Boxing Day (Sunday)
    assert is_working_day(date(2027, 12, 29))


def test_new_year_2028_substitute_is_monday_3_january():
    assert not is_working_day(date(2028, 1, 3))      # New Year's Day was a Saturday
    assert is_working_day(date(2028, 1, 4))


def test_five_working_days_across_christmas_2026():
    # Wed 23 Dec 2026: Thu 24 (1), [Fri 25, Sat, Sun, Mon 28 holiday], Tue 29 (2), Wed 30 (3),
    # Thu 31 (4), [Fri 1 Jan holiday, weekend], Mon 4 Jan (5).
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    # Thu 24 Dec: 29, 30, 31, 4 Jan, 5 Jan.
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)
    # Christmas Day itself counts from that day like any other.
    assert add_working_days(date(2026, 12, 25), 5) == date(2027, 1, 5)


def test_five_working_days_across_christmas_2027_and_new_year_2028():
    # Thu 23 Dec 2027: Fri 24 (1), [25-28], Wed 29 (2), Thu 30 (3), Fri 31 (4),
    # [Sat 1, Sun 2, Mon 3 Jan substitute], Tue 4 Jan 2028 (5).
    assert add_working_days(date(2027, 12, 23), 5) == date(2028, 1, 4)


def test_ten_working_days_across_the_new_year():
    # From Mon 4 Jan 2027: 5-8 (4), 11-15 (9), Mon 18 (10).
    assert add_working_days(date(2027, 1, 4), 10) == date(2027, 1, 18)
    # From Fri 18 Dec 2026: 21, 22, 23, 24 (4), 29, 30, 31 (7), 4, 5, 6 Jan (10).
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


# --- Easter, May and August ------------------------------------------------------------------------

def test_easter_2026():
    assert not is_working_day(date(2026, 4, 3))     # Good Friday
    assert not is_working_day(date(2026, 4, 6))     # Easter Monday
    # Thu 2 Apr: [3 Apr, weekend, 6 Apr], Tue 7 (1) .. Fri 10 (4), Mon 13 (5).
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 5) == date(2026, 4, 13)


def test_easter_2027_is_in_march():
    assert not is_working_day(date(2027, 3, 26))    # Good Friday
    assert not is_working_day(date(2027, 3, 29))    # Easter Monday
    # Thu 25 Mar: 30, 31 Mar, 1, 2, 5 Apr.
    assert add_working_days(date(2027, 3, 25), 5) == date(2027, 4, 5)


def test_may_bank_holidays():
    assert add_working_days(date(2026, 5, 1), 1) == date(2026, 5, 5)     # early May: Mon 4 May
    assert add_working_days(date(2026, 5, 22), 1) == date(2026, 5, 26)   # spring: Mon 25 May
    assert add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 4)    # early May: Mon 3 May
    assert add_working_days(date(2027, 5, 28), 1) == date(2027, 6, 1)    # spring: Mon 31 May


def test_august_bank_holiday():
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 1)    # Mon 31 Aug 2026
    assert add_working_days(date(2027, 8, 27), 1) == date(2027, 8, 31)   # Mon 30 Aug 2027
    # In England the first Monday of August is an ordinary working day.
    assert is_working_day(date(2026, 8, 3))


# --- leap years --------------------------------------------------------------------------------------

def test_leap_day_2028_is_a_working_day_and_counted():
    assert is_working_day(date(2028, 2, 29))                              # a Tuesday
    assert add_working_days(date(2028, 2, 25), 2) == date(2028, 2, 29)   # Fri -> Mon 28, Tue 29
    assert add_working_days(date(2028, 2, 28), 2) == date(2028, 3, 1)


def test_calendar_days_across_february():
    assert add_calendar_days(date(2028, 2, 28), 1) == date(2028, 2, 29)
    assert add_calendar_days(date(2028, 2, 1), 28) == date(2028, 2, 29)
    assert add_calendar_days(date(2027, 2, 1), 28) == date(2027, 3, 1)
    assert add_calendar_days(date(2026, 12, 20), 28) == date(2027, 1, 17)


# --- Scotland and Northern Ireland ------------------------------------------------------------------

def test_scotland_2_january():
    assert not is_working_day(date(2026, 1, 2), SCT)
    assert is_working_day(date(2026, 1, 2), ENG)
    # Wed 31 Dec 2025 + 1: England Fri 2 Jan; Scotland Mon 5 Jan.
    assert add_working_days(date(2025, 12, 31), 1, ENG) == date(2026, 1, 2)
    assert add_working_days(date(2025, 12, 31), 1, SCT) == date(2026, 1, 5)


def test_scotland_new_year_2027_substitute_for_2_january():
    # 1 Jan 2027 is a Friday, 2 Jan a Saturday: Scotland takes Monday 4 January too.
    assert not is_working_day(date(2027, 1, 4), SCT)
    assert add_working_days(date(2026, 12, 31), 1, ENG) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 1, SCT) == date(2027, 1, 5)


def test_scotland_first_monday_of_august_not_the_last():
    assert not is_working_day(date(2026, 8, 3), SCT)
    assert is_working_day(date(2026, 8, 31), SCT)
    assert add_working_days(date(2026, 7, 31), 1, SCT) == date(2026, 8, 4)
    assert add_working_days(date(2026, 7, 31), 1, ENG) == date(2026, 8, 3)


def test_scotland_st_andrews_day():
    assert not is_working_day(date(2026, 11, 30), SCT)   # a Monday
    assert is_working_day(date(2026, 11, 30), ENG)
    assert add_working_days(date(2026, 11, 27), 1, SCT) == date(2026, 12, 1)


def test_scotland_has_no_easter_monday():
    assert is_working_day(date(2026, 4, 6), SCT)
    assert not is_working_day(date(2026, 4, 3), SCT)      # but Good Friday is a holiday
    assert add_working_days(date(2026, 4, 2), 1, SCT) == date(2026, 4, 6)


def test_northern_ireland_st_patrick_and_the_twelfth():
    assert not is_working_day(date(2026, 3, 17), NIR)
    assert is_working_day(date(2026, 3, 17), ENG)
    assert not is_working_day(date(2026, 7, 13), NIR)     # 12 July 2026 is a Sunday
    assert add_working_days(date(2026, 7, 10), 1, NIR) == date(2026, 7, 14)


def test_unknown_region_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="england-and-wales"):
        is_working_day(date(2026, 1, 1), "wales-only")
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), 3, "ENG")
    assert set(REGIONS) == {ENG, SCT, NIR}


# --- cross-checks ------------------------------------------------------------------------------------

@pytest.mark.parametrize("year", [2026, 2027])
def test_weekday_bank_holidays_match_domain_md(year, domain_text):
    """DOMAIN.md lists the England and Wales bank holidays that fall on weekdays."""
    found = re.search(rf"{year}: ([^.]*?)\.", domain_text[domain_text.index("England and Wales 2026"):])
    assert found, f"DOMAIN.md has no list for {year}"
    months = {m: i + 1 for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}
    listed = {date(year, months[m], int(d)) for d, m in re.findall(r"(\d{1,2}) ([A-Z][a-z]{2})", found.group(1))}
    ours = {d for d in bank_holidays(year, ENG) if d.weekday() < 5}
    assert listed == ours


def test_working_days_between_inverts_add_working_days():
    start = date(2026, 12, 18)
    for n in range(0, 30):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(date(2027, 1, 5), date(2027, 1, 4)) == 0
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_bank_holidays_are_in_date_order_with_names():
    holidays_2027 = bank_holidays(2027)
    assert list(holidays_2027) == sorted(holidays_2027)
    assert "Christmas" in holidays_2027[date(2027, 12, 27)]
