"""The production server's settings (`make serve`), from the environment.

PORT (8000) and HOST (127.0.0.1: behind a reverse proxy on the same machine; 0.0.0.0 to let a proxy
on another reach it), WEB_CONCURRENCY workers (2 per core, plus 1), GUNICORN_THREADS per worker (4),
GUNICORN_TIMEOUT seconds before a stuck worker is replaced (60). The app logs each request itself as
JSON (backoffice/logs.py), so gunicorn's own access log is off; its error log goes to stderr.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
# Each worker builds its own app (and database pool) after forking: no connection is shared.
preload_app = False
# Behind TRUSTED_PROXIES the app reads X-Forwarded-* itself (ProxyFix); gunicorn trusts none.
forwarded_allow_ips = ""
