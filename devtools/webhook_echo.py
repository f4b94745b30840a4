"""`make webhook-echo`: a webhook receiver on this machine that prints every event it gets.

Register `http://127.0.0.1:8765/` as a webhook in the admin console (/app/admin/webhooks)
of `make run`; with the secret the console showed (`make webhook-echo
SECRET=whsec_...`), each delivery's `Catalog-Signature` is checked too, the way a real
receiver should: HMAC-SHA256 over "<t>.<body>", compared in constant time, t recent.
`--fail N` answers the first N deliveries with 503, to watch the retries.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


def signature_ok(secret: str, header: str, body: bytes, now: float) -> bool:
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields.get("v1", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", default="", help="the webhook's secret: check signatures")
    parser.add_argument("--fail", type=int, default=0, help="answer the first N with 503")
    options = parser.parse_args()
    failures_left = [options.fail]
    seen: set[str] = set()

    class Echo(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            event_id = self.headers.get("Catalog-Event-Id", "?")
            verdict = "unchecked (no --secret)"
            if options.secret:
                good = signature_ok(
                    options.secret, self.headers.get("Catalog-Signature", ""), body, time.time()
                )
                verdict = "signature ok" if good else "BAD SIGNATURE"
            status = 200
            if failures_left[0] > 0:
                failures_left[0] -= 1
                status = 503
            repeat = " (again: dedupe by event id)" if event_id in seen else ""
            seen.add(event_id)
            try:
                shown = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
            except ValueError:
                shown = body.decode(errors="replace")
            print(
                f"--- {self.headers.get('Catalog-Event-Type', '?')} {event_id}{repeat}: "
                f"{verdict}; answered {status}\n{shown}",
                flush=True,
            )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Echo)
    print(
        f"webhook echo on http://127.0.0.1:{options.port}/ "
        "(add it in /app/admin/webhooks; Ctrl-C stops)",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
