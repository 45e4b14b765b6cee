"""No secret ever reaches the audit trail, its export or a History page.

The attack this guards against: an auditor reads the audit row of a colleague's "generate new
recovery codes", then signs in as that colleague with their password and a code from the row,
without their authenticator. Password hashes, authenticator secrets, recovery codes and session
identifiers are recorded as "(changed)" only; recovery codes are stored encrypted.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect, select

from backoffice.domain.audit import AUDITED, SECRET
from backoffice.models import AuditEvent, User
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.helpers import csv_rows, reload, text

# Column names that hold secrets wherever they appear; each must be declared in its model's SECRET.
LOOKS_SECRET = re.compile(r"password|secret|token|uniquifier|recovery|totp|otp|_key$|salt|nonce|hash")
NOT_SECRET = {("User", "tf_totp_last_counter"), ("PublishedDocument", "sha256"), ("DocumentVersion", "sha256")}


@pytest.mark.parametrize("model", sorted(AUDITED, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_every_secret_looking_column_of_an_audited_model_is_declared_secret(model):
    declared = set(getattr(model, "SECRET", ()))
    columns = {c.key for c in inspect(model).column_attrs}
    undeclared = {
        name for name in columns
        if LOOKS_SECRET.search(name) and name not in declared and (model.__name__, name) not in NOT_SECRET
    }
    assert undeclared == set(), f"{model.__name__}: declare {sorted(undeclared)} in SECRET, or say why not here"
    assert declared <= columns


def generate_recovery_codes(signed_in) -> list[str]:
    page = signed_in.client.post(
        "/mf-recovery-codes", data={"generate_new_codes": "y", "csrf_token": signed_in.csrf()}, follow_redirects=True
    )
    codes = re.findall(r'<li class="fs-div">([^<]+)</li>', text(page))
    assert len(codes) >= 3
    return codes


def everything_the_trail_shows(session, auditor, admin) -> str:
    """The trail as stored, as the audit log exports it, and as History pages show it."""
    session.expire_all()
    stored = " ".join(
        " ".join(str(v) for v in (e.changes, e.restricted_changes, e.reason) if v)
        for e in session.scalars(select(AuditEvent))
    )
    session.commit()
    exported = csv_rows(auditor.get("/admin/audit/export/csv/"))
    user_ids = [u.id for u in session.scalars(select(User))]
    session.commit()
    histories = " ".join(text(admin.get(f"/admin/user/history/?id={uid}")) for uid in user_ids)
    return stored + " " + str(exported) + " " + histories


def test_no_password_hash_authenticator_secret_recovery_code_or_session_id_reaches_the_trail(app, session, login_as):
    colleague = login_as("panel")
    codes = generate_recovery_codes(colleague)
    auditor, admin = login_as("auditor"), login_as("admin")
    stored = reload(session, colleague.user)
    secrets = [stored.password, stored.tf_totp_secret, stored.fs_uniquifier, *stored.mf_recovery_codes, *codes]
    session.commit()

    shown = everything_the_trail_shows(session, auditor, admin)

    assert SECRET in shown  # the changes are recorded, as changes
    leaked = [secret for secret in secrets if secret and secret in shown]
    assert leaked == []


def test_recovery_codes_are_stored_encrypted_and_still_work_once(app, session, login_as):
    colleague = login_as("panel")
    codes = generate_recovery_codes(colleague)

    stored = reload(session, colleague.user).mf_recovery_codes
    session.commit()
    assert stored and not set(stored) & set(codes)

    client = app.test_client()
    client.post("/login", data={"email": colleague.user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    response = client.post("/mf-recovery", data={"code": codes[0], "csrf_token": csrf_token(client, "/mf-recovery")})
    assert response.status_code == 302


def test_the_attack_fails_an_auditor_finds_no_code_in_the_trail_to_sign_in_with(app, session, login_as):
    colleague = login_as("panel")
    generate_recovery_codes(colleague)
    auditor = login_as("auditor")
    rows = csv_rows(auditor.get("/admin/audit/export/csv/"))
    candidates = set(re.findall(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", str(rows)))

    for candidate in candidates or {"no-code-found"}:
        client = app.test_client()
        client.post("/login", data={"email": colleague.user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
        response = client.post("/mf-recovery", data={"code": candidate, "csrf_token": csrf_token(client, "/mf-recovery")})
        assert response.status_code != 302
    assert sign_in(app.test_client(), colleague.user.email).status_code == 302  # the colleague still can
