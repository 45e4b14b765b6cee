"""Reports written as Word documents (python-docx), ready to paste into the annual report."""

from __future__ import annotations

import io

from docx import Document

from backoffice.domain.reports import SabSection, YearlyReviews


class Styles:
    """The document's heading and bullet styles, each looked up once: by name, every heading and bullet
    searched the styles again (most of a long report's time)."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.bullet = doc.styles["List Bullet"]
        self._headings = {level: doc.styles[f"Heading {level}"] for level in (1, 2, 3)}

    def heading(self, text: str, level: int):
        """`doc.add_heading`, with the style found once."""
        return self.styled(text, self._headings[level])

    def styled(self, text: str, style):
        """`doc.add_paragraph(text, style=style)`, naming the style's id in the paragraph itself: given a
        style, python-docx still searches every style for the default one, for each paragraph."""
        paragraph = self.doc.add_paragraph(text)
        paragraph._p.get_or_add_pPr().style = style.style_id
        return paragraph


def _document(title: str, intro: str):
    """A new document with its title, heading and opening paragraph; and its styles."""
    doc = Document()
    doc.core_properties.title = title
    styles = Styles(doc)
    styles.heading(title, 1)
    doc.add_paragraph(intro)
    return doc, styles


def _saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def sab_docx(section: SabSection, partnership: str) -> bytes:
    """The Safeguarding Adults Board annual report section (Care Act 2014 Sch 2 para 4) as a .docx."""
    doc, styles = _document(
        f"Safeguarding Adults Reviews, {section.period.label}",
        f"{partnership}. This section reports, as the Care Act 2014 (Schedule 2, paragraph 4) requires, the "
        "Safeguarding Adults Reviews arranged that concluded in the year with their findings, those ongoing at the "
        "year's end, what was done to implement their findings, and any decision not to implement a finding, with "
        "the reasons.")
    styles.heading(f"Reviews concluded in the year ({len(section.concluded)})", 2)
    if not section.concluded:
        doc.add_paragraph("No Safeguarding Adults Review arranged by the board concluded in the year.")
    for entry in section.concluded:
        c = entry.case
        styles.heading(f"{c.reference}: {c.subject_pseudonym} (concluded {c.report_completed_date:%d %B %Y})", 3)
        if not entry.findings:
            doc.add_paragraph("No findings are recorded for this review.")
        for finding in entry.findings:
            styles.styled(f"{finding.title}. {finding.text}", styles.bullet)
    styles.heading(f"Reviews ongoing at the year's end ({len(section.ongoing)})", 2)
    if section.ongoing:
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Reference", "Review", "Stage")):
            cell.text = text
        for entry in section.ongoing:
            for cell, text in zip(table.add_row().cells, (entry.case.reference, entry.case.subject_pseudonym,
                                                          entry.case.state_label)):
                cell.text = text
    else:
        doc.add_paragraph("None.")
    styles.heading("What was done to implement the findings", 2)
    acted = [e for e in [*section.concluded, *section.ongoing] if e.actions]
    if not acted:
        doc.add_paragraph("No actions are recorded on the findings of these reviews.")
    for entry in acted:
        styles.heading(f"{entry.case.reference}: {entry.case.subject_pseudonym}", 3)
        for recommendation, action in entry.actions:
            outcome = f" Evidence: {action.evidence_outcome}" if action.evidence_outcome else ""
            styles.styled(f"{action.description} ({action.owner_agency.name}, {action.status.label.lower()}).{outcome}",
                          styles.bullet)
    styles.heading(f"Decisions not to implement a finding ({len(section.not_implemented)})", 2)
    if not section.not_implemented:
        doc.add_paragraph("None.")
    for c, recommendation, action in section.not_implemented:
        styles.styled(f"{c.reference}: {recommendation.text} Reason: "
                      f"{action.not_implemented_reason or 'No reason recorded.'}", styles.bullet)
    return _saved(doc)


def yearly_docx(section: YearlyReviews, title: str, partnership: str) -> bytes:
    """A yearly report section on one type of review: each review, what was done as a result, and the
    evidence of change and of impact, as a .docx."""
    doc, styles = _document(f"{title}, {section.period.label}",
                            f"{partnership}. The reviews under way or finished in the year, what was done as a result, "
                            "and the evidence of change and of its impact, from the partnership's records.")
    styles.heading(f"The reviews ({len(section.entries)})", 2)
    if not section.entries:
        doc.add_paragraph("None in the year.")
    for entry in section.entries:
        c = entry.case
        published = f", published {c.publication_date:%d %B %Y}" if c.publication_date else ""
        styles.heading(f"{c.reference}: {c.subject_pseudonym} ({c.state_label}{published})", 3)
        for finding in entry.findings:
            styles.styled(f"Finding: {finding.title}.", styles.bullet)
        if not entry.actions:
            doc.add_paragraph("No action is recorded.")
        for recommendation, action in entry.actions:
            evidence = f" Evidence of change: {action.evidence_outcome}" if action.evidence_outcome else ""
            impact = f" Impact: {action.impact_outcome}" if action.impact_outcome else " Impact: not yet recorded."
            styles.styled(f"{action.description} ({action.owner_agency.name}, {action.status.label.lower()})."
                          f"{evidence}{impact}", styles.bullet)
    return _saved(doc)
