"""Code run in separate processes by the concurrency tests (importable by a spawned child)."""
from __future__ import annotations


def file_same_form(url: str, barrier, results, fields: dict, key: str) -> None:
    from bot.cases.store import CaseStore
    from bot.cases.submission import CaseSubmission

    store = CaseStore(url, forward=True)
    try:
        barrier.wait(timeout=60)
        case, created = store.file_case(CaseSubmission(**fields), "housing-ombudsman-code", key)
        results.put((case.reference, created))
    except Exception as error:  # noqa: BLE001 - reported to the parent
        results.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        store.dispose()
