"""The public "Published reviews" page: no sign-in, nothing but what the partnership has published.

A review appears only while publication.is_published holds (published, not embargoed, not past its
online-until date) and only with its published documents; every document URL checks the same
condition, so a guessed id leads nowhere. Pages carry no cookies and may be cached by proxies.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from backoffice.domain.files import describe_size
from backoffice.vocabulary import ReviewType
from backoffice.domain.publication import public_condition
from backoffice.extensions import db
from backoffice.models import Case, DocumentStatus, PublicText, PublishedDocument
from backoffice.views.downloads import address_of, send_stored
from backoffice import clock

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
statement_bp = Blueprint("accessibility", __name__)

POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
FORMATS = {"application/pdf": "PDF"}


def public_documents(today: date):
    """Published, unarchived documents of reviews the public may see today."""
    return (
        select(PublishedDocument)
        .join(PublishedDocument.case)
        .where(public_condition(today))
        .where(PublishedDocument.status == DocumentStatus.PUBLISHED, PublishedDocument.archived_at.is_(None))
    )


# What the page shows of each document and its review: plain rows, not records (a large partnership
# lists hundreds of reviews; loading each as a record, with what a record loads, took most of the time).
LISTED = (
    PublishedDocument.id, PublishedDocument.version, PublishedDocument.title, PublishedDocument.content_type,
    PublishedDocument.original_filename, PublishedDocument.size_bytes, Case.id.label("case_id"),
    Case.version.label("case_version"), Case.review_type, Case.anonymised_title, Case.publication_date,
)


@bp.get("/")
def index():
    """Published reviews by type, newest first, each with its documents; and how to refer a case."""
    documents = db.session.execute(
        public_documents(clock.today()).with_only_columns(*LISTED)
        .order_by(Case.publication_date.desc(), Case.id, PublishedDocument.id)
    ).all()
    how_to_refer = db.session.scalar(select(PublicText).where(PublicText.key == "how_to_refer"))
    tag = page_tag(documents, how_to_refer)
    if tag in request.if_none_match:  # the browser's copy is current: answered without rendering
        response = current_app.response_class(status=304)
        response.set_etag(tag)
        return cacheable(response)
    page = _DRAWN.get(tag)
    if page is None:
        page = _draw(documents, how_to_refer)
        _DRAWN.clear()  # only the current page is worth keeping
        _DRAWN[tag] = page
    response = current_app.make_response(page)
    response.set_etag(tag)
    return cacheable(response)


# The page as last drawn in this worker, by its ETag: the tag names everything the page shows, so a
# page drawn for a tag is that tag's page for every reader, until something shown changes.
_DRAWN: dict[str, str] = {}


def _draw(documents, how_to_refer: PublicText | None) -> str:
    reviews: dict[ReviewType, dict[int, tuple]] = defaultdict(dict)
    for document in documents:  # the review is named by its first document's row
        reviews[ReviewType(document.review_type)].setdefault(document.case_id, (document, []))[1].append(document)
    return render_template(
        "public/reviews.html",
        sections=[(t, list(reviews[t].values())) for t in ReviewType],
        how_to_refer=how_to_refer,
        describe=describe_document,
        document_url=lambda document, address=address_of("reviews.document"): address(document.id),
    )


# The public templates as deployed: a release that changes them changes every page's ETag.
TEMPLATE = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((Path(__file__).parent.parent / "templates").rglob(
    "*.html")) if "public" in p.parts or p.name == "base.html")).hexdigest()


def page_tag(documents, how_to_refer: PublicText | None) -> str:
    """What the page shows, as an ETag: every listed document and review by version, the referral
    text, the day (reviews come and go by date) and the template."""
    shown = [(d.id, d.version, d.case_id, d.case_version) for d in documents]
    state = (clock.today().isoformat(), shown, how_to_refer.version if how_to_refer else None, TEMPLATE)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


@statement_bp.get("/accessibility")
def accessibility():
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018 require of
    the public page and the back-office alike, linked from every page."""
    return cacheable(current_app.make_response(render_template(
        "public/accessibility.html", contact=current_app.config["ACCESSIBILITY_CONTACT"])))


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    """A published document, while its review is public; otherwise nothing is there."""
    found = db.session.scalar(public_documents(clock.today()).where(PublishedDocument.id == document_id))
    if found is None:
        abort(404)
    return cacheable(send_stored(found, public=True))


def describe_document(document) -> str:
    """'PDF, 1.2 MB', so a link says what it leads to."""
    kind = FORMATS.get(document.content_type) or document.original_filename.rsplit(".", 1)[-1].upper()
    return f"{kind}, {describe_size(document.size_bytes)}"


def cacheable(response):
    """Let browsers and shared proxies keep the response for a while, and revalidate it cheaply."""
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
    response.headers["Content-Language"] = "en-GB"
    response.headers.setdefault("Content-Security-Policy", POLICY)
    if not response.direct_passthrough:
        response.add_etag()
    return response.make_conditional(request)
