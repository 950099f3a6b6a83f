"""Conversation review: every conversation (also those that filed no case), its transcript, intent
corrections of resident messages, and their export as Rasa NLU training data."""
from __future__ import annotations


import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from bot.cases import attachments
from bot.cases.models import Case
from bot.staff import corrections, display
from bot.staff.transcripts import FALLBACK_INTENT, with_attachments
from bot.staff.web import Page, workspace

bp = Blueprint("conversations", __name__)
PAGE_SIZE = 50
SHOW = {"all": "All conversations", "low": "Fallback or low confidence",
        "fallback": "With a fallback"}


@bp.route("/conversations")
def conversations():
    ws = workspace()
    show = request.args.get("show") if request.args.get("show") in SHOW else "all"
    threshold = ws.setting("low_confidence")
    filters = {"show": show, "from": display.filter_day(request.args.get("from")),
               "to": display.filter_day(request.args.get("to")), "q": request.args.get("q", "").strip()[:255]}
    kwargs = dict(only=show, threshold=threshold, date_from=filters["from"],
                  date_to=filters["to"], search=filters["q"] or None)
    available = ws.tracker.available()
    _rows, total = ws.tracker.conversations(limit=1, **kwargs)
    page = Page.from_request(total, PAGE_SIZE)
    rows, total = ws.tracker.conversations(limit=PAGE_SIZE, offset=page.offset, **kwargs)
    if rows:
        today, now = ws.today(), ws.now()
        with ws.store.read() as db:
            # Each case with its deadline status, worded as the queue words it.
            found = [(case.conversation_id, case.reference, case.case_type,
                      display.running_deadline(case, today, now,
                                               ws.store.region_of(case.policy_profile)))
                     for case in db.execute(
                         sa.select(Case).where(Case.conversation_id.in_([r.sender_id for r in rows]))
                         .order_by(Case.id)).scalars()]
        for row in rows:
            row.cases = [(ref, kind, due) for sender, ref, kind, due in found
                         if sender == row.sender_id]
        ws.tracker.add_glance(rows)

    def args(**changes):
        values = {"show": filters["show"], "from": filters["from"] or "",
                  "to": filters["to"] or "", "q": filters["q"], **changes}
        return {k: str(v) for k, v in values.items() if v not in ("", None)}

    return render_template("conversations.html", rows=rows, page=page, filters=filters,
                           shows=SHOW, threshold=threshold, available=available, args=args)


@bp.route("/conversation")
def conversation():
    # The id is in the query string: a conversation id is whatever the channel sent (the REST
    # webhook takes any text from anyone), slashes included.
    sender_id = request.args.get("id", "")
    if not sender_id:
        abort(404)
    ws = workspace()
    with_actions = request.args.get("actions") == "1"
    transcript = ws.tracker.transcript(sender_id, with_actions=with_actions)
    with ws.store.read() as db:
        cases = db.execute(sa.select(Case).where(Case.conversation_id == sender_id)
                           .order_by(Case.id)).scalars().all()
        corrected = corrections.of_conversation(db, sender_id)
        files = attachments.of_conversation(db, sender_id)
    if not transcript and not cases and not files:
        g.specific_404 = True
        abort(404, "There is no conversation with this id in the tracker store.")
    transcript = with_attachments(display.masked_transcript(transcript, cases, g.user), files)
    return render_template("conversation.html", sender_id=sender_id, transcript=transcript,
                           cases=cases, corrected=corrected, intents=corrections.domain_intents(),
                           low_confidence=ws.setting("low_confidence"),
                           with_actions=with_actions)


@bp.route("/corrections", methods=["GET"])
def corrections_page():
    ws = workspace()
    with ws.store.read() as db:
        rows = corrections.corrections(db)
    export = corrections.export(rows, existing=corrections.training_examples(),
                                intents=corrections.domain_intents())
    return render_template("corrections.html", rows=rows, export=export)


@bp.route("/corrections", methods=["POST"])
def correct():
    ws = workspace()
    sender_id = request.form.get("sender_id", "")
    back = request.form.get("back") or url_for("conversations.conversation", id=sender_id)
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("conversations.conversation", id=sender_id)
    try:
        event_id = int(request.form.get("event_id", ""))
    except ValueError:
        abort(400, "Which message? The form lacks it.")
    intent = request.form.get("intent", "")
    turn = ws.tracker.event(sender_id, event_id)
    if turn is None:
        g.specific_404 = True
        abort(404, "That message is not in the tracker store (any more).")
    if not turn.correctable:
        abort(400, "A button press is not classified by the language model: nothing to correct.")
    try:
        with ws.store.write() as db:
            corrections.correct(db, sender_id=sender_id, event_id=event_id, text=turn.text,
                                predicted_intent=turn.intent,
                                predicted_confidence=turn.confidence, intent=intent,
                                actor=g.user.actor, now=ws.now(),
                                intents=corrections.domain_intents())
    except corrections.CorrectionError as error:
        flash(f"Not corrected: {error}.", "error")
        return redirect(back + f"#turn-{event_id}", code=303)
    same = intent == turn.intent and turn.intent != FALLBACK_INTENT
    flash(f"Recorded: this message means {intent}" + (
        " (as the assistant thought; it is exported as a confirmed example)." if same else "."),
        "success")
    return redirect(back + f"#turn-{event_id}", code=303)


@bp.route("/corrections/<int:correction_id>/delete", methods=["POST"])
def delete_correction(correction_id: int):
    ws = workspace()
    with ws.store.write() as db:
        removed = corrections.remove(db, correction_id)
    flash("Correction removed." if removed else "That correction was already removed.", "success")
    return redirect(url_for("conversations.corrections_page"), code=303)


@bp.route("/corrections/export.yml")
def export_corrections():
    ws = workspace()
    with ws.store.read() as db:
        rows = corrections.corrections(db)
    export = corrections.export(rows, existing=corrections.training_examples(),
                                intents=corrections.domain_intents(),
                                generated=f"exported {ws.today().isoformat()} by {g.user.username}")
    name = f"staff-corrections-{ws.today().isoformat()}.yml"
    return Response(export.yaml, mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
