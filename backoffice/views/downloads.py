"""Document downloads: always through the access check, always as an attachment."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import Blueprint, abort, current_app, redirect, request, send_file, url_for
from flask_login import current_user

from backoffice.domain import files
from backoffice.domain.audit import record_now
from backoffice.extensions import db
from backoffice.models import AuditAction, DocumentVersion, PublishedDocument
from backoffice.policy import may
from backoffice.scope import visible_case_records
from backoffice.views.admin_parts import once_per_request

bp = Blueprint("documents", __name__)


def _readable_document(document_id: int) -> PublishedDocument:
    """The document if the user may read it; anything else is a 404, so ids cannot be probed."""
    if not may("document", "read"):
        abort(403)
    query = visible_case_records(
        db.session.query(PublishedDocument), PublishedDocument, "document"
    ).filter(PublishedDocument.id == document_id)
    document = query.one_or_none()
    if document is None:
        abort(404)
    return document


def send_stored(stored, *, public: bool = False):
    """Send a stored file (a document or one of its versions) as an attachment that never runs."""
    data = files.document_store().read(db.session, stored.stored_name)
    if data is None:
        abort(404)
    max_age = current_app.config["PUBLIC_CACHE_SECONDS"] if public else 0
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=files.clean_filename(stored.original_filename, stored.content_type),
        max_age=max_age,
        etag=stored.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if not public:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/documents/<int:document_id>/download")
def download(document_id: int):
    """Send the current file of a document the user may read."""
    if not current_user.is_authenticated:
        return redirect(url_for("security.login", next=request.full_path))
    document = _readable_document(document_id)
    record_now(AuditAction.DOWNLOAD, object_type="document", object_id=document.id, case=document.case)
    return send_stored(document)


@bp.get("/documents/<int:document_id>/versions/<int:number>/download")
def download_version(document_id: int, number: int):
    """Send an earlier file of a document the user may read."""
    if not current_user.is_authenticated:
        return redirect(url_for("security.login", next=request.full_path))
    document = _readable_document(document_id)
    version = db.session.query(DocumentVersion).filter_by(document_id=document.id, file_version=number).one_or_none()
    if version is None:
        abort(404)
    record_now(AuditAction.DOWNLOAD, object_type="document", object_id=document.id,
               case=document.case, reason=f"Version {number}")
    return send_stored(version)


# A number no route holds, standing for the id while an address is built (see address_of).
_ANY_ID = 918273645546372819


def address_of(endpoint: str, id_arg: str = "document_id") -> Callable[[int], str]:
    """url_for(endpoint, id_arg=id) for a page's many ids: built once a request, then each id put in
    (building each address took a twentieth of a list's time, and most of a long public page's)."""
    def build() -> Callable[[int], str]:
        before, after = url_for(endpoint, **{id_arg: _ANY_ID}).split(str(_ANY_ID), 1)
        return lambda record_id: f"{before}{int(record_id)}{after}"

    return once_per_request(("address", endpoint, id_arg), build)
