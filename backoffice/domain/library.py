"""The learning library: one ranked search across every review's findings and recommendations, with the
matched words in context; and repeat lessons: the past findings most like one being drafted.

PostgreSQL ranks with its full-text search (`ts_rank_cd`, `ts_headline`). On SQLite, the embedded
default, the same searches run on FTS5 (bm25, snippet) over a temporary index of the rows the user may
see, built for the query: right for a newcomer's database, not for national scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

# Markers the databases put around matched words; escaped text cannot contain them.
START, STOP = "\x02", "\x03"
WORD = re.compile(r"[A-Za-z0-9']+")
STOPWORDS = frozenset(
    "a an and are as at be been but by for from had has have he her his in into is it its not of on or "
    "she that the their them they this to was were which who with no nor so than then there these those "
    "did does do any all each every".split())


@dataclass(frozen=True)
class Hit:
    """One finding or recommendation found, with its rank and the matched words in context."""

    kind: str  # "finding" or "recommendation"
    record_id: int
    case_id: int
    reference: str
    title: str
    rank: float
    snippet: Markup


def terms(query: str) -> list[str]:
    """The words of a query worth matching (no punctuation, no stop words), lower case."""
    return [w.lower() for w in WORD.findall(query or "") if w.lower() not in STOPWORDS and len(w) > 1]


def marked(snippet: str) -> Markup:
    """A snippet with its matched words in <mark>, everything else escaped."""
    return Markup(str(escape(snippet)).replace(START, "<mark>").replace(STOP, "</mark>"))


# The searchable documents: findings and recommendations of the visible, unarchived cases.
DOCUMENTS = """
SELECT 'finding' AS kind, f.id AS record_id, f.case_id, c.reference, f.title AS title, f.text AS body
  FROM finding f JOIN "case" c ON c.id = f.case_id
 WHERE f.archived_at IS NULL AND c.archived_at IS NULL AND c.review_type IN :types
UNION ALL
SELECT 'recommendation', r.id, r.case_id, c.reference, substr(r.text, 1, 120), r.text || ' ' ||
       coalesce(r.expected_change, '') || ' ' || coalesce(r.measure, '')
  FROM recommendation r JOIN "case" c ON c.id = r.case_id
 WHERE r.archived_at IS NULL AND c.archived_at IS NULL AND c.review_type IN :types
"""


def search(session: Session, query: str, review_types: list[str], limit: int = 20) -> list[Hit]:
    """The findings and recommendations matching every word of `query`, best first."""
    words = terms(query)
    if not words or not review_types:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, " & ".join(f"{w}:*" if len(w) > 3 else w for w in _safe(words)), review_types,
                         limit)
    return _sqlite(session, " ".join(f'"{w}"' for w in words), review_types, limit)


def similar(session: Session, draft: str, review_types: list[str], exclude_id: int | None = None,
            limit: int = 3) -> list[Hit]:
    """The past findings most like `draft` (any of its words, ranked by how many and how rare): the
    repeat-lesson detector."""
    words = terms(draft)
    if not words or not review_types:
        return []
    if session.get_bind().dialect.name == "postgresql":
        hits = _postgres(session, " | ".join(_safe(words)), review_types, limit + 1, kinds=("finding",))
    else:
        hits = _sqlite(session, " OR ".join(f'"{w}"' for w in words), review_types, limit + 1, kinds=("finding",))
    return [h for h in hits if h.record_id != exclude_id][:limit]


def _safe(words: list[str]) -> list[str]:
    """Words as to_tsquery takes them (letters and digits only)."""
    return [re.sub(r"[^a-z0-9]", "", w) for w in words if re.sub(r"[^a-z0-9]", "", w)]


def _postgres(session: Session, tsquery: str, review_types: list[str], limit: int,
              kinds: tuple[str, ...] = ("finding", "recommendation")) -> list[Hit]:
    statement = text(f"""
        WITH docs AS ({DOCUMENTS}), q AS (SELECT to_tsquery('english', :q) AS query)
        SELECT kind, record_id, case_id, reference, title,
               ts_rank_cd(to_tsvector('english', title || ' ' || body), q.query, 1) AS rank,
               ts_headline('english', body, q.query,
                           'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12') AS snippet
          FROM docs, q
         WHERE to_tsvector('english', title || ' ' || body) @@ q.query AND kind IN :kinds
         ORDER BY rank DESC, kind, record_id
         LIMIT :limit""").bindparams(_expanding("types"), _expanding("kinds"))
    rows = session.execute(statement, {"q": tsquery, "types": review_types, "kinds": list(kinds), "limit": limit})
    return [Hit(r.kind, r.record_id, r.case_id, r.reference, r.title, float(r.rank), marked(r.snippet)) for r in rows]


def _sqlite(session: Session, match: str, review_types: list[str], limit: int,
            kinds: tuple[str, ...] = ("finding", "recommendation")) -> list[Hit]:
    connection = session.connection()
    connection.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.library USING "
                            "fts5(kind UNINDEXED, record_id UNINDEXED, case_id UNINDEXED, reference UNINDEXED, "
                            "title, body, tokenize='porter unicode61')"))
    connection.execute(text("DELETE FROM temp.library"))
    connection.execute(text(f"INSERT INTO temp.library SELECT * FROM ({DOCUMENTS})").bindparams(_expanding("types")),
                       {"types": review_types})
    rows = connection.execute(text("""
        SELECT kind, record_id, case_id, reference, title, -bm25(library) AS rank,
               snippet(library, 5, char(2), char(3), '…', 24) AS snippet
          FROM temp.library WHERE library MATCH :match AND kind IN :kinds
         ORDER BY rank DESC, kind, record_id LIMIT :limit""").bindparams(_expanding("kinds")),
        {"match": match, "kinds": list(kinds), "limit": limit}).all()
    connection.execute(text("DELETE FROM temp.library"))
    return [Hit(r.kind, int(r.record_id), int(r.case_id), r.reference, r.title, float(r.rank), marked(r.snippet))
            for r in rows]


def _expanding(name: str):
    return bindparam(name, expanding=True)
