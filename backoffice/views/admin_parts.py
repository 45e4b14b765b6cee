"""The Flask-Admin pieces the back-office's views are built from: a scoped ajax lookup, the form
converter (long text, UK dates), the inline edit link, the list's formatters, and the overrides of
Flask-Admin internals (FlaskAdminSeams), each with a note saying what it relies on."""

from __future__ import annotations

from datetime import date, datetime, timezone
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlencode

from flask import request
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla import tools
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_admin.model.widgets import XEditableWidget
from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Query, lazyload, load_only, selectinload
from werkzeug.datastructures import iter_multi_items
from wtforms import SelectMultipleField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from backoffice.domain.files import visible_text
from backoffice.extensions import db
from backoffice.models import Case, Finding, Recommendation, ReviewAction, Theme
from backoffice.models.case import case_themes
from backoffice.models.learning import finding_theme
from backoffice.views.fields import UKDateField

LOOKUP_LIMIT = 20
# A list is paged at most this far in (beyond it nobody pages; a search or filter finds the row), so a
# huge page number can never overflow the database's OFFSET or make it read millions of rows.
MAX_LIST_OFFSET = 100_000
MAX_SEARCH_LENGTH = 200
EXPORT_BATCH = 500  # rows an export holds in memory at once
# A list counts its rows only so far: at least COUNT_AT_LEAST, and PAGES_AHEAD pages past the one shown,
# so its pager always reaches further on, while a count never reads a whole large table.
COUNT_AT_LEAST = 1_000
PAGES_AHEAD = 10
_COUNTING: ContextVar[Counting | None] = ContextVar("list_counting", default=None)
URL_SAFE = "!$'()*,/:;?@"  # what Werkzeug's url_for leaves unescaped in a query string (werkzeug.urls)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_PREFIXES)  # each is one character


def once_per_request(key, work: Callable[[], Any]) -> Any:
    """`work()`, worked out once for the request being answered: what a page needs for all its rows (their
    links, the agencies each offers) or asks for twice (its record)."""
    done = request.environ.setdefault("backoffice.once_per_request", {})
    if key not in done:
        done[key] = work()
    return done[key]


def name_only() -> tuple:
    """Loader options for cases shown by their name only (reference and pseudonym), not with their
    agencies and categories as a case page loads them."""
    return load_only(*(getattr(Case, c) for c in Case.NAMED_BY)), lazyload("*")


def case_named(case_path):
    """`name_only` for a related case: `case_named(joinedload(Deadline.case))`."""
    return case_path.options(*name_only())


def one_by_id(query, model, pk):
    """The record of `query` (already scoped to what the user may see) whose id is `pk`; None for an
    id that is not a whole number or names nothing the user may see, so a typed address never errors."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return query.filter(model.id == pk).one_or_none()


def label_formatter(view, context, model, name) -> str:
    """Show an enum member's label instead of its stored value."""
    value = getattr(model, name)
    return getattr(value, "label", value) if value is not None else ""


def _when(view, value: datetime, name=None) -> str:
    return value.astimezone(timezone.utc).strftime("%d %b %Y %H:%M UTC")


def _day(view, value: date, name=None) -> str:
    return value.strftime("%d %b %Y")


def due_on(day: date) -> str:
    """A due date as people read it; one that falls on a weekend (a deadline counted in months or
    days may) names its weekday, so nobody is surprised by a Saturday: "31 Oct 2026 (a Saturday)"."""
    if day.weekday() >= 5:
        return f"{day:%d %b %Y} (a {day:%A})"
    return f"{day:%d %b %Y}"


def _yes_no(view, value: bool, name=None) -> str:
    return "Yes" if value else "No"


# Dates as people in England read them; timestamps to the minute, in UTC as stored.
LIST_FORMATTERS = {**typefmt.BASE_FORMATTERS, datetime: _when, date: _day}
DETAIL_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, datetime: _when, date: _day, bool: _yes_no}
EXPORT_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, datetime: lambda v, value, name=None: value.isoformat()}


def neutralise_formula(value: Any) -> Any:
    """Stop spreadsheet programs treating an exported cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised_cells(row) -> list[str]:
    """A CSV row's values as text (nothing for None), none read as a formula: `neutralise_formula` a row
    at a time, for reports of every case (hundreds of thousands of cells, a function call each)."""
    cells = []
    for value in row:
        text = "" if value is None else str(value)
        cells.append("'" + text if text[:1] in FORMULA_STARTS else text)
    return cells


class AtLeast(int):
    """A count that stopped counting: there are more rows than this."""

    def __str__(self) -> str:
        return f"more than {int(self):,}"


def counted_to(query, cap: int | None = None):
    """A scalar subquery counting the rows of the Select `query` no further than one past `cap` (at
    least COUNT_AT_LEAST); see `capped`. Counting a whole large table is what slowed pages as data grew."""
    rows = query.with_only_columns(literal_column("1")).order_by(None).limit((cap or COUNT_AT_LEAST) + 1).subquery()
    return select(func.count()).select_from(rows).scalar_subquery()


def capped(counted: int, cap: int | None = None) -> int:
    """A count from `counted_to`: the number, or "more than `cap`" once it passed the cap."""
    cap = cap or COUNT_AT_LEAST
    return AtLeast(cap) if counted > cap else counted


class CappedCount(Query):
    """A list's count query, run only once the page's rows are read, and then only if they do not tell
    the count already; it counts no further than the list's pager needs (see COUNT_AT_LEAST)."""

    def scalar(self):
        counting = _COUNTING.get()
        if counting is None:
            return super().scalar()
        counting.query = self  # counted (or not) by FlaskAdminSeams.get_list, after the rows
        return None

    def built(self) -> CappedCount:
        return self


class DeferredCount:
    """A list's count query while Flask-Admin builds it: the search's and filters' criteria are kept, and
    the query (with its scope) is built only if the page's rows do not tell the count already. Anything
    but a filter (a join for a related column's filter) builds it there and then."""

    def __init__(self, build: Callable[[], CappedCount]) -> None:
        self._build = build
        self._criteria: list[tuple] = []

    def filter(self, *criteria) -> DeferredCount:
        self._criteria.append(criteria)
        return self

    def built(self) -> CappedCount:
        query = self._build()
        for criteria in self._criteria:
            query = query.filter(*criteria)
        return query

    def scalar(self):
        counting = _COUNTING.get()
        if counting is None:
            return self.built().scalar()
        counting.query = self
        return None

    def __getattr__(self, name: str):
        return getattr(self.built(), name)


class Counting:
    """One list's count: how far it may go, and the query, once Flask-Admin has asked for it."""

    def __init__(self, page: int | None, per_page: int) -> None:
        self.offset = (page or 0) * per_page
        self.per_page = per_page
        self.cap = max(COUNT_AT_LEAST, self.offset + (1 + PAGES_AHEAD) * per_page)
        self.query: CappedCount | DeferredCount | None = None

    def count(self, rows: list | None) -> int | None:
        """The count, from the page's `rows` where they end the list (a short page), else counted."""
        if self.query is None:
            return None
        if rows is not None and (0 < len(rows) < self.per_page or (not self.offset and len(rows) < self.per_page)):
            return self.offset + len(rows)
        query = self.query.built()
        counted = query.session.execute(select(counted_to(query.statement, self.cap))).scalar_one()
        return capped(counted, self.cap)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax lookup that only finds rows the current user may see, and never too many at once."""

    def __init__(self, name: str, model, scope, **options) -> None:
        super().__init__(name, db, model, **options)
        self._scope = scope

    def get_query(self):
        return self._scope(super().get_query())

    def get_one(self, pk):
        return one_by_id(self.get_query(), self.model, pk)

    def get_list(self, term, offset=0, limit=LOOKUP_LIMIT):
        limit = max(1, min(int(limit or LOOKUP_LIMIT), LOOKUP_LIMIT))
        offset = max(0, int(offset or 0))
        return super().get_list(term, offset, limit)


class AdminConverter(AdminModelConverter):
    """Flask-Admin's form converter, with long free text (LongText) as a multi-line box and dates as
    typed UK dates."""

    @converts("backoffice.models.base.LongText")
    def conv_long_text(self, field_args, **extra):
        self._string_common(field_args=field_args, **extra)
        return TextAreaField(**field_args)

    @converts("Date")
    def convert_date(self, field_args, **extra):  # the name of the method it replaces
        """Dates typed as people in England write them, in a box no picker rewrites."""
        return UKDateField(**field_args)


class InlineEditWidget(XEditableWidget):
    """Flask-Admin's inline edit link, named for screen readers. (A Yes/No field becomes a switch in
    static/admin-controls.js: x-editable took its two choices for an address to load them from.)"""

    def get_kwargs(self, field, kwargs):
        kwargs = super().get_kwargs(field, kwargs)
        if field.type == "BooleanField":
            current = "Yes" if field.data else "No"
        else:
            current = kwargs.get("data-value") or "empty"
        kwargs.setdefault("aria-label", f"{field.label.text}: {current}. Select to change.")
        return kwargs


def limit_text_fields(form_class, model) -> None:
    """Give every form field of a text column its column's length limit (fields a view overrides or
    adds skip Flask-Admin's converter, which is where the limit would otherwise come from)."""
    for column in model.__table__.columns:
        limit = getattr(column.type, "length", None)
        field = getattr(form_class, column.key, None)
        if not isinstance(limit, int) or not isinstance(field, UnboundField) \
                or issubclass(field.field_class, SelectMultipleField):  # choices joined: no typed length
            continue
        validators = list(field.kwargs.get("validators") or ())
        if not any(isinstance(v, Length) for v in validators):
            field.kwargs["validators"] = [*validators, Length(max=limit)]


def plain_text(value: str | None, limit: int) -> str:
    """`value` without invisible and control characters (which databases refuse), trimmed to `limit`."""
    return visible_text(value or "")[:limit].strip()


class FlaskAdminSeams:
    """Overrides of Flask-Admin 2.2.1 internals (underscored names), kept here with a note on each so an
    upgrade knows what to check. Mixed into SecureModelView, before ModelView."""

    # Flask-Admin's ModelView._get_list_extra_args reads the list's query parameters (page, page size,
    # sort, search, filters) into a ViewArgs; every list, count and export starts from it.
    def _get_list_extra_args(self):
        """The list's query parameters, made safe: a page within reach, a page size on offer, a column
        that exists, and search and filter text without control characters (which databases refuse)."""
        args = super()._get_list_extra_args()
        args.page_size = args.page_size if args.page_size in self.page_size_options else 0
        per_page = args.page_size or self.page_size
        args.page = min(max(args.page or 0, 0), MAX_LIST_OFFSET // per_page)
        if args.sort is not None and not 0 <= args.sort < len(self._list_columns):
            args.sort = None
        args.search = plain_text(args.search, MAX_SEARCH_LENGTH) or None
        if args.filters:
            args.filters = [(idx, name, plain_text(value, MAX_SEARCH_LENGTH)) for idx, name, value in args.filters]
        return args

    # Flask-Admin's BaseModelView._get_list_url writes each of a list's links to itself (every sort
    # heading, page, page size, the clear-search link) through url_for: a dozen route builds a page.
    def _get_list_url(self, view_args) -> str:
        """This list with `view_args`, as Flask-Admin's url_for writes it: the list's own address (built
        once, by get_url) and the same arguments in the same order, encoded as Werkzeug encodes them."""
        arguments = {"page": view_args.page or None, "sort": view_args.sort,
                     "desc": 1 if view_args.sort_desc else None, "search": view_args.search,
                     **view_args.extra_args, "page_size": self.get_safe_page_size(view_args.page_size),
                     **self._get_filters(view_args.filters)}
        query = urlencode([item for item in iter_multi_items(arguments) if item[1] is not None], safe=URL_SAFE)
        address = self.get_url(".index_view")
        return f"{address}?{query}" if query else address

    # Flask-Admin's ModelView.get_list runs the count query it gets from get_count_query with .scalar(),
    # before the page's own query; index_view works the pager out from the count it returns.
    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """The list's rows and their count: counted after the rows, not at all when a short page ends
        the list, and only as far as the pager needs (CappedCount)."""
        per_page = self.page_size if page_size is None else page_size
        if not per_page:  # every row (an export): counted as Flask-Admin counts
            return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        counting = Counting(page, per_page)
        token = _COUNTING.set(counting)
        try:
            _, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        finally:
            _COUNTING.reset(token)
        return counting.count(rows if execute else None), rows

    def get_count_query(self):
        return CappedCount([func.count("*")], db.session()).select_from(self.model)

    # Flask-Admin's BaseModelView._export_data fetches the whole export with get_list (every row in
    # memory before the first byte); _export_csv only iterates what it returns, a row at a time.
    def _export_data(self):
        """The export's rows as a stream: the matching ids now (in the list's order and filters, a few
        bytes a row; a filter the database refuses fails here, inside the view), then each batch of
        EXPORT_BATCH loaded, with the relationships it shows, as the response is written."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        count, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search, args.filters,
                                     execute=False, page_size=self.export_max_rows)
        ids = [record_id for (record_id,) in query.enable_eagerloads(False).with_entities(self.model.id)]
        return count, self._in_batches(ids)

    def _in_batches(self, ids: list):
        shown = [getattr(self.model, name) for name, _ in self._export_columns
                 if name in self.model.__mapper__.relationships]
        try:
            for start in range(0, len(ids), EXPORT_BATCH):
                yield from self._load(ids[start:start + EXPORT_BATCH], shown)
        finally:
            # The batches are read while the response streams, after the request's own teardown: end
            # their transaction here, or it would hold its locks until the worker exits.
            db.session.remove()

    def _load(self, ids: list, relationships: list):
        if not ids:
            return
        loaded = {record.id: record for record in self.get_query().filter(self.model.id.in_(ids))
                  .options(*(selectinload(r) for r in relationships))}
        records = [loaded[record_id] for record_id in ids if record_id in loaded]
        self.export_batch_loaded(records)
        yield from records

    def export_batch_loaded(self, records: list) -> None:
        """A view may prepare what its export values need for a batch (the audit log names links)."""

    # Flask-Admin's BaseModelView._details_columns is a plain attribute, set once when the view is
    # built (outside any request); a property lets the details page drop restricted fields per request.
    @property
    def _details_columns(self):
        columns = self.__dict__.get("_all_details_columns", [])
        if self.can_see_restricted:
            return columns
        return [(name, label) for name, label in columns if name not in self.restricted_columns]

    @_details_columns.setter
    def _details_columns(self, value) -> None:
        self.__dict__["_all_details_columns"] = value


class ThemeFilter(BaseSQLAFilter):
    """Records whose review's findings are coded with a theme whose name contains the words typed: a
    case by its findings, a recommendation by its finding, an action by its recommendation's finding.
    Typed, not chosen: Flask-Admin reads a filter's choices once, and admins change the themes."""

    def apply(self, query, value, alias=None):
        pattern = tools.parse_like_term(str(value).strip())
        findings = select(finding_theme.c.finding_id).join(Theme, Theme.id == finding_theme.c.theme_id).where(
            Theme.name.ilike(pattern))
        if self.column is Case.id:  # coded on the review itself, or on one of its findings
            coded = select(case_themes.c.case_id).join(Theme, Theme.id == case_themes.c.theme_id).where(
                Theme.name.ilike(pattern))
            return query.filter(or_(Case.id.in_(coded),
                                    Case.id.in_(select(Finding.case_id).where(Finding.id.in_(findings)))))
        if self.column is Recommendation.finding_id:
            return query.filter(Recommendation.finding_id.in_(findings))
        return query.filter(ReviewAction.recommendation_id.in_(
            select(Recommendation.id).where(Recommendation.finding_id.in_(findings))))

    def operation(self):
        return lazy_gettext("contains")
