"""Document downloads: always through the access check, always as an attachment."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, send_file, url_for
from flask_login import current_user

from backoffice.domain import files
from backoffice.domain.audit import record_now
from backoffice.extensions import db
from backoffice.models import AuditAction, PublishedDocument
from backoffice.policy import may
from backoffice.views.scope import visible_case_records

bp = Blueprint("documents", __name__)


@bp.get("/documents/<int:document_id>/download")
def download(document_id: int):
    """Send a document the user may read; anything else is a 404, so ids cannot be probed."""
    if not current_user.is_authenticated:
        return redirect(url_for("security.login", next=request.full_path))
    if not may("document", "read"):
        abort(403)
    query = visible_case_records(
        db.session.query(PublishedDocument), PublishedDocument, "document"
    ).filter(PublishedDocument.id == document_id)
    if not may("document", "read_archived"):
        query = query.filter(PublishedDocument.archived_at.is_(None))
    document = query.one_or_none()
    if document is None:
        abort(404)
    path = files.path_of(document.stored_name, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    record_now(AuditAction.DOWNLOAD, object_type="document", object_id=document.id, object_ref=document.case.reference)
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response
