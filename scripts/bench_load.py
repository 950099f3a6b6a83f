"""Load benchmark (measures and prints; not a test): simulated residents complete whole
conversations over the REST channel at 1, 10 and 50 at once, against
  - Intake on one machine, as `make run` starts it (one Rasa server, one action server, SQLite),
  - Intake scaled out (two Rasa servers and two action servers behind nginx, PostgreSQL, Redis),
  - Rasa's own starter bot (`rasa init`), the floor our extra work is measured against,
and prints per-turn latency p50/p95/p99, conversations and messages per second, errors and
resident-visible failures, the ratios to the starter bot, the servers' memory and start time,
and writes it all as JSON. All three are up together and take turns, round by round, so that
the ratios compare them at the same moments of a shared machine whose speed drifts.

    uv run --no-sync python scripts/bench_load.py [--levels 1 10 50] [--rounds 3]
        [--conversations-per-resident 1] [--json results/load-benchmark.json] [--skip-scaled]

The scaled layout needs PostgreSQL and Redis (INTAKE_TEST_POSTGRES_URL, INTAKE_TEST_REDIS_URL,
default the local servers) and Debian's nginx. The starter bot is trained once into
var/bench/starter and reused.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.ops.model import ensure_model  # noqa: E402
from tests.resilience.scripts import ASB_REPORT, COMPLAINT, SERVICE_REQUEST, reference_in  # noqa: E402
from tests.support.servers import RasaStack, free_port, stop, wait_until  # noqa: E402

# The tests' scripts open with an intent payload (so they do not depend on the classifier); a
# resident types the opening instead, which the classifier must read, as it reads every typed
# answer. Buttons the assistant offers (yes/no, choices) are pressed, as in the tests.
TYPED_OPENINGS = {
    "complaint": "I want to complain, the repairs team did not turn up to fix my leaking roof",
    "service_request": "can you send someone to fix my kitchen tap please, it's dripping all the time",
    "asb_report": "The people upstairs play loud music every night until 3am",
}
OURS = {
    "complaint": (TYPED_OPENINGS["complaint"],) + COMPLAINT[2:],
    "service_request": (TYPED_OPENINGS["service_request"],) + SERVICE_REQUEST[2:],
    "asb_report": (TYPED_OPENINGS["asb_report"],) + ASB_REPORT[2:],
}
# The starter bot's stories: greet, mood, the cheer-up and "did that help?", goodbye.
STARTER = {"sad, helped": ("hello there", "I am feeling very sad", "yes", "bye"),
           "great": ("hi", "I am great", "are you a bot?", "goodbye"),
           "sad, not helped": ("hey", "super sad", "no", "see you later")}
FAILURE_WORDS = ("something went wrong on our side", "couldn't save", "faster than I can read")
TURN_TIMEOUT = 120


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def is_payload(message: str) -> bool:
    """A button press (`/intent` or `/intent{...}`): Rasa reads it without the classifier."""
    return message.startswith("/")


async def run_resident(session: aiohttp.ClientSession, url: str, scripts: dict, number: int,
                       count: int, ours: bool, results: dict) -> None:
    names = list(scripts)
    for n in range(count):
        # Round robin over the kinds, so that every level measures each of them.
        kind = names[(number * count + n) % len(names)]
        script = scripts[kind]
        sender = f"load-{uuid.uuid4().hex[:12]}"
        replies: list[dict] = []
        failed = False
        started = time.perf_counter()
        for message in script:
            t0 = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": message},
                                        timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT)) as answer:
                    body = await answer.json(content_type=None)
                    status = answer.status
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                results["errors"].append(f"{type(error).__name__}: {error}"[:200])
                failed = True
                break
            results["latencies"].append((time.perf_counter() - t0) * 1000)
            results["messages"] += 1
            results["typed" if not is_payload(message) else "pressed"] += 1
            if status != 200 or not isinstance(body, list):
                results["errors"].append(f"HTTP {status}")
                failed = True
                break
            replies = body
            said = " ".join(r.get("text") or "" for r in body)
            if not body or any(w in said for w in FAILURE_WORDS):
                failed = True  # the resident got no answer, or was told something failed
        if ours and not reference_in(replies):
            failed = True  # the conversation did not end with a case reference
        results["conversations"] += 1
        results["failures"] += int(failed)
        by_kind = results["by_kind"].setdefault(kind, {"conversations": 0, "failures": 0})
        by_kind["conversations"] += 1
        by_kind["failures"] += int(failed)
        results["conversation_seconds"].append(time.perf_counter() - started)


async def load(url: str, concurrency: int, per_resident: int, ours: bool) -> dict:
    """One round: `concurrency` residents at once, each completing `per_resident` conversations."""
    results = {"latencies": [], "messages": 0, "typed": 0, "pressed": 0, "conversations": 0,
               "failures": 0, "errors": [], "conversation_seconds": [], "by_kind": {}}
    scripts = OURS if ours else STARTER
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    # The scaled layout's REST webhook needs its token (tests/support/scaled.py); the others
    # ignore the header.
    from tests.support.scaled import ScaledStack

    headers = {"Authorization": f"Bearer {ScaledStack.rest_token}"}
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        started = time.perf_counter()
        await asyncio.gather(*(run_resident(session, url, scripts, number, per_resident, ours,
                                            results) for number in range(concurrency)))
        results["seconds"] = time.perf_counter() - started
    return results


def summary(concurrency: int, rounds: list[dict]) -> dict:
    """The rounds of one set-up at one level, as one row: their messages over their time."""
    lat = [ms for r in rounds for ms in r["latencies"]]
    elapsed = sum(r["seconds"] for r in rounds)
    total = {key: sum(r[key] for r in rounds) for key in
             ("messages", "typed", "pressed", "conversations", "failures")}
    errors = [e for r in rounds for e in r["errors"]]
    by_kind: dict = {}
    for r in rounds:
        for kind, counts in r["by_kind"].items():
            into = by_kind.setdefault(kind, {"conversations": 0, "failures": 0})
            into["conversations"] += counts["conversations"]
            into["failures"] += counts["failures"]
    return {
        "concurrency": concurrency, "rounds": len(rounds), "seconds": round(elapsed, 2),
        "conversations": total["conversations"], "messages": total["messages"],
        "typed_messages": total["typed"], "button_presses": total["pressed"], "by_kind": by_kind,
        "conversations_per_s": round(total["conversations"] / elapsed, 2),
        "messages_per_s": round(total["messages"] / elapsed, 2),
        "messages_per_s_by_round": [round(r["messages"] / r["seconds"], 2) for r in rounds],
        "latency_ms": {"p50": round(percentile(lat, 0.5), 1), "p95": round(percentile(lat, 0.95), 1),
                       "p99": round(percentile(lat, 0.99), 1),
                       "mean": round(statistics.fmean(lat), 1) if lat else None},
        "errors": len(errors), "error_samples": errors[:5],
        "resident_visible_failures": total["failures"],
    }


def print_row(name: str, row: dict) -> None:
    lat = row["latency_ms"]
    print(f"  {name:<9} {row['concurrency']:>3} at once: {row['messages_per_s']:6.1f} msg/s "
          f"(rounds {', '.join(f'{x:.1f}' for x in row['messages_per_s_by_round'])}), "
          f"{row['conversations_per_s']:5.2f} conv/s, p50 {lat['p50']:7.1f} ms, "
          f"p95 {lat['p95']:7.1f} ms, p99 {lat['p99']:7.1f} ms, errors {row['errors']}, "
          f"resident-visible failures {row['resident_visible_failures']} "
          f"({row['typed_messages']} typed, {row['button_presses']} button presses)", flush=True)


def measure(setups: dict[str, tuple[str, bool]], levels: list[int], per_resident: int,
            rounds: int) -> dict[str, list[dict]]:
    """Every set-up at every level, in interleaved rounds (starter, one server, scaled out,
    starter, ...): all are up together and each takes its turn alone, so that a change in how
    fast the shared machine is at that moment falls on all of them alike, and the ratios compare
    like with like."""
    for url, ours in setups.values():
        asyncio.run(load(url, 2, 1, ours))  # warm up (first predictions are slower)
    rows: dict[str, list[dict]] = {name: [] for name in setups}
    for concurrency in levels:
        # One resident at once measures latency only: one round of three conversations.
        turns = 1 if concurrency == 1 else rounds
        done: dict[str, list[dict]] = {name: [] for name in setups}
        for _ in range(turns):
            for name, (url, ours) in setups.items():
                done[name].append(asyncio.run(load(url, concurrency, 3 if concurrency == 1 else per_resident, ours)))
        for name in setups:
            rows[name].append(summary(concurrency, done[name]))
            print_row(name, rows[name][-1])
    return rows


# --- the three set-ups ---------------------------------------------------------------------------

def single_stack(model: Path, workdir: Path) -> tuple[RasaStack, float]:
    stack = RasaStack(model=model, workdir=workdir,
                      extra_env={"INTAKE_RATE_LIMIT_CONVERSATION": "0", "INTAKE_RATE_LIMIT_ADDRESS": "0"})
    stack.migrate()
    stack.graph_api.start()
    stack.start_actions()
    t0 = time.monotonic()
    stack.start_rasa()
    return stack, time.monotonic() - t0


def starter_bot(workdir: Path) -> tuple[subprocess.Popen, int, float]:
    home = ROOT / "var" / "bench" / "starter"
    models = home / "models"
    if not models.is_dir() or not list(models.glob("*.tar.gz")):
        print("Training Rasa's starter bot (rasa init; once, kept in var/bench/starter)...", flush=True)
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        subprocess.run([sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(home)],
                       cwd=home, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    log = open(workdir / "starter.log", "wb")
    t0 = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "rasa", "run", "--enable-api", "--port", str(port),
                                "--model", "models"], cwd=home, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True,
                               env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/status", timeout=2).json().get("model_file"),
               300, "starter bot", process)
    return process, port, time.monotonic() - t0


def ratios(ours: dict, starter: dict, levels: list[int]) -> dict:
    out = {}
    for level in levels:
        a = next(r for r in ours["levels"] if r["concurrency"] == level)
        b = next(r for r in starter["levels"] if r["concurrency"] == level)
        out[str(level)] = {
            "p95_ratio": round(a["latency_ms"]["p95"] / b["latency_ms"]["p95"], 2),
            "throughput_ratio": round(a["messages_per_s"] / b["messages_per_s"], 2),
        }
    return out


def targets(report: dict) -> list[dict]:
    """The issue's targets, judged on this run: one Intake server's p95 at most twice the starter
    bot's and its throughput at least half of it, at 10 and 50 at once; scaled out (two Rasa
    servers on this machine), at least 1.6 times the starter bot's single-server throughput."""
    found = []
    for level in ("10", "50"):
        ratio = report.get("single_vs_starter", {}).get(level)
        if ratio:
            found.append({"what": f"one server, {level} at once: p95 <= x2 the starter bot's",
                          "measured": f"x{ratio['p95_ratio']}", "met": ratio["p95_ratio"] <= 2})
            found.append({"what": f"one server, {level} at once: throughput >= x0.5 the starter bot's",
                          "measured": f"x{ratio['throughput_ratio']}",
                          "met": ratio["throughput_ratio"] >= 0.5})
        scaled = report.get("scaled_vs_starter_single", {}).get(level)
        if scaled:
            found.append({"what": f"scaled out, {level} at once: throughput >= x1.6 the starter "
                                  f"bot's single server", "measured": f"x{scaled['throughput_ratio']}",
                          "met": scaled["throughput_ratio"] >= 1.6})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--conversations-per-resident", type=int, default=1,
                        help="conversations each simulated resident completes in one round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds per set-up at 10 and 50 at once")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "load-benchmark.json")
    parser.add_argument("--skip-scaled", action="store_true")
    args = parser.parse_args()
    model = ensure_model(ROOT / "models")
    report: dict = {"machine": {"cpus": os.cpu_count()}, "levels": args.levels, "rounds": args.rounds,
                    "conversations_per_resident": args.conversations_per_resident}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, contextlib.ExitStack() as running:
        tmp = Path(tmp)
        # Each started alone (start times are measured), then all kept up for the interleaved rounds.
        starter, port, starter_start = starter_bot(tmp)
        running.callback(stop, starter)
        (tmp / "single").mkdir()
        stack, single_start = single_stack(model, tmp / "single")
        running.callback(stack.stop)
        setups = {"starter": (f"http://127.0.0.1:{port}/webhooks/rest/webhook", False),
                  "single": (f"{stack.url}/webhooks/rest/webhook", True)}
        pids = {"starter": {"rasa": starter.pid},
                "single": {"rasa": stack.processes[1].pid, "actions": stack.processes[0].pid}}
        starts = {"starter": starter_start, "single": single_start}
        if not args.skip_scaled:
            from tests.support.scaled import ScaledStack

            (tmp / "scaled").mkdir()
            scaled = ScaledStack(model=model, workdir=tmp / "scaled",
                                 postgres_admin_url=os.environ.get("INTAKE_TEST_POSTGRES_URL",
                                                                   "postgresql://postgres@127.0.0.1:5432/test"),
                                 redis_url=os.environ.get("INTAKE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
            t0 = time.monotonic()
            running.callback(scaled.stop)
            scaled.start()
            starts["scaled"] = time.monotonic() - t0  # every server answering, before any load
            setups["scaled"] = (f"{scaled.url}/webhooks/rest/webhook", True)
            pids["scaled"] = {name: p.popen.pid for name, p in scaled.processes.items()}

        print(f"\n== Interleaved rounds: {', '.join(setups)} ==\n"
              f"  starter:  Rasa's starter bot (rasa init), one server\n"
              f"  single:   Intake on one machine (one Rasa server, one action server, SQLite)\n"
              + ("  scaled:   Intake scaled out (2 Rasa + 2 action servers, nginx, PostgreSQL, Redis)\n"
                 if "scaled" in setups else ""), flush=True)
        rows = measure(setups, args.levels, args.conversations_per_resident, args.rounds)
        for name in setups:
            memory = {process: rss_mb(pid) for process, pid in pids[name].items()}
            print(f"  memory after the load, {name} (MB): {memory}", flush=True)
            report[name] = {"levels": rows[name], "memory_mb": memory,
                            "start_seconds": round(starts[name], 1)}
    report["single_vs_starter"] = ratios(report["single"], report["starter"], args.levels)
    if "scaled" in report:
        report["scaled_vs_starter_single"] = ratios(report["scaled"], report["starter"], args.levels)

    print("\n== Ratios to the starter bot (p95 latency: lower is better; throughput: higher) ==")
    for key in ("single_vs_starter", "scaled_vs_starter_single"):
        if key in report:
            for level, r in report[key].items():
                print(f"  {key:<26} {level:>3} at once: p95 x{r['p95_ratio']}, throughput x{r['throughput_ratio']}")
    report["targets"] = targets(report)
    print("\n== Targets ==")
    for target in report["targets"]:
        print(f"  {'met' if target['met'] else 'NOT MET':>7}: {target['what']} (measured {target['measured']})")
    print(f"\nStart with a trained model: starter {report['starter']['start_seconds']} s, "
          f"Intake Rasa server {report['single']['start_seconds']} s"
          + (f", scaled-out layout {report['scaled']['start_seconds']} s" if "scaled" in report else ""))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"Written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
