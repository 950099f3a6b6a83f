"""Whole conversations as a resident types them (intent payloads open them, so that they do not
depend on the classifier): shared by the scale-out and fault tests and the load benchmark."""
from __future__ import annotations

import re

REFERENCE = re.compile(r"\b(?:CMP|SRQ|ASB|CMT|CPL)-[A-Z0-9]{5}-[A-Z0-9]\b")

COMPLAINT = ("/complaint", "The repairs team did not turn up to fix my leaking roof", "last Tuesday",
             "me and my two children", "an apology and the roof fixed", "/deny", "/deny", "/deny",
             "/deny", "/affirm")
SERVICE_REQUEST = ("/service_request", "my kitchen tap is dripping all the time",
                   "Kitchen, 4 Elm Court, Leeds LS1 4AP", '/inform{"choice": "routine"}',
                   "weekday mornings", "Sam Patel", "07700 900123", '/inform{"choice": "phone"}',
                   "no", "/affirm")
ASB_REPORT = ("/asb_report", "The people upstairs play loud music every night until 3am",
              "since March", "every night", "the flat above mine, 7 Oak House", "/deny",
              "a diary of dates and times", "/deny", "/affirm")
COMMENT = ("/comment", "the grounds maintenance", "Please put more bins near the play area",
           "/deny", "/affirm")
KINDS = {"complaint": COMPLAINT, "service_request": SERVICE_REQUEST, "asb_report": ASB_REPORT,
         "comment": COMMENT}


def reference_in(replies: list[dict]) -> str | None:
    found = REFERENCE.search("\n".join(r.get("text") or "" for r in replies))
    return found.group(0) if found else None
