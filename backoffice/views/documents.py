"""Documents: uploaded by business support, approved and published by the board."""

from __future__ import annotations

from pathlib import PurePath

from flask import current_app, flash, url_for
from flask_admin.actions import action
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms.validators import ValidationError

from backoffice.extensions import db
from backoffice.domain import files, publication
from backoffice.models import DocumentStatus, DocumentType, PublishedDocument
from backoffice.views.base import label_formatter, today
from backoffice.views.cases import CaseRecordView


def _download_link(view, context, model: PublishedDocument, name) -> Markup:
    url = url_for("documents.download", document_id=model.id)
    return Markup('<a href="{}">{}</a>').format(url, escape(model.original_filename))


class DocumentView(CaseRecordView):
    resource = "document"
    name = "Documents"

    column_list = ["case", "title", "document_type", "status", "publication_date", "original_filename"]
    column_details_list = [
        "case",
        "title",
        "document_type",
        "status",
        "publication_date",
        "original_filename",
        "content_type",
        "size_bytes",
        "sha256",
        "created_at",
        "updated_at",
        "archived_at",
        "archive_reason",
    ]
    column_export_list = ["case", "title", "document_type", "status", "publication_date"]
    column_sortable_list = [("case", "case.reference"), "title", "document_type", "status", "publication_date"]
    column_searchable_list = ["title", "case.reference", "case.subject_pseudonym"]
    column_filters = ["document_type", "status", "publication_date"]
    column_labels = {"original_filename": "File", "size_bytes": "Size (bytes)", "sha256": "SHA-256"}
    column_formatters = {
        "document_type": label_formatter,
        "status": label_formatter,
        "original_filename": _download_link,
    }
    form_columns = ["case", "title", "document_type", "upload"]
    form_choices = {"document_type": [(t.value, t.label) for t in DocumentType]}
    form_extra_fields = {
        "upload": FileField(
            "File",
            validators=[FileRequired("Choose the file to upload.")],
            description=f"{files.ALLOWED_DESCRIPTION[0].upper()}{files.ALLOWED_DESCRIPTION[1:]}.",
        )
    }
    action_permissions = {"approve": "approve", "publish": "publish", "withdraw": "publish"}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form["upload"]  # a stored file is never replaced in place
        return form

    def check_editable(self, model: PublishedDocument) -> None:
        super().check_editable(model)
        if not publication.is_editable(model):
            raise ValidationError(
                f"This document is {DocumentStatus(model.status).label.lower()} and can no longer be changed."
            )

    def on_model_change(self, form, model: PublishedDocument, is_created: bool) -> None:
        if is_created:
            model.status = DocumentStatus.DRAFT
        super().on_model_change(form, model, is_created)
        if is_created:
            self._store_upload(form, model)

    def _store_upload(self, form, model: PublishedDocument) -> None:
        upload = form.upload.data
        data = upload.read(current_app.config["DOCUMENT_MAX_BYTES"] + 1)
        try:
            kind = files.check_document(data, current_app.config["DOCUMENT_MAX_BYTES"])
        except files.FileRejected as exc:
            form.upload.errors = [*form.upload.errors, str(exc)]
            raise ValidationError(f"Nothing was saved. {exc}") from None
        stored = files.store(data, kind, current_app.config["UPLOAD_DIR"])
        files.discard_on_rollback(db.session, stored.stored_name, current_app.config["UPLOAD_DIR"])
        model.stored_name = stored.stored_name
        model.content_type = stored.content_type
        model.size_bytes = stored.size_bytes
        model.sha256 = stored.sha256
        # Only the last part of the name is kept (for display and the download name), never a path.
        model.original_filename = PurePath((upload.filename or "").replace("\\", "/")).name[-255:] or "document"

    def _transition(self, action_name: str, ids: list[str]) -> None:
        documents = self.get_query().filter(PublishedDocument.id.in_(_int_ids(ids))).all()
        moved, refused = [], []
        for document in documents:
            try:
                publication.apply(action_name, document, today())
                moved.append(document.title)
            except publication.TransitionRefused as exc:
                refused.append(str(exc))
        db.session.commit()
        if moved:
            flash(f"{action_name.capitalize()}: {', '.join(moved)}.", "success")
        for reason in refused:
            flash(reason, "error")

    @action("approve", "Approve", "Approve the selected documents?")
    def action_approve(self, ids):
        self._transition("approve", ids)

    @action("publish", "Publish", "Publish the selected documents?")
    def action_publish(self, ids):
        self._transition("publish", ids)

    @action("withdraw", "Withdraw", "Withdraw the selected documents?")
    def action_withdraw(self, ids):
        self._transition("withdraw", ids)


def _int_ids(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]
