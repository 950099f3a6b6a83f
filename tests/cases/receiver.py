"""A real HTTP receiver for the forwarding tests: the landlord's system, as badly behaved as asked."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.cases.outbox import EVENT_ID_HEADER, SIGNATURE_HEADER, verify


class Receiver:
    """Modes: "ok" (store once per event id, answer 204), "500" (answer 500, store nothing),
    "store-then-hang" (store, then answer too late for the sender's timeout)."""

    def __init__(self, port: int, secret: str):
        self.port, self.secret = port, secret
        self.mode = "ok"
        self.hang_seconds = 1.0
        self.receipts: list[dict] = []          # every request, duplicates included
        self.accepted: dict[str, dict] = {}     # event id -> payload, each stored once
        self.order: list[str] = []              # event ids in the order first stored
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/intake"

    def _store(self, event_id: str, body: bytes) -> None:
        with self.lock:
            if event_id not in self.accepted:
                self.accepted[event_id] = json.loads(body)
                self.order.append(event_id)

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                event_id = self.headers.get(EVENT_ID_HEADER)
                signed = verify(body, receiver.secret, self.headers.get(SIGNATURE_HEADER))
                with receiver.lock:
                    receiver.receipts.append({"event_id": event_id, "signed": signed,
                                              "mode": receiver.mode, "body": body,
                                              "headers": dict(self.headers)})
                mode = receiver.mode
                if not signed:
                    self.send_response(401)
                elif mode == "500":
                    self.send_response(500)
                elif mode == "store-then-hang":
                    receiver._store(event_id, body)
                    time.sleep(receiver.hang_seconds)
                    self.send_response(204)
                else:
                    receiver._store(event_id, body)
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def main() -> None:
    """Run as a process of its own (the fault tests kill it): `python -m tests.cases.receiver
    PORT SECRET FILE`; every signed event is appended to FILE as a JSON line."""
    import signal
    import sys

    port, secret, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    receiver = Receiver(port, secret)

    def _store(event_id: str, body: bytes) -> None:
        with receiver.lock, open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"event_id": event_id, "payload": json.loads(body)}) + "\n")
            out.flush()

    receiver._store = _store
    receiver.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
