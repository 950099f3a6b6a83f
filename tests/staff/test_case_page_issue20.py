"""Issue 20 on the case page (Flask test client): correcting a field with the reason (roles,
escaping, the history), the "this resident" panel with linking and unlinking, the re-triage of
an Awaab's Law hazard, the history newest first (and turned), the transcript on its own tab with
intent corrections offered where they matter, and forms that answer with an error summary linked
to the fields instead of the browser's pop-ups."""
from __future__ import annotations

import re

from tests.staff.conftest import file

HOSTILE = "<script>alert(1)</script>"


def text(response) -> str:
    return response.get_data(as_text=True)


def version(store, reference) -> int:
    return store.find_by_reference(reference).version


def test_correcting_a_field_records_old_new_who_when_and_why(signed_in, store):
    case = file(store, name="Jo Bloggs", email="jo@exmaple.com",
                description="ive already told you this")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{case.reference}"))
    assert f'href="/cases/{case.reference}?correct=description#action-correct"' in page
    # The link opens the form on the field, starting from what the case says now.
    page = text(ada.get(f"/cases/{case.reference}?correct=email"))
    assert re.search(r'<option value="email" data-current="jo@exmaple.com" selected>', page)
    assert '<textarea id="fc-value" name="value"' in page and ">jo@exmaple.com</textarea>" in page
    answer = ada.post(f"/cases/{case.reference}/correct", {
        "field": "email", "value": "jo@example.com", "reason": "Typo: confirmed by phone",
        "version": version(store, case.reference)})
    assert answer.status_code == 303
    fresh = store.find_by_reference(case.reference)
    assert fresh.email == "jo@example.com" and fresh.email_key == "jo@example.com"
    entry = store.history(case.reference)[-1]
    assert (entry.kind, entry.actor) == ("field_corrected", "staff:ada")
    page = text(ada.get(f"/cases/{case.reference}"))
    history = page[page.index('<table class="history">'):]
    for shown in ("Corrected", "Field:</span> E-mail", "Was:</span> jo@exmaple.com",
                  "Now:</span> jo@example.com", "Reason:</span> Typo: confirmed by phone",
                  "staff:ada"):
        assert shown in history, shown


def test_a_correction_without_a_reason_or_with_a_bad_value_gets_an_error_summary(signed_in, store):
    case = file(store, name="Jo")
    ada = signed_in("ada")
    answer = ada.post(f"/cases/{case.reference}/correct", {
        "field": "name", "value": f"Jo {HOSTILE}", "reason": "",
        "version": version(store, case.reference)})
    page = text(answer)
    assert answer.status_code == 400
    assert '<div class="error-summary" role="alert"' in page and "There is a problem" in page
    assert '<a href="#fc-reason">Say why you are correcting it.</a>' in page
    assert 'id="fc-reason-error"' in page and 'aria-invalid="true"' in page
    assert HOSTILE not in page and "Jo &lt;script&gt;" in page    # what was typed, escaped
    assert "novalidate" in page and " required" not in page
    answer = ada.post(f"/cases/{case.reference}/correct", {
        "field": "email", "value": "nope", "reason": "typo",
        "version": version(store, case.reference)})
    assert answer.status_code == 400 and '<a href="#fc-value">' in text(answer)
    assert [e.kind for e in store.history(case.reference)] == ["filed"]
    # Corrections are kept escaped in the history too.
    assert ada.post(f"/cases/{case.reference}/correct", {
        "field": "name", "value": f"Jo {HOSTILE}", "reason": f"why {HOSTILE}",
        "version": version(store, case.reference)}).status_code == 303
    page = text(ada.get(f"/cases/{case.reference}"))
    assert HOSTILE not in page and "why &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_support_needs_are_corrected_only_by_those_who_may_see_them(signed_in, store):
    case = file(store, reasonable_adjustments="I have MS and cannot manage stairs")
    ada, max_ = signed_in("ada"), signed_in("max")
    page = text(ada.get(f"/cases/{case.reference}?correct=reasonable_adjustments"))
    assert "cannot manage stairs" not in page
    refused = ada.post(f"/cases/{case.reference}/correct", {
        "field": "reasonable_adjustments", "value": "none", "reason": "x",
        "version": version(store, case.reference)})
    assert refused.status_code == 400
    assert max_.post(f"/cases/{case.reference}/correct", {
        "field": "reasonable_adjustments", "value": "Ground floor only", "reason": "asked",
        "version": version(store, case.reference)}).status_code == 303
    page = text(ada.get(f"/cases/{case.reference}"))
    assert "cannot manage stairs" not in page and "Ground floor only" not in page
    assert "cannot manage stairs" in text(max_.get(f"/cases/{case.reference}"))


def test_the_resident_panel_finds_links_and_unlinks_her_other_cases(signed_in, store, tracker):
    complaint = file(store, name="Ann Smith", email="Ann@Example.com", postcode="LS1 4AP",
                     conversation_id="conv-complaint")
    asb = file(store, "asb_report", name="A. Smith", email="ann@example.com",
               conversation_id="conv-asb", description=f"Noise {HOSTILE}")
    by_postcode = file(store, "service_request", name="ann smith", postcode="ls14ap",
                       conversation_id="conv-sr")
    stranger = file(store, name="Bob", postcode="LS1 4AP", conversation_id="conv-bob")
    tracker.user("conv-lookup", "my email is ann@example.com", "inform", 0.9)
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{complaint.reference}"))
    panel = page[page.index('id="resident"'):page.index("</section>", page.index('id="resident"'))]
    assert asb.reference in panel and by_postcode.reference in panel
    assert stranger.reference not in panel
    assert "e-mail" in panel and "postcode and name" in panel
    assert HOSTILE not in panel and "Noise &lt;script&gt;" in panel
    assert "conversation?id=conv-asb" in panel and "conversation?id=conv-lookup" in panel
    # Link the ASB report: recorded in both histories, shown on both.
    assert ada.post(f"/cases/{complaint.reference}/link", {
        "other_reference": asb.reference,
        "version": version(store, complaint.reference)}).status_code == 303
    assert store.history(asb.reference)[-1].details["other_reference"] == complaint.reference
    other = text(ada.get(f"/cases/{asb.reference}"))
    assert "<strong>Linked</strong>" in other and complaint.reference in other
    # Unlink.
    assert ada.post(f"/cases/{asb.reference}/unlink", {
        "other_reference": complaint.reference,
        "version": version(store, asb.reference)}).status_code == 303
    assert store.linked_cases(complaint.reference) == []
    # A mistyped reference is said by the field.
    answer = ada.post(f"/cases/{complaint.reference}/link", {
        "other_reference": "CMP-XXXXX-X", "version": version(store, complaint.reference)})
    assert answer.status_code == 400 and '<a href="#link-reference">' in text(answer)


def test_retriage_raises_the_hazard_with_the_reason(signed_in, store, clock):
    case = file(store, description="Mould in the bedroom")
    ada = signed_in("ada")
    answer = ada.post(f"/cases/{case.reference}/retriage", {
        "awaab_category": "significant", "retriage_reason": "",
        "version": version(store, case.reference)})
    assert answer.status_code == 400 and '<a href="#rt-reason">' in text(answer)
    answer = ada.post(f"/cases/{case.reference}/retriage", {
        "awaab_category": "significant", "retriage_reason": "A child is coughing",
        "version": version(store, case.reference)})
    assert answer.status_code == 303, text(answer)[:400]
    page = text(ada.get(f"/cases/{case.reference}"))
    assert "Awaab&#39;s Law: investigate by" in page
    assert "Hazard re-triaged (Awaab&#39;s Law)" in page and "A child is coughing" in page
    assert store.find_by_reference(case.reference).awaab_category == "significant"


def test_history_newest_first_with_a_control_to_turn_it(signed_in, store):
    case = file(store)
    store.add_note(case.reference, "first note", "staff:ada")
    store.add_note(case.reference, "second note", "staff:ada")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{case.reference}"))
    assert page.index("second note") < page.index("first note")
    assert "Show the oldest first" in page
    page = text(ada.get(f"/cases/{case.reference}?history=oldest"))
    assert page.index("first note") < page.index("second note") and "Show the newest first" in page


def test_the_transcript_has_its_own_tab_and_offers_corrections_where_they_matter(
        signed_in, store, tracker):
    tracker.user("conv-t", "hello", "greet", 0.99)
    tracker.user("conv-t", "the thing with the stuff", "inform", 0.31)
    tracker.user("conv-t", "blah", "affirm", 0.95)
    tracker.action("conv-t", "action_default_fallback")
    case = file(store, conversation_id="conv-t")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{case.reference}"))
    assert "ol class=\"transcript\"" not in page
    assert f'href="/cases/{case.reference}/conversation"' in page
    tab = text(ada.get(f"/cases/{case.reference}/conversation"))
    turns = re.split(r'<li class="resident', tab)[1:]
    assert len(turns) == 3
    confident, low, fell_back = turns
    assert '<details class="correct-on-demand">' in confident        # on demand only
    assert "correct-on-demand" not in low and 'name="intent"' in low    # low confidence: offered
    assert "correct-on-demand" not in fell_back                         # a fallback after it


def test_the_deadline_status_is_shown_on_the_case_in_working_days(signed_in, store, clock):
    clock.set_uk("2026-12-23T10:00")             # Wednesday 23 December 2026
    case = file(store)                           # acknowledge by Monday 4 January 2027
    page = text(signed_in("ada").get(f"/cases/{case.reference}"))
    assert "due in 5 working days" in page       # 24, 29, 30, 31 December and 4 January
