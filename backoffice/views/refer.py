"""The public referral forms at /refer/: no sign-in, short pages, a check-answers page, and a reference
number at the end. What a visitor types is kept as a draft tied to their browser, is never shown to
anyone else, and reaches business support's triage queue only when they send it.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from wtforms.validators import InputRequired

from backoffice import clock
from backoffice.domain import intake
from backoffice.extensions import db
from backoffice.mailer import send_mail
from backoffice.models import AbuseCategory, IncomingReferral
from backoffice.models.base import utcnow
from backoffice.security import csp_nonce
from backoffice.views.refer_forms import FORMS, Page, QuestionPage, ReferralForm

bp = Blueprint("refer", __name__, url_prefix="/refer")
SESSION_KEY = "referral_drafts"
DONE_KEY = "referral_done"
# Nothing a referral page takes is anywhere near this; a larger request is refused before it is read.
MAX_REQUEST_BYTES = 64 * 1024


@bp.before_request
def _refuse_large_requests():
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        abort(413)


@bp.context_processor
def _page_globals():
    return {"csp_nonce": csp_nonce(), "forms": FORMS}


@bp.get("/")
def start():
    """Which form to use, who each is for, and what happens after."""
    return render_template("public/refer/start.html")


def _form_of(slug: str) -> ReferralForm:
    form = FORMS.get(slug)
    if form is None:
        abort(404)
    return form


def _draft(form: ReferralForm) -> IncomingReferral | None:
    return intake.draft_for(db.session, session.get(SESSION_KEY, {}).get(form.slug), form.review_type)


def _question_form(page: Page, draft: IncomingReferral | None) -> QuestionPage:
    """The page's form: what was posted, or else what the draft already holds."""
    if request.method == "GET":
        return saved_form(page, draft)
    return _with_choices(page.form())


def saved_form(page: Page, referral: IncomingReferral | None, csrf: bool = True) -> QuestionPage:
    """The page's form holding what the referral already answered."""
    saved = {name: _from_json(value) for name, value in ((referral.answers if referral else {}) or {}).items()}
    return _with_choices(page.form(formdata=None, data=saved, **({} if csrf else {"meta": {"csrf": False}})))


def _with_choices(question: QuestionPage) -> QuestionPage:
    if "abuse_types" in question:
        question.abuse_types.choices = [(c.name, c.name) for c in db.session.query(AbuseCategory)
                                        .filter(AbuseCategory.active.is_(True)).order_by(AbuseCategory.name)]
    return question


def _from_json(value):
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _answers(question: QuestionPage) -> dict:
    """The page's answers as the draft keeps them (dates as ISO text)."""
    return {name: (field.data.isoformat() if isinstance(field.data, date) else field.data)
            for name, field in question._fields.items() if name not in ("csrf_token", "website")}


@bp.route("/<slug>/<page_slug>", methods=("GET", "POST"))
def question(slug: str, page_slug: str):
    """One page of questions. Sent back with an error summary until its answers are valid; then on to
    the next page (or back to check answers, when changing one)."""
    form = _form_of(slug)
    page = form.page(page_slug)
    if page is None:
        abort(404)
    draft = _draft(form)
    if draft is None and page is not form.pages[0]:
        return redirect(url_for(".question", slug=slug, page_slug=form.pages[0].slug))
    question = _question_form(page, draft)
    if request.method == "POST" and question.validate():
        if question.website.data:  # a robot filled in the trap: keep nothing, say nothing
            return redirect(url_for(".start"))
        if draft is None:
            draft, token = intake.start_draft(db.session, form.review_type)
            session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), slug: token}
        intake.save_answers(draft, _answers(question))
        db.session.commit()
        following = form.after(page)
        if request.args.get("change") or following is None:
            return redirect(url_for(".check", slug=slug))
        return redirect(url_for(".question", slug=slug, page_slug=following.slug))
    return render_template("public/refer/question.html", referral=form, page=page, form=question,
                           step=form.pages.index(page) + 1)


def _missing_page(form: ReferralForm, draft: IncomingReferral) -> Page | None:
    """The first page whose required answers the draft lacks."""
    for page in form.pages:
        question = saved_form(page, draft, csrf=False)
        required = [name for name, field in question._fields.items()
                    if any(isinstance(v, InputRequired) for v in field.validators) or getattr(field, "required", False)]
        if any(draft.answer(name) is None for name in required):
            return page
    return None


@bp.route("/<slug>/check", methods=("GET", "POST"))
def check(slug: str):
    """Every answer with a link to change it; sending it puts the referral in the triage queue."""
    form = _form_of(slug)
    draft = _draft(form)
    if draft is None:
        return redirect(url_for(".question", slug=slug, page_slug=form.pages[0].slug))
    missing = _missing_page(form, draft)
    if missing is not None:
        return redirect(url_for(".question", slug=slug, page_slug=missing.slug))
    confirm = QuestionPage()
    if request.method == "POST" and confirm.validate():
        intake.submit(draft, clock.today())
        db.session.commit()
        _acknowledge(draft)
        session[SESSION_KEY] = {k: v for k, v in session.get(SESSION_KEY, {}).items() if k != slug}
        session[DONE_KEY] = {"reference": draft.reference, "slug": slug, "email": bool(draft.referrer_email)}
        return redirect(url_for(".done", slug=slug))
    return render_template("public/refer/check.html", referral=form, rows=summary_rows(form, draft), form=confirm)


def summary_rows(form: ReferralForm, referral: IncomingReferral) -> list[tuple[Page, list[tuple[str, str, str]]]]:
    """Per page, (question, answer as shown, field id): for the check-answers page and for triage."""
    sections = []
    for page in form.pages:
        question = saved_form(page, referral, csrf=False)
        rows = [(field.label.text.removesuffix(" (optional)"), _shown(field, referral.answer(name)), field.id)
                for name, field in question._fields.items() if name not in ("csrf_token", "website")]
        sections.append((page, rows))
    return sections


def _shown(field, value) -> str:
    """An answer as the referrer wrote or chose it; "Not given" for none."""
    if value is None:
        return "Not given"
    choices = dict(getattr(field, "choices", None) or [])
    if isinstance(value, list):
        return ", ".join(choices.get(v, v) for v in value)
    if choices:
        return choices.get(value, value)
    parsed = _from_json(value)
    if isinstance(parsed, date):
        return f"{parsed.day} {parsed:%B %Y}"
    return str(value)


def _acknowledge(referral: IncomingReferral) -> None:
    """Email the referrer the reference (and nothing of the case), if they gave an address and mail is
    set up; the referral is recorded as acknowledged only once the email has gone."""
    if not referral.referrer_email:
        return
    contact = current_app.config["REFERRALS_CONTACT"]
    subject, body = intake.acknowledgement(referral, contact)
    if send_mail(subject, body, [referral.referrer_email]) is None:
        referral.acknowledged_at = utcnow()
        db.session.commit()


@bp.get("/<slug>/done")
def done(slug: str):
    """The referral's reference number, and what happens next."""
    form = _form_of(slug)
    sent = session.get(DONE_KEY)
    if not sent or sent.get("slug") != slug:
        return redirect(url_for(".start"))
    return render_template("public/refer/done.html", referral=form, reference=sent["reference"], emailed=sent["email"])
