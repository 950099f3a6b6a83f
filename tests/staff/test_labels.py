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
