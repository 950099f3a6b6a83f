"""The staff workspace through Flask's test client: who may see and do what, the queue, the case
page and every action, escaping, CSV downloads, conversation review, reports and administration."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from bot.cases.submission import CaseSubmission
from bot.staff.models import StaffSession
from tests.staff.conftest import PASSWORD, Staff, file

HOSTILE = "<script>alert(1)</script>"
PAGES = ["/", "/cases.csv", "/conversations", "/corrections", "/corrections/export.yml",
         "/reports", "/reports/tsm.csv", "/admin/users", "/admin/settings", "/account"]


def text(response) -> str:
    return response.get_data(as_text=True)


# --- who may see what ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_redirects_to_sign_in_without_a_session(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_case_page_without_a_session_and_posts_without_one(anonymous, store):
    case = file(store)
    response = anonymous.get(f"/cases/{case.reference}")
    assert response.status_code == 302 and case.reference in response.headers["Location"]
    # A form posted without the CSRF token is refused; with one but not signed in: 401.
    assert anonymous.client.post(f"/cases/{case.reference}/note", data={"text": "x"}).status_code == 403
    token = anonymous.token("/sign-in")
    response = anonymous.client.post(f"/cases/{case.reference}/note",
                                     data={"text": "x", "csrf_token": token})
    assert response.status_code == 401
    assert store.history(case.reference)[-1].kind == "filed"


def test_health_and_static_files_need_no_session(anonymous):
    assert anonymous.get("/healthz").status_code == 200
    css = anonymous.get("/static/staff.css")
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]


@pytest.mark.parametrize("username,allowed,refused", [
    ("ada", ["/", "/conversations", "/corrections", "/account"],
     ["/reports", "/reports/by-type.csv", "/admin/users", "/admin/settings"]),
    ("max", ["/", "/reports", "/reports/by-type.csv"], ["/admin/users", "/admin/settings"]),
    ("ann", ["/", "/reports", "/admin/users", "/admin/settings"], []),
])
def test_roles(signed_in, username, allowed, refused):
    staff = signed_in(username)
    for path in allowed:
        assert staff.get(path).status_code == 200, path
    for path in refused:
        response = staff.get(path)
        assert response.status_code == 403, path
        assert "needs the" in text(response) and "role" in text(response)


def test_the_navigation_shows_only_what_the_role_may_use(signed_in):
    page = text(signed_in("ada").get("/"))
    assert ">Cases<" in page and ">Conversations<" in page
    assert ">Reports<" not in page and ">Staff accounts<" not in page
    assert ">Reports<" in text(signed_in("max").get("/"))
    assert ">Staff accounts<" in text(signed_in("ann").get("/"))


# --- signing in and out -------------------------------------------------------------------------

def test_sign_in_sets_a_secure_session_cookie_and_follows_next(app, anonymous):
    response = anonymous.sign_in("ada")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert anonymous.get("/").status_code == 200
    # `next` leads only to a path of this site.
    staff = Staff(app.test_client())
    token = staff.token()
    for target, expected in (("/conversations?show=low", "/conversations?show=low"),
                             ("https://evil.example/", "/"), ("//evil.example/x", "/"),
                             ("/\\evil.example", "/")):
        staff.client.delete_cookie("intake_staff")
        token = staff.token()
        response = staff.client.post("/sign-in", data={"username": "ada", "password": PASSWORD,
                                                       "csrf_token": token, "next": target})
        assert response.headers["Location"] == expected, target


def test_secure_cookies_setting(store, tracker, clock, users):
    from bot.staff.app import create_app

    app = create_app(store=store, tracker_url=tracker.url, secret_key="k" * 40,
                     secure_cookies=True, trusted_proxies=0, clock=clock)
    client = app.test_client()
    base = "https://staff.example"
    page = client.get("/sign-in", base_url=base)
    assert "Secure" in page.headers["Set-Cookie"]
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(page)).group(1)
    form = {"username": "ada", "password": PASSWORD, "csrf_token": token}
    # Over HTTPS a form must also come from this site (its Referer), as browsers send it.
    assert client.post("/sign-in", data=form, base_url=base).status_code == 403
    response = client.post("/sign-in", data=form, base_url=base,
                           headers={"Referer": f"{base}/sign-in"})
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]


def test_the_session_cookie_is_secure_over_https_even_without_the_setting(store, tracker, clock,
                                                                           users):
    from bot.staff.app import create_app

    def cookie(trusted_proxies: int, **request) -> str:
        app = create_app(store=store, tracker_url=tracker.url, secret_key="k" * 40,
                         secure_cookies=False, trusted_proxies=trusted_proxies, clock=clock)
        return app.test_client().get("/sign-in", **request).headers["Set-Cookie"]

    assert "Secure" in cookie(0, base_url="https://staff.example")
    assert "Secure" not in cookie(0, base_url="http://staff.example")
    # Behind a trusted proxy that took the HTTPS connection; an untrusted header is ignored.
    forwarded = {"base_url": "http://staff.example", "headers": {"X-Forwarded-Proto": "https"}}
    assert "Secure" in cookie(1, **forwarded)
    assert "Secure" not in cookie(0, **forwarded)


def test_a_wrong_password_is_refused_and_the_sixth_try_is_rate_limited(anonymous, clock):
    for _ in range(5):
        response = anonymous.sign_in("ada", "not the password")
        assert response.status_code == 401
        assert "The username or password is not right." in text(response)
    response = anonymous.sign_in("ada")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 15 * 60
    assert "Too many failed sign-ins" in text(response) and "wait 15 minutes" in text(response)
    clock.advance(minutes=15, seconds=1)
    assert anonymous.sign_in("ada").status_code == 303


def test_sign_out_ends_the_session_for_good(signed_in, store):
    staff = signed_in("ada")
    cookie = staff.client.get_cookie("intake_staff").value
    response = staff.post("/sign-out")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    with store.read() as db:
        assert db.query(StaffSession).count() == 0
    # Replaying the old cookie does not sign anyone in.
    staff.client.set_cookie("intake_staff", cookie)
    assert staff.get("/").status_code == 302


def test_an_idle_session_ends_and_a_deactivated_account_is_signed_out(signed_in, clock, store):
    staff = signed_in("ada")
    clock.advance(hours=2, minutes=1)
    assert staff.get("/").status_code == 302
    staff = signed_in("ada")
    admin = signed_in("ann")
    with store.read() as db:
        from bot.staff.models import StaffUser

        ada_id = db.query(StaffUser).filter_by(username="ada").one().id
    assert admin.post(f"/admin/users/{ada_id}", {"role": "advocate", "active": "0"}).status_code == 303
    assert staff.get("/").status_code == 302
    assert Staff(staff.client).sign_in("ada").status_code == 401


def test_changing_ones_own_password(signed_in):
    staff = signed_in("ada")
    response = staff.post("/account", {"current_password": "wrong", "new_password": "a new long one!",
                                       "confirm_password": "a new long one!"})
    assert response.status_code == 400 and "current password is not right" in text(response)
    response = staff.post("/account", {"current_password": PASSWORD, "new_password": "short",
                                       "confirm_password": "short"})
    assert response.status_code == 400 and "at least 12 characters" in text(response)
    response = staff.post("/account", {"current_password": PASSWORD,
                                       "new_password": "a new long one!",
                                       "confirm_password": "a new long one!"})
    assert response.status_code == 303
    assert staff.get("/").status_code == 200          # this session goes on
    other = Staff(staff.client.application.test_client())
    assert other.sign_in("ada").status_code == 401
    assert other.sign_in("ada", "a new long one!").status_code == 303


# --- CSRF ---------------------------------------------------------------------------------------

def test_every_form_post_needs_the_session_s_csrf_token(signed_in, store):
    case = file(store)
    ada, max_ = signed_in("ada"), signed_in("max")
    path = f"/cases/{case.reference}/note"
    assert ada.post(path, {"text": "no token"}, csrf=False).status_code == 403
    assert "Form refused" in text(ada.post(path, {"text": "bad", "csrf_token": "forged"}))
    foreign = max_.token("/account")   # another session's token
    assert ada.post(path, {"text": "foreign", "csrf_token": foreign}).status_code == 403
    assert [e.kind for e in store.history(case.reference)] == ["filed"]
    assert ada.post(path, {"text": "with the token"}).status_code == 303
    assert store.history(case.reference)[-1].details["text"] == "with the token"
    # Every form on the pages carries the token.
    for page in ("/", f"/cases/{case.reference}", "/account"):
        html = text(ada.get(page))
        assert html.count("<form") - html.count('method="get"') == html.count('name="csrf_token"'), page


# --- the queue ------------------------------------------------------------------------------------

def test_the_queue_puts_safeguarding_and_urgent_first_then_overdue_then_due_soonest(
        signed_in, store, clock):
    clock.set_uk("2026-12-21T10:00")   # Monday 21 December 2026
    old = file(store, name="Overdue Olive")                     # acknowledge by 30 Dec
    clock.set_uk("2026-12-29T10:00")
    comment = file(store, "comment", name="No Deadline Nia")
    soon = file(store, name="Soon Sam")                         # acknowledge by 6 Jan
    urgent = file(store, "service_request", name="Urgent Ursula", urgent=True)
    safe = file(store, "asb_report", name="Safe Sid", safeguarding=True)
    closed = file(store, name="Closed Clara")
    store.close(closed.reference, "staff:ada")
    clock.set_uk("2027-01-04T10:00")
    page = text(signed_in("ada").get("/?view=all"))
    order = re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', page)
    assert order == [safe.reference, urgent.reference, old.reference, soon.reference,
                     comment.reference, closed.reference]
    # In working days (New Year's Day not counted): due 30 December, and 6 January.
    assert "overdue by 2 working days" in page and "due in 2 working days" in page
    open_page = text(signed_in("ada").get("/"))
    assert closed.reference not in open_page and "Open (5)" in open_page
    overdue = text(signed_in("ada").get("/?view=overdue"))
    assert re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', overdue) == [old.reference]


def test_queue_filters_and_search(signed_in, store, clock):
    a = file(store, name="Jo Bloggs", description="The lift is broken", channel="socketio")
    b = file(store, "service_request", name="Sam Patel", description="Mould in the bedroom",
             channel="facebook", service="care")
    clock.advance(days=3)
    c = file(store, "comment", description="More bins please")
    store.acknowledge(a.reference, "staff:ada")
    store.escalate(a.reference, "staff:ada")
    staff = signed_in("ada")

    def refs(query):
        return set(re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', text(staff.get("/?" + query))))

    assert refs("view=all") == {a.reference, b.reference, c.reference}
    assert refs("type=service_request") == {b.reference}
    assert refs("stage=2") == {a.reference}
    assert refs("status=new&type=complaint") == {a.reference}   # stage 2, new again
    assert refs("service=care") == {b.reference}
    assert refs("channel=facebook") == {b.reference}
    assert refs("from=2027-01-05") == {c.reference}
    assert refs("to=2027-01-04") == {a.reference, b.reference}
    assert refs("q=bloggs") == {a.reference}
    assert refs("q=mould") == {b.reference}
    assert refs("q=" + c.reference.lower()) == {c.reference}
    assert refs("type=nonsense") == {a.reference, b.reference, c.reference}   # ignored
    store.reassign(b.reference, "staff:ann", "ada")
    assert refs("mine=1") == {b.reference}


def test_queue_pages_of_fifty(signed_in, store):
    refs = {file(store, "comment", conversation_id=f"c{n}").reference for n in range(53)}
    staff = signed_in("ada")
    first, second = text(staff.get("/")), text(staff.get("/?page=2"))
    found = re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', first)
    more = re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', second)
    assert len(found) == 50 and len(more) == 3 and set(found) | set(more) == refs
    assert "Page 1 of 2" in first and 'rel="next"' in first and "Showing 51 to 53 of 53" in second
    assert staff.get("/?page=99").status_code == 200 and staff.get("/?page=x").status_code == 200


def test_the_queue_csv_has_every_field_and_defuses_formulas(signed_in, store):
    case = file(store, name="=HYPERLINK(\"http://evil\")", description="-2+3 " + HOSTILE)
    response = signed_in("ada").get("/cases.csv?view=all")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert [r["reference"] for r in rows] == [case.reference]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["description"] == "'-2+3 " + HOSTILE
    assert rows[0]["deadline_acknowledge_by"] == case.deadlines["acknowledge_by"]


# --- the case page and its actions -------------------------------------------------------------------

def test_the_case_page_shows_every_field_the_history_and_the_transcript_escaped(
        signed_in, store, tracker):
    case = file(store, name=f"Jo {HOSTILE}", description=f"Roof {HOSTILE}", postcode="M1 1AE",
                email="jo@example.com", conversation_id="conv-1",
                reasonable_adjustments="large print", extra={"floor": "<b>3</b>"})
    tracker.add("conv-1", "session_started", {})
    tracker.bot("conv-1", "Hello <i>there</i>")
    tracker.user("conv-1", f"my roof leaks {HOSTILE}", "complaint", 0.42,
                 [("complaint", 0.42), ("service_request", 0.40)])
    tracker.bot("conv-1", "Is that right?", [("Yes", "/affirm"), ("No", "/deny")])
    tracker.user("conv-1", "/affirm", "affirm", 1.0)
    store.add_note(case.reference, f"note {HOSTILE}", "staff:ada")
    store.reassign(case.reference, "staff:max", "ada")  # her case: its support needs are shown
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{case.reference}"))
    assert HOSTILE not in page and "<b>3</b>" not in page and "<i>there</i>" not in page
    # The name and description in the summary, in the details, as the correction form's starting
    # values, and the note.
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7
    for shown in ("M1 1AE", "jo@example.com", "large print", "&lt;b&gt;3&lt;/b&gt;",
                  "housing-ombudsman-code", "Acknowledge by", "Filed", "staff:ada"):
        assert shown in page, shown
    # The transcript is on its own tab, not inline at full length.
    assert "Detected intent" not in page and "Is that right?" not in page
    conversation = text(ada.get(f"/cases/{case.reference}/conversation"))
    assert HOSTILE not in conversation and "<i>there</i>" not in conversation
    assert conversation.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    for shown in ("Hello &lt;i&gt;there&lt;/i&gt;", "Detected intent", "complaint",
                  "42%", "service_request", "Pressed:</span> Yes", "Is that right?"):
        assert shown in conversation, shown
    page = conversation
    assert 'class="resident low"' in page      # 42% is below the 60% threshold


def test_support_needs_are_shown_to_the_cases_handler_and_managers_only(signed_in, store):
    """Health and disability details are special category data: an advocate who does not handle
    the case sees that some are recorded, not what they are (page and CSV)."""
    case = file(store, reasonable_adjustments="I have MS and cannot manage stairs")
    other = file(store, conversation_id="other", reasonable_adjustments="deaf: text only")
    store.reassign(other.reference, "staff:max", "ada")
    ada, max_ = signed_in("ada"), signed_in("max")
    hidden = text(ada.get(f"/cases/{case.reference}"))
    assert "cannot manage stairs" not in hidden
    assert "Recorded: shown to the member of staff the case is assigned to, and to managers." in hidden
    assert "cannot manage stairs" in text(max_.get(f"/cases/{case.reference}"))
    assert "deaf: text only" in text(ada.get(f"/cases/{other.reference}"))
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(text(ada.get("/cases.csv"))))}
    assert rows[case.reference]["reasonable_adjustments"] == "[shown to the case's handler and managers]"
    assert rows[other.reference]["reasonable_adjustments"] == "deaf: text only"
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(text(max_.get("/cases.csv"))))}
    assert rows[case.reference]["reasonable_adjustments"] == "I have MS and cannot manage stairs"


def test_the_words_that_gave_a_support_need_are_hidden_in_the_transcript_alike(
        signed_in, store, tracker):
    tracker.user("conv-ms", "my roof leaks", "complaint", 0.9)
    tracker.bot("conv-ms", "Is there anything we should know to support you?")
    tracker.user("conv-ms", "  I have MS and cannot manage stairs ", "inform", 0.5)
    case = file(store, conversation_id="conv-ms",
                reasonable_adjustments="I have MS and cannot manage stairs")
    ada, max_ = signed_in("ada"), signed_in("max")
    for page in (f"/cases/{case.reference}/conversation", "/conversation?id=conv-ms"):
        hidden = text(ada.get(page))
        assert "cannot manage stairs" not in hidden and "my roof leaks" in hidden, page
        assert "[shown to the case&#39;s handler and managers]" in hidden, page
        assert "cannot manage stairs" in text(max_.get(page)), page


def test_a_mistyped_or_unknown_reference_is_not_found(signed_in, store):
    staff = signed_in("ada")
    case = file(store)
    wrong = case.reference[:-1] + ("A" if case.reference[-1] != "A" else "B")
    response = staff.get(f"/cases/{wrong}")
    assert response.status_code == 404 and "is not a case reference" in text(response)
    assert staff.get("/cases/CMP-2345A-X").status_code == 404
    assert staff.get(f"/cases/{case.reference.lower()}").headers["Location"] == f"/cases/{case.reference}"


def test_acknowledge_extend_respond_and_close_a_complaint_over_christmas(signed_in, store, clock):
    clock.set_uk("2026-12-23T10:00")         # Wednesday 23 December 2026
    case = file(store)
    assert case.deadlines["acknowledge_by"] == "2027-01-04"
    clock.set_uk("2026-12-24T09:00")
    staff = signed_in("ada")
    response = staff.post(f"/cases/{case.reference}/acknowledge", {"version": case.version})
    assert response.status_code == 303
    page = text(staff.get(f"/cases/{case.reference}"))
    # From Thursday 24 December: 29 30 31 Dec, 4 5 6 7 8 11 12 Jan (25 and 28 Dec and 1 Jan are
    # bank holidays).
    assert "Acknowledged. The response is due by Tuesday 12 January 2027." in page
    assert "Extend the response deadline" in page
    # The extension form offers the policy's reasons and the new date for each length.
    assert '<option value="explained"' in page
    assert "10 working days: new date Tuesday 26 January 2027" in page
    assert "1 working day: new date Wednesday 13 January 2027" in page
    version = store.find_by_reference(case.reference).version
    bad = staff.post(f"/cases/{case.reference}/extend", {"reason": "because", "working_days": "10",
                                                          "version": version})
    assert bad.status_code == 400 and "reasons the policy allows" in text(bad)
    unexplained = staff.post(f"/cases/{case.reference}/extend",
                             {"reason": "explained", "working_days": "10", "version": version})
    assert unexplained.status_code == 400 and "what you told the resident" in text(unexplained)
    response = staff.post(f"/cases/{case.reference}/extend",
                          {"reason": "explained", "working_days": "10", "version": version,
                           "why": "Waiting for the roofer's report; told her on the phone."})
    assert response.status_code == 303
    page = text(staff.get(f"/cases/{case.reference}"))
    assert "now due by Tuesday 26 January 2027" in page
    assert store.find_by_reference(case.reference).deadlines["stage1_response_by"] == "2027-01-26"
    # Extended to the policy's limit: no further extension is offered, nor taken if posted.
    assert "The policy allows no further extension." in page
    again = staff.post(f"/cases/{case.reference}/extend",
                       {"reason": "explained", "working_days": "10", "why": "more time",
                        "version": store.find_by_reference(case.reference).version})
    assert again.status_code == 400
    assert "later than policy profile &#39;housing-ombudsman-code&#39; allows" in text(again)
    assert store.find_by_reference(case.reference).deadlines["stage1_response_by"] == "2027-01-26"
    extended = store.history(case.reference)[-1]
    assert (extended.kind, extended.actor) == ("extended", "staff:ada")
    assert extended.details["reason_text"] == "A reason explained to the resident, with the new date"
    assert extended.details["explanation"] == "Waiting for the roofer's report; told her on the phone."
    history = text(staff.get(f"/cases/{case.reference}"))
    assert "<span>Reason:</span> explained<" not in history     # the key said nothing
    assert "<span>Reason:</span> A reason explained to the resident, with the new date<" in history
    assert "<span>Explanation:</span> Waiting for the roofer&#39;s report" in history
    version = store.find_by_reference(case.reference).version
    response = staff.post(f"/cases/{case.reference}/respond",
                          {"summary": "Roof fixed; apology", "decision": "upheld", "version": version})
    assert response.status_code == 303
    assert store.find_by_reference(case.reference).status == "responded"
    version = store.find_by_reference(case.reference).version
    assert staff.post(f"/cases/{case.reference}/close", {"outcome": "done",
                                                          "version": version}).status_code == 303
    kinds = [e.kind for e in store.history(case.reference)]
    assert kinds == ["filed", "acknowledged", "extended", "responded", "closed"]
    assert all(e.actor == "staff:ada" for e in store.history(case.reference)[1:])


def test_a_stale_form_is_refused_with_409(signed_in, store):
    case = file(store)
    staff = signed_in("ada")
    store.add_note(case.reference, "meanwhile", "staff:max")
    response = staff.post(f"/cases/{case.reference}/acknowledge", {"version": case.version})
    assert response.status_code == 409 and "Someone else changed this case" in text(response)
    assert store.find_by_reference(case.reference).status == "new"


def test_notes_lessons_reassign_and_not_accepted(signed_in, store):
    case = file(store, exclusion="too_old", event_date_text="May 2023")
    assert case.status == "not accepted - pending review"
    staff = signed_in("ada")
    r = case.reference
    assert staff.post(f"/cases/{r}/note", {"text": ""}).status_code == 400
    assert staff.post(f"/cases/{r}/note", {"text": f"Called {HOSTILE}"}).status_code == 303
    bad = staff.post(f"/cases/{r}/lessons", {"what_went_wrong": "x", "action": "y",
                                             "target_date": "soon"})
    assert bad.status_code == 400 and "not a date" in text(bad)
    assert staff.post(f"/cases/{r}/lessons", {"what_went_wrong": "Missed call-back",
                                              "action": "Call-back rota",
                                              "target_date": "2027-02-01"}).status_code == 303
    assert staff.post(f"/cases/{r}/reassign", {"assignee": "nobody-here"}).status_code == 400
    assert staff.post(f"/cases/{r}/reassign", {"assignee": "max",
                                               "version": store.find_by_reference(r).version}
                      ).status_code == 303
    page = text(staff.get(f"/cases/{r}"))
    assert "Older than the time limit" in page and "Max Manager" in page
    response = staff.post(f"/cases/{r}/not_accepted", {"exclusion": "too_old", "explanation": "",
                                                       "version": store.find_by_reference(r).version})
    assert response.status_code == 303
    done = store.find_by_reference(r)
    assert done.status == "not accepted" and "12 months" in done.exclusion_explanation
    history = store.history(r)
    assert [e.kind for e in history] == ["filed", "note_added", "lessons_learned", "reassigned",
                                         "not_accepted"]
    assert history[2].details == {"what_went_wrong": "Missed call-back", "action": "Call-back rota",
                                  "target_date": "2027-02-01", "done_date": None}
    # An action that does not fit the case's status is refused with the store's reason.
    response = staff.post(f"/cases/{r}/acknowledge", {"version": done.version})
    assert response.status_code == 400 and "its status is" in text(response)
    assert staff.post(f"/cases/{r}/teleport", {}).status_code == 404


def test_stage_2_sign_off_is_a_manager_s(signed_in, store):
    case = file(store)
    r = case.reference
    ada, max_ = signed_in("ada"), signed_in("max")
    assert ada.post(f"/cases/{r}/escalate", {"reason": "resident asked"}).status_code == 303
    assert store.find_by_reference(r).stage == 2
    assert ada.post(f"/cases/{r}/acknowledge", {}).status_code == 303
    page = text(ada.get(f"/cases/{r}"))
    assert "The stage 2 response is signed off by a manager." in page
    response = ada.post(f"/cases/{r}/respond", {"summary": "Final", "decision": "not_upheld"})
    assert response.status_code == 403 and "manager" in text(response)
    assert store.find_by_reference(r).status == "acknowledged"
    assert max_.post(f"/cases/{r}/respond", {"summary": "Final",
                                              "decision": "not_upheld"}).status_code == 303
    assert store.find_by_reference(r).status == "responded"
    # A late request for stage 2 waits for a manager too.
    late = file(store, conversation_id="late")
    store.record_response(late.reference, "staff:ada", "answer")
    store.request_stage2(late.reference, within_window=False)
    assert ada.post(f"/cases/{late.reference}/escalate", {}).status_code == 403
    # ... and so does refusing it, or closing it instead.
    page = text(ada.get(f"/cases/{late.reference}"))
    assert "for a late request for stage 2, a manager decides." in page
    refuse = {"exclusion": "too_old", "explanation": "Asked for after the window."}
    assert ada.post(f"/cases/{late.reference}/not_accepted", refuse).status_code == 403
    assert ada.post(f"/cases/{late.reference}/close", {}).status_code == 403
    assert store.find_by_reference(late.reference).status == "escalation requested - pending review"
    assert max_.post(f"/cases/{late.reference}/escalate", {}).status_code == 303
    # At stage 2, an advocate can neither close the complaint without the stage 2 response nor
    # refuse it; a manager can.
    for action, form in (("close", {"outcome": "resolved"}), ("not_accepted", refuse)):
        response = ada.post(f"/cases/{late.reference}/{action}", form)
        assert response.status_code == 403 and "manager" in text(response), action
    assert store.find_by_reference(late.reference).status == "new"
    assert max_.post(f"/cases/{late.reference}/not_accepted", refuse).status_code == 303
    assert store.find_by_reference(late.reference).status == "not accepted"
    # At stage 1 an advocate still closes and refuses.
    plain = file(store, conversation_id="plain")
    assert ada.post(f"/cases/{plain.reference}/close", {}).status_code == 303


# --- conversations and corrections -----------------------------------------------------------------

def _conversations(tracker):
    tracker.add("calm", "session_started", {})
    tracker.user("calm", "I want to complain", "complaint", 0.97)
    tracker.bot("calm", "Sorry to hear that.")
    tracker.user("unsure", "the bins were not collected again", "comment", 0.41,
                 [("comment", 0.41), ("complaint", 0.39)])
    lost = tracker.user("lost", "qwzx purple", "nlu_fallback", 0.3, [("greet", 0.2)])
    tracker.bot("lost", "Sorry, I didn't understand.")
    button = tracker.user("calm", "/affirm", "affirm", 1.0)
    return lost, button


def test_conversations_list_filters_fallbacks_and_low_confidence(signed_in, store, tracker):
    _conversations(tracker)
    case = file(store, conversation_id="calm")
    staff = signed_in("ada")
    page = text(staff.get("/conversations"))
    assert [s for s in re.findall(r'href="/conversation\?id=([^"&]+)"', page)] == ["calm", "lost", "unsure"]
    assert case.reference in page and "no case" in page
    low = text(staff.get("/conversations?show=low"))
    assert set(re.findall(r'href="/conversation\?id=([^"&]+)"', low)) == {"lost", "unsure"}
    fallback = text(staff.get("/conversations?show=fallback"))
    assert re.findall(r'href="/conversation\?id=([^"&]+)"', fallback) == ["lost"]
    assert re.findall(r'href="/conversation\?id=([^"&]+)"', text(staff.get("/conversations?q=uns"))) == ["unsure"]
    # A conversation that filed no case has its own page; an unknown one is not found.
    page = text(staff.get("/conversation?id=unsure"))
    assert "This conversation filed no case." in page and "41%" in page
    assert staff.get("/conversation?id=nobody").status_code == 404


def test_the_conversations_list_shows_each_at_a_glance(signed_in, store, tracker):
    """First typed message, the resident's name, and what came of it, not just a hex id."""
    tracker.user("web-1", "/greet", "greet", 1.0, channel="webchat")
    tracker.user("web-1", "my <b>boiler</b> has been broken for a week", "service_request", 0.9,
                 channel="webchat")
    tracker.add("web-1", "active_loop", {"name": "intake_form"})
    tracker.add("web-1", "slot", {"name": "name", "value": "Jo Bloggs"})
    tracker.user("chat-2", "how do i pay my rent", "ask_enquiry", 0.8)
    tracker.add("chat-2", "slot", {"name": "name", "value": "not given"})
    filed = file(store, conversation_id="web-1", case_type="service_request")
    page = text(signed_in("ada").get("/conversations"))

    def row(sender):
        start = page.rindex("<tr>", 0, page.index(f"/conversation?id={sender}"))
        return page[start:page.index("</tr>", start)]

    web = row("web-1")
    assert "my &lt;b&gt;boiler&lt;/b&gt; has been broken for a week" in web and "/greet" not in web
    assert "Jo Bloggs" in web and "Website chat" in web and filed.reference in web
    chat = row("chat-2")
    assert "how do i pay my rent" in chat and "not given" in chat and "no case" in chat
    assert "Jo Bloggs" not in chat


def test_any_conversation_id_works_slashes_markup_and_all(signed_in, store, tracker):
    """The REST webhook takes any sender id from anyone: none may break a page."""
    import html

    weird = "/../x/<b>id</b>?a=1&b=%2F#top\u00e9"
    tracker.user(weird, "hello there", "greet", 0.9)
    case = file(store, conversation_id=weird)
    staff = signed_in("ada")
    listing = text(staff.get("/conversations"))
    assert "<b>id</b>" not in listing
    link = html.unescape(re.search(r'href="(/conversation\?id=[^"]+)"', listing).group(1))
    page = text(staff.get(link))
    assert "hello there" in page and case.reference in page
    assert "hello there" in text(staff.get(f"/cases/{case.reference}/conversation"))
    assert staff.get("/conversation").status_code == 404


def test_correcting_an_intent_and_exporting_nlu_yaml(signed_in, tracker):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    lost, button = _conversations(tracker)
    staff = signed_in("ada")
    unsure = re.search(r'name="event_id" value="(\d+)"', text(staff.get("/conversation?id=unsure"))).group(1)
    response = staff.post("/corrections", {"sender_id": "unsure", "event_id": unsure,
                                           "intent": "complaint", "back": "/conversation?id=unsure"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/conversation?id=unsure#turn-{unsure}"
    assert "Corrected to <span class=\"intent\">complaint</span>" in text(staff.get("/conversation?id=unsure"))
    # The classifier fell back on this one: no intent is chosen for the person in advance.
    assert '<option value="" selected disabled>Choose...</option>' in text(
        staff.get("/conversation?id=lost"))
    staff.post("/corrections", {"sender_id": "lost", "event_id": lost, "intent": ""})
    assert "choose what the message means" in text(staff.get("/conversation?id=lost"))
    assert staff.post("/corrections", {"sender_id": "lost", "event_id": lost,
                                       "intent": "out_of_scope"}).status_code == 303
    # Not an intent of the domain; a button press; a message of another conversation.
    staff.post("/corrections", {"sender_id": "lost", "event_id": lost, "intent": "hack"})
    assert "not an intent of the assistant" in text(staff.get("/conversation?id=lost"))
    assert staff.post("/corrections", {"sender_id": "calm", "event_id": button,
                                       "intent": "deny"}).status_code == 400
    assert staff.post("/corrections", {"sender_id": "calm", "event_id": lost,
                                       "intent": "deny"}).status_code == 404
    page = text(staff.get("/corrections"))
    assert "the bins were not collected again" in page and "2 examples to export" in page
    exported = staff.get("/corrections/export.yml")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = RasaYAMLReader().reads(text(exported))
    found = {(m.get("text"), m.get("intent")) for m in data.intent_examples}
    assert found == {("the bins were not collected again", "complaint"),
                     ("qwzx purple", "out_of_scope")}
    # Removing a correction removes it from the export.
    correction_id = re.search(r'/corrections/(\d+)/delete', page).group(1)
    assert staff.post(f"/corrections/{correction_id}/delete").status_code == 303
    assert "1 example to export" in text(staff.get("/corrections"))


# --- reports ------------------------------------------------------------------------------------------

def test_reports_page_and_every_csv(signed_in, store, clock, monkeypatch):
    monkeypatch.delenv("STAFF_HOMES", raising=False)
    clock.set_uk("2026-12-23T10:00")
    a = file(store)
    file(store, "compliment", channel="facebook")
    clock.set_uk("2027-01-04T10:00")
    store.acknowledge(a.reference, "staff:ada")
    clock.set_uk("2027-01-18T10:00")
    store.record_response(a.reference, "staff:ada", "answered")
    clock.set_uk("2027-02-01T10:00")
    staff = signed_in("max")
    page = text(staff.get("/reports?from=2026-12-01&to=2027-01-31"))
    assert "<svg" in page and 'role="img"' in page and "December 2026: 1 complaint" in page
    assert "CH01" in page and "CH02" in page
    # No number of homes yet: CH01's counts, and no made-up rate.
    assert "Set the number of homes (Settings) to see CH01 per 1,000 homes" in page
    assert "Homes: not set" in page
    # The tile's headline is the count, never the instruction to set the homes.
    assert '<div class="figure">1</div><div class="what">CH01: stage 1 complaints received.' in page
    assert ">100.0%<" in page                   # answered within the Code's timescales
    for name in ("tsm", "timeliness", "by-type", "by-service", "by-channel", "by-month"):
        response = staff.get(f"/reports/{name}.csv?from=2026-12-01&to=2027-01-31")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
        rows = list(csv.reader(io.StringIO(text(response))))
        assert len(rows) >= 2, name
    by_type = list(csv.reader(io.StringIO(text(staff.get(
        "/reports/by-type.csv?from=2026-12-01&to=2027-01-31")))))
    assert by_type[0] == ["Type", "Cases", "Share"] and ["Complaint", "1", "50.0%"] in by_type
    tsm = list(csv.reader(io.StringIO(text(staff.get(
        "/reports/tsm.csv?from=2026-12-01&to=2027-01-31")))))
    assert tsm[1][2:] == ["1 complaint", "Set the number of homes (Settings) to see CH01 per "
                                         "1,000 homes"]
    assert tsm[3] == ["CH02 (stage 1)", "Stage 1 complaints responded to within the Code's "
                      "timescales", "1 of 1", "100.0%"]
    assert staff.get("/reports/nothing.csv").status_code == 404
    bad = text(staff.get("/reports?from=2027-02-01&to=2027-01-01"))
    assert "That period is not valid" in bad


def test_the_number_of_homes_set_by_an_admin_changes_ch01(signed_in, store, clock, monkeypatch):
    monkeypatch.delenv("STAFF_HOMES", raising=False)
    clock.set_uk("2027-01-04T10:00")
    file(store)
    admin = signed_in("ann")
    assert 'placeholder="not set"' in text(admin.get("/admin/settings"))
    assert admin.post("/admin/settings", {"homes": "lots", "low_confidence": ""}).status_code == 400
    assert admin.post("/admin/settings", {"homes": "2,500", "low_confidence": "0.5"}).status_code == 303
    page = text(admin.get("/reports?from=2027-01-01&to=2027-01-31"))
    assert "Homes: 2,500" in page and ">0.4<" in page and "Set the number of homes" not in page
    assert "50% confidence" in text(admin.get("/conversations"))
    settings_page = text(admin.get("/admin/settings"))
    assert "INTAKE_DATABASE_URL" in settings_page and "(empty)" in settings_page
    # STAFF_HOMES gives the number when no admin has set one.
    assert admin.post("/admin/settings", {"homes": "", "low_confidence": ""}).status_code == 303
    monkeypatch.setenv("STAFF_HOMES", "1000")
    assert ">1.0<" in text(admin.get("/reports?from=2027-01-01&to=2027-01-31"))


# --- administration -----------------------------------------------------------------------------------

def test_admins_create_and_change_accounts(signed_in, store):
    admin = signed_in("ann")
    response = admin.post("/admin/users", {"username": "Bad Name", "display_name": "X",
                                           "role": "advocate", "password": PASSWORD})
    assert response.status_code == 400 and "A username is 2 to 64 characters" in text(response)
    response = admin.post("/admin/users", {"username": "zoe", "display_name": "Zoe <b>Z</b>",
                                           "role": "manager", "password": PASSWORD})
    assert response.status_code == 303
    page = text(admin.get("/admin/users"))
    assert "Zoe &lt;b&gt;Z&lt;/b&gt;" in page and "user created" in page
    zoe = Staff(admin.client.application.test_client())
    assert zoe.sign_in("zoe").status_code == 303 and zoe.get("/reports").status_code == 200
    from bot.staff.models import StaffUser

    with store.read() as db:
        ids = {u.username: u.id for u in db.query(StaffUser)}
    assert admin.post(f"/admin/users/{ids['zoe']}", {"role": "advocate", "active": "1"}).status_code == 303
    assert zoe.get("/reports").status_code == 403          # the new role applies at once
    assert admin.post(f"/admin/users/{ids['zoe']}", {"password": "a brand new passphrase"}
                      ).status_code == 303
    assert zoe.get("/").status_code == 302                 # her sessions ended
    response = admin.post(f"/admin/users/{ids['ann']}", {"role": "manager", "active": "1"})
    assert response.status_code == 400 and "only active admin" in text(response)


# --- headers ------------------------------------------------------------------------------------------

def test_security_headers(signed_in):
    response = signed_in("ada").get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers   # not configured for HTTPS


def test_an_awaab_emergency_deadline_is_shown_at_its_uk_time_and_overdue_from_it(signed_in, store, clock):
    """Made safe within 24 hours: the case page gives the hour in UK time (not the stored UTC
    text), marks it next, and calls it overdue from that hour, not from the next day."""
    case = file(store, "service_request", urgent=True, awaab_category="emergency", name="em")
    staff = signed_in("ada")
    page = text(staff.get(f"/cases/{case.reference}"))
    assert "Awaab&#39;s Law: make safe by" in page or "Awaab's Law: make safe by" in page
    assert "Tue 5 Jan 2027, 10:00" in page  # 24 hours after Monday 10:00, London time
    assert "+00:00" not in page and "2027-01-05T" not in page
    assert "overdue" not in page

    queue = text(staff.get("/"))
    assert "due in 1 working day" in queue

    clock.advance(hours=24, minutes=5)  # Tuesday 10:05: the same day, past the hour
    ada = signed_in("ada")  # (signed in again: a day on)
    page = text(ada.get(f"/cases/{case.reference}"))
    # The header and both Awaab's Law rows (investigate, make safe: the same hour).
    assert re.search(r"Next deadline: .*?<span class=\"overdue\">overdue since 10:00<", page, re.S)
    assert page.count("overdue since 10:00") == 3
    # The queue words it as the case page does, not "due today" until midnight.
    queue = text(ada.get("/"))
    assert "overdue since 10:00" in queue and "due today" not in queue


def test_stage_2_goes_to_someone_who_did_not_handle_stage_1(signed_in, store):
    case = file(store, conversation_id="s2-new-handler")
    r = case.reference
    max_ = signed_in("max")
    assert max_.post(f"/cases/{r}/respond", {"summary": "Stage 1 answer",
                                              "decision": "not_upheld"}).status_code == 303
    store.request_stage2(r, "I disagree")
    assert store.find_by_reference(r).stage == 2
    page = text(max_.get(f"/cases/{r}"))
    assert "max handled it, so they are not listed" in page
    assert 'value="max"' not in page.split('id="assignee"')[1].split("</select>")[0]
    response = max_.post(f"/cases/{r}/acknowledge", {})
    assert response.status_code == 400 and "6.13" in text(response)
    response = max_.post(f"/cases/{r}/reassign", {"assignee": "max"})
    assert response.status_code == 400 and "someone else" in text(response)
    assert store.find_by_reference(r).status == "new"
    ada = signed_in("ada")
    assert ada.post(f"/cases/{r}/acknowledge", {}).status_code == 303
    assert store.find_by_reference(r).status == "acknowledged"


def test_a_new_build_complaint_offers_no_stage_2(signed_in, store):
    case, _ = store.file_case(CaseSubmission(
        case_type="complaint", channel="rest", conversation_id="nb", service="new-build",
        description="snagging not done"), "housing-plus-group")
    ada = signed_in("ada")
    page = ada.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f"/cases/{case.reference}/escalate" not in page
    max_ = signed_in("max")
    response = max_.post(f"/cases/{case.reference}/escalate", {"reason": "asked"})
    assert response.status_code == 400 and "New Homes Quality Code" in text(response)
    assert store.find_by_reference(case.reference).stage == 1


def test_a_further_extension_agreed_with_the_resident_seed_004(signed_in, store, clock):
    case, _ = store.file_case(CaseSubmission(
        case_type="complaint", channel="rest", conversation_id="fx", description="leak"),
        "seed-004-landlord")
    r = case.reference
    store.acknowledge(r, "staff:ada")
    store.extend(r, "staff:ada", "explained")
    ada = signed_in("ada")
    page = text(ada.get(f"/cases/{r}"))
    assert "Further extension, agreed with the resident" in page
    due = store.find_by_reference(r).deadline("stage1_response_by")
    later = due.replace(day=1) + timedelta(days=62)
    missing = ada.post(f"/cases/{r}/extend", {"further": "1", "new_date": later.isoformat(),
                                              "reason": "contractor delayed", "agreement": ""})
    assert missing.status_code == 400 and "how and when the resident agreed" in text(missing)
    done = ada.post(f"/cases/{r}/extend", {"further": "1", "new_date": later.isoformat(),
                                           "reason": "contractor delayed",
                                           "agreement": "Agreed by e-mail on 3 March"})
    assert done.status_code == 303
    assert store.find_by_reference(r).deadline("stage1_response_by") == later
    assert "Agreed with the resident" in text(ada.get(f"/cases/{r}"))
