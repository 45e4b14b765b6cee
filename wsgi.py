"""WSGI entry point: `flask --app wsgi run`, or any WSGI server."""

import gc

from backoffice import create_app

app = create_app()
# Everything built so far (modules, mappers, templates) lives as long as the worker: keep it out of the
# collector's full passes, which otherwise walk it all and pause a request for 50 ms or more.
gc.freeze()
