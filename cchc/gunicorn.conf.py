"""gunicorn's settings for `make serve` (read with -c): workers from CCHC_WORKERS (default
2 × cores + 1), threads for the report page's autosaves, access lines left to cchc's own
JSON request log (one line a request, with its request id)."""

import multiprocessing
import os

bind = os.environ.get("CCHC_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CCHC_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("CCHC_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("CCHC_WORKER_TIMEOUT", 120))  # a 50 000-row import, a PDF
graceful_timeout = 30
# Longer than a person's pause between two clicks on the same page (and than a proxy's own
# idle time to the server): a connection closed by the server just as the browser reuses it
# is reset, and the user sees an error (seen in benchmarks/bench_load.py with 2 s).
keepalive = int(os.environ.get("CCHC_KEEPALIVE", 5))
max_requests = 2000  # recycle workers now and then (a long-lived matplotlib, pandas)
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CCHC_LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("CCHC_FORWARDED_ALLOW_IPS", "127.0.0.1")
