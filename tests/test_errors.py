"""Error pages explain without leaking: no stack trace, SQL or framework names; and a database that
cannot be reached gives a 503 page, not a crash."""

from __future__ import annotations

import pytest

from backoffice import create_app
from config import TestConfig
from tests.conftest import csrf_token

LEAKS = ("traceback", "sqlalchemy", "psycopg", "werkzeug", "flask", "operationalerror", "select ")


def test_an_unreachable_database_gives_a_503_page_with_the_security_headers():
    app = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "someone@example.org", "password": "x" * 12, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "temporarily unavailable" in page and "Nothing was saved" in page
    assert not any(leak in page.lower() for leak in LEAKS)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_post_without_a_csrf_token_is_refused_with_a_plain_message(client):
    response = client.post("/login", data={"email": "someone@example.org", "password": "x" * 12})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not sent from this site" in page
    assert not any(leak in page.lower() for leak in LEAKS)


def test_an_oversized_upload_gets_a_413_page(login_as, app):
    signed_in = login_as("business_support")
    too_big = b"%PDF-" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = signed_in.client.post("/admin/document/new/", data={"upload": (__import__("io").BytesIO(too_big), "big.pdf")})
    assert response.status_code == 413
    assert "is larger than the limit. Nothing was saved." in response.get_data(as_text=True)


class DatabaseLink:
    """A TCP relay on loopback to the real PostgreSQL, which a test can cut: the database "goes
    down" under a running app, its pooled connections dropped mid-life."""

    def __init__(self, port: int = 5432) -> None:
        import socket
        import threading

        self.target = ("127.0.0.1", port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list = []
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while self.up:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        import socket

        self.up = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; new connections are refused
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def test_signing_in_while_the_database_goes_down_gives_a_503_and_writes_nothing(app, engine, session):
    if engine.dialect.name != "postgresql":
        pytest.skip("an embedded SQLite database cannot go down under the app")
    from sqlalchemy import func, select

    from backoffice.models import AuditEvent

    link = DatabaseLink(engine.url.port or 5432)
    url = engine.url.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    running = create_app(TestConfig(), overrides={"SQLALCHEMY_DATABASE_URI": url})
    client = running.test_client()
    token = csrf_token(client)
    form = {"email": "someone@example.org", "password": "x" * 12, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 200  # the database answers; a connection is pooled
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    session.commit()

    link.cut()
    response = client.post("/login", data=form)

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "temporarily unavailable" in page and not any(leak in page.lower() for leak in LEAKS)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
