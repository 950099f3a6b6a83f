"""The Rasa server's share of operations (docs/operations.md): its metrics endpoint
(INTAKE_METRICS_RASA_PORT), its log lines in INTAKE_LOG_FORMAT, and the classifier's fallbacks
counted.

Rasa sets its logging up itself (coloredlogs at start, then Sanic's handlers when it makes its
app), so the format is applied again once the app exists and before it serves."""
from __future__ import annotations

import logging

from bot.ops import logs, metrics

log = logging.getLogger(__name__)

_INSTALLED = "_intake_observed"
FALLBACK_INTENT = "nlu_fallback"


def count_parse(parse: dict, text: object) -> None:
    """Count one typed message the classifier read, and whether it fell back."""
    if not isinstance(text, str) or not text.strip() or text.strip().startswith("/"):
        return
    metrics.NLU_MESSAGES.inc()
    if (parse.get("intent") or {}).get("name") == FALLBACK_INTENT:
        metrics.NLU_FALLBACKS.inc()


def install() -> None:
    """For `rasa run`: serve the metrics, and format the logs once Rasa made its app."""
    import rasa.core.run

    if getattr(rasa.core.run, _INSTALLED, False):
        return
    original = rasa.core.run.configure_app

    def configure_app(*args, **kwargs):
        app = original(*args, **kwargs)
        logs.apply("rasa")

        async def again(*_):  # Sanic may have set its own handlers up after configure_app
            logs.apply("rasa")

        app.register_listener(again, "before_server_start")
        return app

    rasa.core.run.configure_app = configure_app
    setattr(rasa.core.run, _INSTALLED, True)
    logs.apply("rasa")
    metrics.serve("rasa")
