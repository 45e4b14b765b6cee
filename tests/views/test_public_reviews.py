"""The public "Published reviews" page: anyone may read it; it shows exactly what the partnership has
published and still has online, grouped by review type and date; nothing else is reachable there,
by listing or by guessing a URL; it sets no cookie, so proxies may cache it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice.vocabulary import ReviewType
from backoffice.models import DocumentStatus, PublicText
from tests import factories
from tests.generated_documents import report_pdf
from tests.helpers import page_text, stored_bytes, text, today

PAGE = "/reviews/"


def published(title: str, review_type=ReviewType.CSPR, on: date | None = None, **fields):
    """A review published in full, with its published overview report."""
    fields.setdefault("publication_date", on or today() - timedelta(days=10))
    case = factories.published_case(review_type=review_type, anonymised_title=title, **fields)
    document = factories.DocumentFactory(
        case=case, title=f"{title} overview report", status=DocumentStatus.PUBLISHED,
        content=report_pdf(f"{title}: what the review found"),
    )
    return case, document


@pytest.fixture
def reviews(session):
    """Public reviews, and every way a review or document may not be public."""
    shown = {
        "cspr": published("Child A", ReviewType.CSPR, today() - timedelta(days=40)),
        "cspr_newer": published("Baby O", ReviewType.CSPR, today() - timedelta(days=5)),
        "sar": published("SAR Colin", ReviewType.SAR),
        "dhr": published("DHR Neil", ReviewType.DHR),
    }
    hidden = {
        "embargoed": published("Embargoed review", embargo_reason="A new trial was ordered."),
        "embargo_ahead": published("Embargo ahead", embargo_reason="Inquest", embargo_until=today() + timedelta(days=9)),
        "past_online_until": published("Taken down", online_until=today() - timedelta(days=1)),
        "not_published": published("Not to publish", publication_decision="not_published"),
        "future": published("Not yet", on=today() + timedelta(days=3)),
        "unpublished": published("Unpublished", publication_date=None),
        "archived": published("Archived review", archived_at=factories.NOW, archive_reason="Entered twice."),
    }
    case, _ = shown["cspr"]
    extra = {
        status: factories.DocumentFactory(case=case, title=f"A {status.value} document", status=status)
        for status in (DocumentStatus.DRAFT, DocumentStatus.APPROVED, DocumentStatus.WITHDRAWN)
    }
    extra["archived"] = factories.DocumentFactory(
        case=case, title="An archived document", status=DocumentStatus.PUBLISHED,
        archived_at=factories.NOW, archive_reason="Replaced.",
    )
    factories.DocumentFactory(  # an embargo that has ended is no longer in force
        case=published("Embargo over", embargo_reason="Trial", embargo_until=today() - timedelta(days=1))[0],
        title="Embargo over briefing", status=DocumentStatus.PUBLISHED,
    )
    session.commit()
    return {"shown": shown, "hidden": hidden, "hidden_documents": extra}


def test_anyone_reads_the_page_without_signing_in(app, session, client, reviews):
    response = client.get(PAGE)

    assert response.status_code == 200
    assert 'lang="en-GB"' in text(response)


def test_the_page_shows_exactly_the_published_reviews_and_documents(app, session, client, reviews):
    shown = page_text(client.get(PAGE))

    for case, document in reviews["shown"].values():
        assert case.anonymised_title in shown
        assert f"Download {document.title}" in shown
    assert "Embargo over" in shown
    for case, document in reviews["hidden"].values():
        assert case.anonymised_title not in shown
    for document in reviews["hidden_documents"].values():
        assert document.title not in shown


def test_no_unpublished_document_is_reachable_by_guessing_its_address(app, session, client, reviews):
    hidden = [d for _, d in reviews["hidden"].values()] + list(reviews["hidden_documents"].values())

    for document in hidden:
        response = client.get(f"/reviews/documents/{document.id}")
        assert response.status_code == 404, document.title
        assert "Content-Disposition" not in response.headers
    assert client.get("/reviews/documents/999999").status_code == 404


def test_a_published_document_downloads_as_the_file_published(app, session, client, reviews):
    case, document = reviews["shown"]["sar"]

    response = client.get(f"/reviews/documents/{document.id}")

    assert response.status_code == 200
    assert response.get_data() == stored_bytes(app, document.stored_name)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/pdf"
    response.close()


def test_reviews_are_grouped_by_type_then_month_newest_first(app, session, client, reviews):
    shown = page_text(client.get(PAGE))

    order = [shown.index(s) for s in (
        "Child Safeguarding Practice Reviews (CSPR)", "Baby O", "Child A",
        "Safeguarding Adult Reviews (SAR)", "SAR Colin",
        "Domestic Homicide Reviews (DHR)", "DHR Neil",
    )]
    assert order == sorted(order)
    assert (today() - timedelta(days=40)).strftime("%B %Y") in shown


def test_the_page_is_accessible_in_structure(app, session, client, reviews):
    html = text(client.get(PAGE))

    assert html.count("<h1>") == 1
    assert '<a class="skip-link" href="#main">' in html and '<main id="main">' in html
    assert 'href="/reviews/documents/' in html and ">Download " in html  # links say what they lead to
    assert "(PDF, " in page_text(client.get(PAGE))
    assert "<time datetime=" in html


def test_the_page_sets_no_cookie_and_may_be_cached_by_proxies(app, session, client, login_as, reviews):
    signed_in = login_as("business_support")

    for visitor in (client, signed_in.client):
        response = visitor.get(PAGE)
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        assert response.cache_control.public and response.cache_control.max_age == app.config["PUBLIC_CACHE_SECONDS"]
        assert response.headers["Content-Language"] == "en-GB"
        assert client.get(PAGE, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    _, document = reviews["shown"]["cspr"]
    download = client.get(f"/reviews/documents/{document.id}")
    assert download.cache_control.public and "Set-Cookie" not in download.headers
    download.close()


def test_the_how_to_refer_text_is_what_admins_wrote(app, session, client, login_as):
    text_block = session.scalars(select(PublicText).where(PublicText.key == "how_to_refer")).one()
    admin = login_as("admin")

    response = admin.post(
        f"/admin/public_text/edit/?id={text_block.id}",
        data={"heading": "How to refer a case", "body": "Call 01952 000000.\n\nOr <b>write</b> to us.",
              "loaded_version": str(text_block.version)},
    )

    assert response.status_code == 302
    shown = text(client.get(PAGE))
    assert "<p>Call 01952 000000.</p>" in shown
    assert "Or &lt;b&gt;write&lt;/b&gt; to us." in shown  # plain text: no markup from the form


def test_the_page_costs_the_same_queries_with_more_reviews(app, session, client, count_queries):
    published("Child A")
    with count_queries() as few:
        client.get(PAGE)
    for number in range(10):
        published(f"Child {number + 100}", ReviewType.SAR)
    with count_queries() as many:
        client.get(PAGE)

    assert many.count == few.count


def test_a_current_copy_is_answered_304_without_rendering_and_a_change_makes_a_new_tag(app, session, client,
                                                                                     reviews, monkeypatch):
    from backoffice.views import public

    first = client.get(PAGE)
    rendered = []
    real = public.render_template
    monkeypatch.setattr(public, "render_template", lambda *a, **k: rendered.append(a) or real(*a, **k))

    again = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.get_data(), rendered) == (304, b"", [])

    text_block = session.scalars(select(PublicText).where(PublicText.key == "how_to_refer")).one()
    text_block.body = "Telephone the business unit first."
    session.commit()
    changed = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"] and rendered


def test_a_change_shows_at_once_though_the_page_was_drawn_before(session, client):
    """Each worker keeps the page it last drew, by its ETag: a change to anything shown is a new page."""
    _, document = published("Child A")
    assert "Child A overview report" in page_text(client.get(PAGE))
    document.title = "Child A report, corrected"
    session.commit()
    shown = page_text(client.get(PAGE))
    assert "Child A report, corrected" in shown and "Child A overview report" not in shown
