"""Documents: uploaded by business support, approved and published by the board."""

from __future__ import annotations


from flask import current_app, flash
from flask_admin.actions import action
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms.validators import Optional, ValidationError

from backoffice.extensions import db
from backoffice.domain import files, publication
from backoffice.models import DocumentStatus, DocumentType, DocumentVersion, PublishedDocument, utcnow
from backoffice.models.document import FILE_FIELDS
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import today
from backoffice.views.cases import CaseRecordView
from backoffice.views.downloads import address_of


def _download_link(view, context, model: PublishedDocument, name) -> Markup:
    url = address_of("documents.download")(model.id)
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
        "file_version",
        "file_uploaded_at",
        "file_uploaded_by",
        "created_at",
        "updated_at",
        "archived_at",
        "archive_reason",
    ]
    column_export_list = ["case", "title", "document_type", "status", "publication_date"]
    column_sortable_list = [("case", "case.reference"), "title", "document_type", "status", "publication_date"]
    column_searchable_list = ["title", "case.reference", "case.subject_pseudonym"]
    column_filters = ["document_type", "status", "publication_date"]
    column_labels = {
        "original_filename": "File",
        "size_bytes": "Size (bytes)",
        "sha256": "SHA-256",
        "file_version": "File version",
        "file_uploaded_at": "File uploaded",
        "file_uploaded_by": "File uploaded by",
    }
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
    details_template = "admin/document_details.html"

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        # A draft's file may be replaced by a new version; the old file is kept, never overwritten.
        form.upload.label.text = "Replace the file with a new version (optional)"
        form.upload.validators = [Optional()]
        form.upload.flags.required = False
        return form

    def document_panel(self, document: PublishedDocument) -> dict:
        """Beside the record: earlier versions of the file, and what the anonymisation check finds."""
        checked = DocumentStatus(document.status) in (DocumentStatus.DRAFT, DocumentStatus.APPROVED)
        return {
            "actions": [(name, self._actions_data[name][1]) for name in publication.actions_open(document)
                        if name in self._actions_data and self.is_action_allowed(name)],
            "versions": document.previous_versions,
            "check": publication.check_problem(document.case, document, current_app.config["UPLOAD_DIR"])
            if checked else None,
            "checked": checked,
        }

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
        upload = form.upload.data if "upload" in form else None
        if is_created or (upload and upload.filename):
            if not is_created:
                db.session.add(_previous_version(model))
                model.file_version += 1
            self._store_upload(form, model)

    def after_model_change(self, form, model: PublishedDocument, is_created: bool) -> None:
        """Tell staff at once if the new file would fail the anonymisation check."""
        if "upload" in form and form.upload.data and form.upload.data.filename:
            problem = publication.check_problem(model.case, model, current_app.config["UPLOAD_DIR"])
            if problem:
                flash(f"Saved, but the board cannot approve it yet. Anonymisation check: {problem}", "warning")

    def _store_upload(self, form, model: PublishedDocument) -> None:
        upload = form.upload.data
        data = upload.read(current_app.config["DOCUMENT_MAX_BYTES"] + 1)
        try:
            kind = files.check_document(data, current_app.config["DOCUMENT_MAX_BYTES"])
        except files.FileRejected as exc:
            form.upload.errors = [*form.upload.errors, str(exc)]
            raise ValidationError(f"Nothing was saved. {exc}") from None
        stored = files.document_store().put(db.session, data, kind)
        model.stored_name = stored.stored_name
        model.content_type = stored.content_type
        model.size_bytes = stored.size_bytes
        model.sha256 = stored.sha256
        model.file_uploaded_at = utcnow()
        model.file_uploaded_by_id = current_user.id
        # Only a clean last part of the name is kept (for display and the download name), never a path,
        # and with the extension of what the file really is.
        model.original_filename = files.clean_filename(upload.filename, kind)

    def _transition(self, action_name: str, ids: list[str]) -> None:
        documents = self.get_query().filter(PublishedDocument.id.in_(_int_ids(ids))).all()
        moved, refused = [], []
        for document in documents:
            try:
                publication.apply(action_name, document, today(), current_app.config["UPLOAD_DIR"])
                moved.append(document.title)
            except publication.PublicationRefused as exc:
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


def _previous_version(document: PublishedDocument) -> DocumentVersion:
    """The document's current file, kept as it is before a new version replaces it."""
    return DocumentVersion(
        document=document,
        replaced_at=utcnow(),
        **{name: getattr(document, name) for name in FILE_FIELDS},
    )


def _int_ids(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]
