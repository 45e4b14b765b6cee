"""The one secure base view every Flask-Admin model view derives from.

Every permission Flask-Admin knows (list, details, create, edit, delete, export, actions, inline
edit, ajax lookup) is derived here, per request, from `backoffice.policy.POLICY`; nothing mutates
the shared view instance. Row-level scoping (review streams, archived records) is applied to every
query the view makes: lists, counts, single records, exports and lookups. The Flask-Admin pieces it is
built from, and its overrides of Flask-Admin internals, are in `admin_parts.py`.
"""

from __future__ import annotations

import logging
from datetime import date
from collections.abc import Callable
from functools import cached_property
from itertools import repeat
from typing import Any, ClassVar
from urllib.parse import quote_plus

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.helpers import get_redirect_target
from flask_admin.model.template import EditRowAction, EndpointLinkRowAction, ViewRowAction
from flask_login import current_user
from flask_security import check_and_update_authn_fresh
from flask_wtf.form import _Auto
from markupsafe import Markup, escape
from jinja2 import pass_context
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import defaultload, lazyload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from backoffice.domain.audit import AUDITED, CASE_CONTENT_TYPES, case_of, record_now, stream_key
from backoffice.domain.history import (
    SHOWN_FIELDS, conflict_message, described_changes, history, humanise, linked_names)
from backoffice.extensions import db
from backoffice.models.audit import AuditAction
from backoffice.models.base import Archivable, TextTooLong, current_actor_id, keeping_loaded
from backoffice.policy import may, user_roles, user_streams
from backoffice.refusals import Refused
from backoffice.scope import unarchived_unless_allowed
from backoffice.views.admin_parts import (
    DETAIL_FORMATTERS, EXPORT_FORMATTERS, LIST_FORMATTERS, LOOKUP_LIMIT, AdminConverter, DeferredCount, FlaskAdminSeams,
    URL_SAFE, InlineEditWidget, ScopedAjaxLoader, limit_text_fields, neutralise_formula, once_per_request, one_by_id,
    plain_text,
)
from backoffice.views.forms import PlainForm
from backoffice import clock

log = logging.getLogger(__name__)

# Which policy actions each Flask-Admin endpoint needs (any one of them suffices). An endpoint
# not listed here is refused: new endpoints fail closed until someone decides who may use them.
ENDPOINT_ACTIONS: dict[str, tuple[str, ...]] = {
    "index_view": ("read",),
    "details_view": ("read",),
    "create_view": ("create",),
    "edit_view": ("edit",),
    "delete_view": ("delete",),  # nobody: records are archived, never deleted
    "action_view": ("read",),  # each action is then checked by is_action_allowed
    "export": ("export",),
    "ajax_lookup": ("create", "edit"),
    "ajax_update": ("edit",),
    "archive_view": ("archive",),
    "history_view": ("read",),
}

# Stands for a row's id while a row's links are built: a control character, which is percent-encoded
# ("%01") and which no other part of the address can hold unencoded (a search's text is cleaned of
# control characters, and a "%01" typed in it is encoded again as "%2501").
ROW_ID = "\x01"
ROW_ID_QUOTED = "%01"
RETURN_URL, RETURN_URL_QUOTED = "\x02", "%02"  # the same, for the page a row's link returns to
# The loading strategies that load a relationship with its record, whether or not a page shows it.
EAGER = ("selectin", "joined", "subquery")


class AdminForm(PlainForm):
    """The base of every admin form: Flask-WTF (CSRF through CSRFProtect, the app's one mechanism),
    remembering the edited object as Flask-Admin's Unique validator expects."""

    def __init__(self, formdata=_Auto, obj=None, **kwargs) -> None:
        super().__init__(formdata, obj=obj, **kwargs)
        self._obj = obj


class FormErrors(ValidationError):
    """The domain rules refused a save: their messages are on the form's fields, except `unplaced`."""

    def __init__(self, unplaced: list[str]) -> None:
        super().__init__(" ".join(unplaced))
        self.unplaced = unplaced


class ArchiveForm(PlainForm):
    reason = TextAreaField(
        "Reason for archiving",
        validators=[DataRequired("Give a reason for archiving."), Length(max=2000)],
        description="Archived records leave the lists but are kept, with this reason, for auditors.",
    )


def today() -> date:
    """Today's date for validation: the date in England (the one clock's)."""
    return clock.today()


class SecureModelView(FlaskAdminSeams, ModelView):
    """A model view whose every permission comes from the policy table for `resource`."""

    resource: ClassVar[str]
    # Model fields holding restricted data (legal names, contact details): shown only to roles with
    # the "restricted" permission; never in lists or exports.
    restricted_columns: ClassVar[tuple[str, ...]] = ()
    extra_endpoint_actions: ClassVar[dict[str, tuple[str, ...]]] = {}
    inline_edit_columns: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {}
    # Endpoints whose POSTs need a recent sign-in (besides exports, which always do).
    sensitive_endpoints: ClassVar[frozenset[str]] = frozenset()
    # Unique columns whose duplicates the view's domain_errors report (case-insensitively, with a
    # clearer message) instead of Flask-Admin's scaffolded Unique validator.
    own_unique_checks: ClassVar[tuple[str, ...]] = ()

    form_base_class = AdminForm
    model_form_converter = AdminConverter
    page_size = 25
    can_set_page_size = True
    page_size_options = (10, 25, 50, 100)
    export_types = ["csv"]
    column_display_pk = False
    fast_mass_delete = False
    named_filter_urls = True
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS

    # --- permissions, per request -------------------------------------------------------------

    @property
    def can_create(self) -> bool:
        return may(self.resource, "create")

    @property
    def can_edit(self) -> bool:
        return may(self.resource, "edit")

    @property
    def can_delete(self) -> bool:
        return may(self.resource, "delete")

    @property
    def can_export(self) -> bool:
        return may(self.resource, "export")

    @property
    def can_view_details(self) -> bool:
        # Flask-Admin works out the details columns once, outside any request: say yes then.
        return not _in_request() or may(self.resource, "read")

    @property
    def can_archive(self) -> bool:
        return issubclass(self.model, Archivable) and may(self.resource, "archive")

    @property
    def can_see_restricted(self) -> bool:
        return may(self.resource, "restricted")

    @property
    def column_editable_list(self) -> list[str]:
        # Flask-Admin builds its inline-edit form class once, outside any request. (Asked for every cell.)
        if not self.inline_edit_columns or not _in_request() or may(self.resource, "edit"):
            return self.inline_edit_columns
        return []

    @column_editable_list.setter
    def column_editable_list(self, value) -> None:  # Flask-Admin assigns the class default
        pass

    @property
    def export_max_rows(self) -> int:
        """EXPORT_MAX_ROWS, except for roles that may export everything (0: no limit; exports stream)."""
        return 0 if may(self.resource, "export_all") else current_app.config["EXPORT_MAX_ROWS"]

    @export_max_rows.setter
    def export_max_rows(self, value) -> None:
        pass

    @property
    def exporting(self) -> bool:
        """Whether the current request is this view's CSV export."""
        return _in_request() and request.endpoint == f"{self.endpoint}.export"

    def get_save_return_url(self, model, is_created: bool = False) -> str:
        """After creating a record, its own page (its reference and what to do next), not the list."""
        if is_created and self.can_view_details:
            return self.get_url(".details_view", id=model.id)
        return super().get_save_return_url(model, is_created)

    def scaffold_list_form(self, widget=None, validators=None):
        return super().scaffold_list_form(widget or InlineEditWidget(), validators)

    @expose("/")
    def index_view(self):
        """The list; a search or filter the database cannot use is dropped with a message, never a 500."""
        try:
            return super().index_view()
        except (DBAPIError, StatementError, ArithmeticError, LookupError, ValueError) as exc:
            db.session.rollback()
            if not request.args:
                raise
            log.warning("List parameters refused on %s: %s", self.endpoint, type(exc).__name__)
            flash("That search or filter could not be used, so the whole list is shown.", "error")
            return redirect(self.get_url(".index_view"))

    def required_actions(self, endpoint: str) -> tuple[str, ...]:
        """The policy actions an endpoint of this view needs; empty means nobody may use it."""
        return {**ENDPOINT_ACTIONS, **self.extra_endpoint_actions}.get(endpoint, ())

    def is_accessible(self) -> bool:
        return may(self.resource, "read")

    def is_action_allowed(self, name: str) -> bool:
        return may(self.resource, self.action_permissions.get(name, name))

    def _handle_view(self, name: str, **kwargs: Any):
        """The gate in front of every endpoint: sign-in first, then the policy for this endpoint, then
        a recent sign-in for sensitive actions."""
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        if not any(may(self.resource, action) for action in self.required_actions(name)):
            abort(403)
        if self.is_sensitive(name) and not check_and_update_authn_fresh(
            current_app.config["SECURITY_FRESHNESS"], current_app.config["SECURITY_FRESHNESS_GRACE_PERIOD"]
        ):
            flash("Please confirm your password to continue.", "info")
            return redirect(url_for("security.verify", next=request.full_path))
        return None

    def is_sensitive(self, endpoint: str) -> bool:
        """Exports, and changes to what people may do, need a recent sign-in."""
        return endpoint == "export" or (endpoint in self.sensitive_endpoints and request.method == "POST")

    # --- columns ------------------------------------------------------------------------------

    def get_export_value(self, model, name):
        value = super().get_export_value(model, name)
        if value is not None and not isinstance(value, (int, float, bool)):
            value = str(value)  # a linked record (an agency) is written as its name: check that text
        return neutralise_formula(value)

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        actions.append(EndpointLinkRowAction("fa fa-history", ".history_view", title="History"))
        if self.can_archive:
            actions.append(EndpointLinkRowAction("fa fa-archive", ".archive_view", title="Archive"))
        return actions

    def get_url(self, endpoint: str, **kwargs) -> str:
        """A URL of this view; one without arguments (the menu's link to each list, on every page) is
        built once per mount point."""
        if kwargs or not _in_request():
            return super().get_url(endpoint, **kwargs)
        key = (request.script_root, self.endpoint, endpoint)
        if key not in _PLAIN_URLS:
            _PLAIN_URLS[key] = super().get_url(endpoint)
        return _PLAIN_URLS[key]

    def row_action_links(self, row_id: str, return_url: str) -> Markup:
        """A row's action icons as Flask-Admin's row_actions.link macro draws them, each written once per
        page and then given the row's id (a macro call and an address built per link took an eighth of
        a list's time)."""
        halves = once_per_request(("row links", self.endpoint), lambda: self._row_links_returning_to(return_url))
        row_id = str(row_id)
        if not row_id.isdigit():
            raise ValueError(f"{self.endpoint}: row ids are whole numbers here, not {row_id!r}")
        return Markup("".join(f"{before}{row_id}{after}" for before, after in halves))

    @pass_context
    def row_cells(self, context, row) -> Markup:
        """A row's cells, none of them editable in place, as the list template's loop would write them,
        in one call: a hundred rows of eight columns through the loop took most of a long page's time."""
        return Markup("".join(f'<td class="col-{column}">{escape(self.get_list_value(context, row, column))}</td>'
                              for column, _ in self._list_columns))

    def _row_links_returning_to(self, return_url: str) -> list[tuple[str, str]]:
        """The row links' halves (_row_link_halves) with `return_url` in them: built once for each list,
        roles and mount point, then given the page's own return address, encoded as url_for encodes it."""
        key = (request.script_root, self.endpoint, user_roles())
        if key not in _ROW_LINKS:
            _ROW_LINKS[key] = self._row_link_halves(RETURN_URL)
        encoded = str(escape(quote_plus(return_url, safe=URL_SAFE)))
        return [(before.replace(RETURN_URL_QUOTED, encoded), after.replace(RETURN_URL_QUOTED, encoded))
                for before, after in _ROW_LINKS[key]]

    def _row_link_halves(self, return_url: str) -> list[tuple[str, str]]:
        """Each row action's link, split where the row's id goes."""
        links = [ROW_LINK.format(ModelView.get_url(self, endpoint, id=ROW_ID, **kwargs), title, icon)
                 for endpoint, kwargs, title, icon in map(_link_parts, self.get_list_row_actions(), repeat(return_url))]
        return [tuple(str(link).split(ROW_ID_QUOTED, 1)) for link in links]

    # --- row-level scope ----------------------------------------------------------------------

    def scope(self, query):
        """Restrict `query` to the rows the current user may see. Views add stream scoping."""
        return unarchived_unless_allowed(query, self.model, self.resource)

    def get_query(self):
        query = self.scope(super().get_query())
        if _in_request() and request.endpoint == f"{self.endpoint}.index_view":
            query = query.options(*self.unshown_eager_loads)
        return query

    list_reads: tuple[str, ...] = ()  # relationships a list's computed columns read (kept eager)

    @cached_property
    def unshown_eager_loads(self) -> list:
        """The list loads no relationship it does not show, though the model loads it eagerly elsewhere
        (a case's categories and agencies): Flask-Admin joins the ones the list shows. (The same for
        every request: worked out once.)"""
        paths = [str(name).split(".") for name, _ in self._list_columns]
        shown = {path[0] for path in paths} | set(self.list_reads)
        shown_beyond = {path[1] for path in paths if len(path) > 1}  # a family event's member's case
        options = []
        for relationship in self.model.__mapper__.relationships:
            attribute = getattr(self.model, relationship.key)
            if relationship.key not in shown:
                if relationship.lazy in EAGER:
                    options.append(lazyload(attribute))
                continue
            linked = relationship.mapper  # a shown record (a decision's case) is named, nothing more
            options += [defaultload(attribute).lazyload(getattr(linked.class_, r.key))
                        for r in linked.relationships if r.lazy in EAGER and r.key not in shown_beyond]
            naming = getattr(linked.class_, "NAMED_BY", None)
            if naming and relationship.key not in shown_beyond:
                options.append(defaultload(attribute).load_only(*(getattr(linked.class_, c) for c in naming)))
        return options

    def get_count_query(self):
        if not _in_request():
            return self.scoped_count_query()
        return DeferredCount(self.scoped_count_query)  # most pages end before a count is needed

    def scoped_count_query(self):
        return self.scope(super().get_count_query())

    def get_one(self, id):
        """The record `id` if the user may see it. A page that only reads (a GET) loads it once, though
        Flask-Admin and this view (auditing the read) each ask for it."""
        if not _in_request() or request.method != "GET":
            return one_by_id(self.get_query(), self.model, id)
        return once_per_request(("record", self.endpoint, str(id)), lambda: one_by_id(self.get_query(), self.model, id))

    # --- forms and validation -----------------------------------------------------------------

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name in self.own_unique_checks:
            field = getattr(form_class, name, None)
            if field is not None:
                validators = field.kwargs.get("validators", ())
                field.kwargs["validators"] = [v for v in validators if not isinstance(v, Unique)]
        limit_text_fields(form_class, self.model)
        return form_class

    def create_form(self, obj=None):
        return self._restrict_form(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._restrict_form(super().edit_form(obj))
        if obj is not None and hasattr(obj, "version") and request.method == "GET":
            form.loaded_version.data = obj.version  # a POST must say which version it was loaded at
        return form

    def get_edit_form(self):
        form_class = super().get_edit_form()
        if hasattr(self.model, "version"):
            # The version the user loaded travels with the form, so a save over a newer version is caught.
            form_class.loaded_version = HiddenField()
        return form_class

    def update_model(self, form, model) -> bool:
        """Refuse to save over someone else's newer change; say what they changed."""
        if "loaded_version" in form:
            loaded = form.loaded_version.data
            del form["loaded_version"]
            if not str(loaded or "").isdigit():
                flash("Nothing was saved: the form did not say which version of the record it was opened at, so "
                      "a newer change could have been overwritten. Reload the page and make your change again.", "error")
                return False
            if int(loaded) != model.version:
                flash(conflict_message(self.audit_type, model.id, int(loaded)), "error")
                return False
        with keeping_loaded(db.session):
            return super().update_model(form, model)

    def create_model(self, form):
        """Flask-Admin's, the saved record staying loaded after the commit: its page's address and the
        message that it was saved are read from it next (expired, it and its links were loaded again)."""
        with keeping_loaded(db.session):
            return super().create_model(form)

    def _restrict_form(self, form):
        """Drop fields the role may not see, so posted values for them are ignored too."""
        if not self.can_see_restricted:
            for name in self.restricted_columns:
                if name in form:
                    del form[name]
        return form

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        """The domain rules' complaints about `model`, by field. Views override this."""
        return {}

    def check_editable(self, model) -> None:
        """Raise ValidationError if `model` may no longer be changed (e.g. once approved)."""
        if isinstance(model, Archivable) and model.is_archived:
            raise ValidationError("This record is archived and cannot be changed.")

    def on_model_change(self, form, model, is_created: bool) -> None:
        if not is_created:
            self.check_editable(model)
        with db.session.no_autoflush:
            errors = self.domain_errors(model, is_created)
        if errors:
            unplaced = []
            for field_name, message in errors.items():
                field = getattr(form, field_name, None)
                if field is not None:
                    field.errors = [*field.errors, message]
                else:
                    unplaced.append(message)
            raise FormErrors(unplaced)

    def handle_view_exception(self, exc: Exception) -> bool:
        """Turn every failure into a clear message; never show SQL or a stack trace."""
        if isinstance(exc, FormErrors):
            # Messages beside their fields are listed in the page's error summary; say the rest here.
            flash(" ".join(["Nothing was saved.", *exc.unplaced]), "error")
        elif isinstance(exc, (ValidationError, TextTooLong)):
            flash(str(exc), "error")
        elif isinstance(exc, DataError):
            flash("Nothing was saved: a value is too long or not of the kind this field holds. Please check and "
                  "try again.", "error")
        elif isinstance(exc, StaleDataError):
            flash(
                "Nothing was saved: this record changed after you opened it (someone else saved it at the "
                "same moment). Reload it to see the current version, then make your change again.",
                "error",
            )
        elif isinstance(exc, IntegrityError):
            flash(
                "Nothing was saved: this conflicts with an existing record "
                "(for example a duplicate name or reference). Please check and try again.",
                "error",
            )
        else:
            log.exception("Unexpected error saving %s", self.model.__name__)
            flash("Nothing was saved because of an unexpected error. Please try again.", "error")
        return True

    def create_scoped_loader(self, name: str, model, scope, fields: list[str], **options):
        return ScopedAjaxLoader(name, model, scope, fields=fields, page_size=LOOKUP_LIMIT, **options)

    # --- audit of reads, and each record's history -----------------------------------------------

    @property
    def audit_type(self) -> str:
        """The object type this view's records carry in the audit trail."""
        return AUDITED.get(self.model, (self.resource, self.resource))[0]

    @expose("/details/")
    def details_view(self):
        response = super().details_view()
        model = self.get_one(request.args.get("id"))
        if model is not None:
            shown = [name for name in self.restricted_columns if self.can_see_restricted and getattr(model, name, None)]
            record_now(
                AuditAction.VIEW,
                object_type=self.audit_type,
                object_id=model.id,
                case=case_of(model),
                changes={SHOWN_FIELDS: [None, shown]} if shown else None,
            )
        return response

    @expose("/export/<export_type>/")
    def export(self, export_type: str):
        if self.can_export and export_type in self.export_types:
            asked = plain_text(request.query_string.decode(errors="replace"), 500) or None
            record_now(AuditAction.EXPORT, object_type=self.audit_type, reason=asked,
                       streams=stream_key(user_streams()) if self.audit_type in CASE_CONTENT_TYPES else None)
        try:
            return super().export(export_type)
        except (DBAPIError, StatementError, ArithmeticError, LookupError, ValueError) as exc:
            db.session.rollback()
            log.warning("Export parameters refused on %s: %s", self.endpoint, type(exc).__name__)
            flash("That search or filter could not be used, so nothing was exported.", "error")
            return redirect(self.get_url(".index_view"))

    @expose("/history/")
    def history_view(self):
        """The record's audit events in order, old and new values side by side."""
        model = self.get_one(request.args.get("id"))
        if model is None:
            abort(404)
        number = request.args.get("page", "0")
        number = int(number) if number.isdigit() and len(number) < 7 else 0
        events, more = history(self.audit_type, model.id, number)
        names = linked_names(events)
        labels = self.column_labels or {}
        return_url = get_redirect_target() or self.get_url(".details_view", id=model.id)
        page = self.render(
            "admin/history.html",
            model=model,
            rows=[(event, role_names(event.actor_roles),
                   described_changes(event, self.can_see_restricted, labels, names)) for event in events],
            return_url=return_url,
            earlier=self.get_url(".history_view", id=model.id, page=number - 1, url=return_url) if number else None,
            later=self.get_url(".history_view", id=model.id, page=number + 1, url=return_url) if more else None,
        )
        # Recorded once the page is drawn: recording commits, which would reload every event shown.
        record_now(AuditAction.VIEW, object_type=self.audit_type, object_id=model.id,
                   case=case_of(model), reason="History viewed")
        return page

    # --- archive ------------------------------------------------------------------------------

    @expose("/archive/", methods=("GET", "POST"))
    def archive_view(self):
        """Archive one record with a reason: it leaves the lists, and stays for auditors."""
        return_url = get_redirect_target() or self.get_url(".index_view")
        if not self.can_archive:
            abort(403)
        model = self.get_one(request.args.get("id"))
        if model is None:
            abort(404)
        form = ArchiveForm()
        if form.validate_on_submit() and saved(lambda: model.archive(form.reason.data, current_actor_id(db.session)),
                                               lambda: f"Archived {model}."):
            return redirect(return_url)
        return self.render(
            "admin/archive.html", model=model, form=form, return_url=return_url
        )


_PLAIN_URLS: dict[tuple[str, str, str], str] = {}
_ROW_LINKS: dict[tuple, list[tuple[str, str]]] = {}
ROW_LINK = Markup('<a class="icon" href="{}" title="{}">\n  <span class="{}"></span>\n</a>\n')


def _link_parts(action, return_url: str) -> tuple[str, dict, str, str]:
    """(endpoint, its arguments, title, icon) of a row action Flask-Admin draws as a link. Records are
    never deleted here, so no row has Flask-Admin's delete form; a new kind of action is drawn here."""
    if isinstance(action, ViewRowAction):
        return ".details_view", {"url": return_url}, action.title or "", "fa fa-eye glyphicon glyphicon-eye-open"
    if isinstance(action, EditRowAction):
        return ".edit_view", {"url": return_url}, action.title or "", "fa fa-pencil glyphicon glyphicon-pencil"
    if type(action) is EndpointLinkRowAction and action.id_arg == "id":
        return action.endpoint, dict(action.url_args or {}), action.title or "", action.icon_class
    raise TypeError(f"Draw the row action {action!r} in _link_parts")


def saved(change: Callable[[], object], done: Callable[[], str]) -> bool:
    """Make `change` and commit it, then say what was `done`; if a rule refuses it, undo it and say
    why. Whether it was saved."""
    try:
        change()
        db.session.commit()
    except Refused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    flash(done(), "success")
    return True


def _in_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def role_names(roles: str | None) -> str:
    """The roles an audit event records ("board,panel"), as people say them ("Board, Panel")."""
    return ", ".join(humanise(role) for role in (roles or "").split(",") if role)


def escaped_join(values, separator: str = ", ") -> Markup:
    """Join values for display, escaping each one."""
    return Markup(escape(separator)).join(escape(str(v)) for v in values)
