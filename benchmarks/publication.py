"""Benchmark: the public "Published reviews" page with many reviews, and the anonymisation check
on large documents (PostgreSQL).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/publication.py [reviews]

Publishes `reviews` reviews (default 500: far more than any partnership keeps online) with two
documents each, then times the page, a revalidation by a proxy (304), and the check of a 100-page
PDF and a 3,000-paragraph Word document. Needs the test extras (fpdf2, python-docx) that
`make test` installs. Timings are for reading, not for tests: the suite asserts query counts.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from common import fresh_app, timed

from backoffice.domain import anonymisation, files  # noqa: E402
from backoffice.vocabulary import ReviewType  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from backoffice.models import Case, DocumentStatus, DocumentType, PublishedDocument  # noqa: E402
from tests.generated_documents import report_docx, report_pdf  # noqa: E402

REVIEWS = int(sys.argv[1]) if len(sys.argv) > 1 else 500


def publish_many() -> None:
    today = date.today()
    for n in range(REVIEWS):
        published = today - timedelta(days=n * 3)
        case = Case(
            review_type=list(ReviewType)[n % 3], subject_pseudonym=f"Person {n}", incident_date=published,
            aware_date=published, referral_date=published, publication_decision="full",
            anonymised_title=f"Review {n}", publication_date=published, state="PUBLISHED",
        )
        db.session.add(case)
        for kind in (DocumentType.OVERVIEW_REPORT, DocumentType.SEVEN_MINUTE_BRIEFING):
            db.session.add(PublishedDocument(
                case=case, title=f"Review {n} {kind.label}", document_type=kind, status=DocumentStatus.PUBLISHED,
                stored_name=f"bench-{n}-{kind.value}.pdf", original_filename="report.pdf",
                content_type=files.PDF, size_bytes=120_000, sha256="0" * 64,
            ))
        if n % 100 == 99:
            db.session.flush()
    db.session.commit()


def main() -> None:
    app = fresh_app()
    with app.app_context():
        started = time.perf_counter()
        publish_many()
        print(f"published {REVIEWS:,} reviews in {time.perf_counter() - started:.1f}s")
    client = app.test_client()
    etag = client.get("/reviews/").headers["ETag"]
    print(f"/reviews/ page     {timed(lambda: client.get('/reviews/'), runs=20)}")
    print(f"/reviews/ 304      {timed(lambda: client.get('/reviews/', headers={'If-None-Match': etag}), runs=20)}")

    names = [anonymisation.Identifier("the subject's legal name", "Jayden Okonkwo")]
    births = [("the subject's date of birth", date(2014, 3, 7))]
    pdf = report_pdf(*[[f"Page {p}: agencies met and shared what they knew about Child Q."] * 12 for p in range(100)])
    docx = report_docx(*[f"Paragraph {p}: what the review found about Child Q." for p in range(3000)])
    print(f"check 100-page PDF {timed(lambda: anonymisation.scan(pdf, files.PDF, names, births))}")
    print(f"check 3,000-para DOCX {timed(lambda: anonymisation.scan(docx, files.DOCX, names, births))}")


if __name__ == "__main__":
    main()
