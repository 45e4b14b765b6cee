"""The questions of the public referral forms, page by page, as GOV.UK Design System pages.

Each form is a few short pages (one topic each) and then a check-answers page. The fields follow
domain-reference 2.1 for a SAR referral, a child's serious incident referral and a police DHR
notification; every field has a size limit, and no page takes a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovDateInput, GovRadioInput, GovTextArea, GovTextInput,
)
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from backoffice import clock
from backoffice.models.case import AbuseKnown, CareStatus, IncidentNature, ProtectionStatus
from backoffice.vocabulary import ReviewType

NAME, SHORT, LONG, STORY = 200, 100, 2000, 5000
YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]


class GovDateField(DateField):
    """A date as three boxes (day, month, year), with the Design System's messages: which part is
    missing, or that it is not a real date, or that it is in the future."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, required: bool = False, **kwargs) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required = required

    def process_formdata(self, valuelist) -> None:
        self.data = None
        parts = [(value or "").strip() for value in (valuelist or [])][:3]
        self.raw_data = parts + [""] * (3 - len(parts))  # the widget draws three boxes, whatever was sent
        if not any(parts):
            return
        missing = [name for name, value in zip(("day", "month", "year"), self.raw_data) if not value]
        subject = self.label.text
        if missing:
            raise ValueError(f"{subject} must include a {' and a '.join(missing)}")
        try:
            self.data = datetime.strptime(" ".join(self.raw_data), "%d %m %Y").date()
        except ValueError:
            raise ValueError(f"{subject} must be a real date") from None
        if self.data.year < 1900:
            self.data = None
            raise ValueError(f"{subject} must be a real date, with a four-digit year")

    def pre_validate(self, form) -> None:
        if self.data is None and not self.process_errors and self.required:
            raise ValidationError(f"Enter {self.label.text[0].lower()}{self.label.text[1:]}")
        if self.data is not None and self.data > clock.today():
            raise ValidationError(f"{self.label.text} must be today or in the past")


def text(label: str, required: str | None = None, limit: int = NAME, hint: str = "",
         autocomplete: str | None = None) -> StringField:
    """A one-line answer, required with the `required` message, of at most `limit` characters."""
    checks = [InputRequired(required) if required else Optional(),
              Length(max=limit, message=f"{label} must be {limit} characters or fewer")]
    render = {"maxlength": limit, **({"autocomplete": autocomplete} if autocomplete else {})}
    return StringField(label, checks, widget=GovTextInput(), description=hint, render_kw=render)


def story(label: str, required: str | None = None, limit: int = LONG, hint: str = "") -> TextAreaField:
    """A free-text answer of at most `limit` characters."""
    checks = [InputRequired(required) if required else Optional(), Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")]
    hint = f"{hint} Up to {limit:,} characters.".strip()
    return TextAreaField(label, checks, widget=GovTextArea(), description=hint, render_kw={"maxlength": limit, "rows": 5})


def choice(label: str, choices, required: str | None = None, hint: str = "") -> RadioField:
    """One of a few answers, as radios."""
    checks = [InputRequired(required)] if required else [Optional()]
    return RadioField(label, checks, choices=choices, widget=GovRadioInput(), description=hint, validate_choice=bool(required))


def labels(kind) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in kind]


class QuestionPage(FlaskForm):
    """One page of a referral form. `website` is a trap for robots: people never see it."""

    website = StringField("Leave this empty", [Optional(), Length(max=200)])


class ReferrerPage(QuestionPage):
    referrer_name = text("Your full name", "Enter your full name", autocomplete="name")
    referrer_role = text("Your job title or role", "Enter your job title or role", autocomplete="organization-title")
    referrer_agency = text("Your agency or organisation", "Enter your agency or organisation", autocomplete="organization")
    referrer_email = StringField(
        "Your work email address (optional)", [Optional(), Length(max=254), Email("Enter an email address in the correct "
                                                                                   "format, like name@example.org")],
        widget=GovTextInput(), render_kw={"maxlength": 254, "autocomplete": "email", "spellcheck": "false"},
        description="We will send an acknowledgement with the reference number only: never any details of the case.")
    referrer_phone = text("Your telephone number (optional)", limit=30, hint="So that we can call you about the referral.",
                          autocomplete="tel")
    lead_authorised = choice("Has your agency's safeguarding lead or a senior manager agreed to this referral?", YES_NO,
                             "Select yes if your safeguarding lead or a senior manager has agreed",
                             "Partnerships ask that a referral is quality assured by the agency's safeguarding lead.")


class AdultPage(QuestionPage):
    subject_name = text("Their full name", "Enter the adult's full name")
    subject_dob = GovDateField("Their date of birth", description="For example, 27 3 1950. Leave blank if you do not know it.")
    gender = text("Their gender (optional)", limit=SHORT)
    address = story("Their address (optional)", limit=500, hint="Or say if they had no fixed address.")
    nhs_number = text("Their NHS number (optional)", limit=20)
    care_needs = story("What care and support needs did they have?", "Describe the adult's care and support needs",
                       hint="Including any mental capacity or communication needs.")


class AdultIncidentPage(QuestionPage):
    outcome = choice("What happened to them?", [("died", "They died"), ("serious_harm", "They experienced serious "
                     "abuse or neglect"), ("other", "Neither, but there is learning about how agencies worked together")],
                     "Select what happened to the adult")
    incident_date = GovDateField("Date of the death or incident", required=True, description="For example, 27 3 2026.")
    in_area = choice("Did it happen in the partnership's area?", YES_NO_UNKNOWN, "Select whether it happened in the area")
    abuse_types = SelectMultipleField("What kinds of abuse or neglect are known or suspected? (optional)",
                                      widget=GovCheckboxesInput(), choices=[], validate_choice=True,
                                      description="Select all that apply.")
    concerns = story("Why do you think a Safeguarding Adults Review is needed?", "Say why a review is needed", STORY,
                     "Section 44 of the Care Act 2014: concern about how agencies worked together to protect the adult.")
    enquiries = story("What enquiries have already been made? (optional)", hint="A section 42 enquiry, a serious "
                      "incident investigation or a criminal investigation: who made it and its outcome.")
    agencies_involved = story("Which agencies were involved with them? (optional)")
    family_aware = choice("Does their family know about this referral?", YES_NO_UNKNOWN, "Select whether the family knows")
    delay_reason = story("If this referral is being made some time after the event, why? (optional)", limit=1000)


class ChildPage(QuestionPage):
    subject_name = text("The child's full name", "Enter the child's full name")
    subject_dob = GovDateField("The child's date of birth", description="For example, 27 3 2015. Leave blank if not known.")
    child_sex = text("The child's sex (optional)", limit=30)
    child_ethnicity = text("The child's ethnicity (optional)", limit=SHORT)
    la_of_residence = text("Local authority where the child normally lives (optional)", limit=SHORT)
    child_care_status = choice("Was the child looked after, or a care leaver?", labels(CareStatus),
                               "Select whether the child was looked after")
    child_protection_status = choice("Did the child have a child protection plan, or were they a child in need?",
                                     labels(ProtectionStatus), "Select the child's plan or status")


class ChildIncidentPage(QuestionPage):
    incident_date = GovDateField("Date of the incident", required=True, description="For example, 27 3 2026.")
    aware_date = GovDateField("Date your agency became aware of it", required=True,
                              description="The 5 working days to notify the National Panel run from this date.")
    la_of_incident = text("Local authority where it happened (optional)", limit=SHORT)
    incident_nature = choice("Did the child die or were they seriously harmed?", labels(IncidentNature),
                             "Select whether the child died or was seriously harmed")
    abuse_known = choice("Is abuse or neglect known or suspected?", labels(AbuseKnown),
                         "Select whether abuse or neglect is known or suspected")
    other_children = story("Siblings or other children in the household (optional)", limit=1000,
                           hint="Their ages and whether they are safe; not their names.")
    other_processes = story("Other processes under way (optional)", hint="Police investigation, criminal "
                            "proceedings, coroner, child death review, NHS patient safety investigation.")
    media_interest = choice("Is there media interest?", YES_NO, "Select whether there is media interest",
                            "If there is significant media interest, please also telephone the partnership.")
    concerns = story("Why should the partnership review this case?", "Say why the case should be reviewed", STORY)


class VictimPage(QuestionPage):
    subject_name = text("The victim's full name", "Enter the victim's full name")
    victim_age = IntegerField("Their age", [InputRequired("Enter the victim's age, in years, as a number"),
                                            NumberRange(16, 120, "A domestic homicide review is of a person aged 16 or over")],
                              widget=GovTextInput(), render_kw={"inputmode": "numeric", "maxlength": 3},
                              description="A review is held for a person aged 16 or over.")
    victim_gender = text("Their gender (optional)", limit=SHORT)
    death_date = GovDateField("Date of death", required=True, description="For example, 27 3 2026.")
    death_place = text("Place of death (optional)", limit=NAME)
    relationship = choice("Their relationship to the suspected perpetrator", [
        ("intimate_partner", "Intimate partner"), ("ex_partner", "Former intimate partner"),
        ("family_member", "Family member"), ("household_member", "Member of the same household"),
        ("not_known", "Not known yet")], "Select their relationship to the suspected perpetrator")


class DeathPage(QuestionPage):
    police_force = text("Police force", "Enter the police force")
    suspect = story("About the suspected perpetrator (optional)", limit=1000,
                    hint="Age, gender, any charge and where the criminal case has got to.")
    children_in_household = story("Children in the household (optional)", limit=1000, hint="Their ages; not their names.")
    other_reviews = story("Links to other reviews (optional)", limit=1000,
                          hint="A Safeguarding Adults Review, child safeguarding practice review, mental health "
                               "homicide review or IOPC investigation.")
    concerns = story("What is known of domestic abuse, and why should there be a review?",
                     "Say what is known and why there should be a review", STORY)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    form: type[QuestionPage]


@dataclass(frozen=True)
class ReferralForm:
    """One of the public forms: who it is for, and its pages in order."""

    slug: str
    review_type: ReviewType
    title: str
    who: str
    pages: tuple[Page, ...]

    def page(self, slug: str) -> Page | None:
        return next((p for p in self.pages if p.slug == slug), None)

    def after(self, page: Page) -> Page | None:
        index = self.pages.index(page)
        return self.pages[index + 1] if index + 1 < len(self.pages) else None


ABOUT_YOU = Page("about-you", "About you", ReferrerPage)
FORMS: dict[str, ReferralForm] = {form.slug: form for form in (
    ReferralForm("sar", ReviewType.SAR, "Refer a case for a Safeguarding Adults Review",
                 "Any agency or professional worried that an adult with care and support needs died or was seriously "
                 "harmed through abuse or neglect, and that agencies could have worked together better.",
                 (Page("the-adult", "About the adult", AdultPage),
                  Page("what-happened", "What happened", AdultIncidentPage), ABOUT_YOU)),
    ReferralForm("cspr", ReviewType.CSPR, "Refer a serious child safeguarding incident",
                 "A partner agency referring a child who died or was seriously harmed where abuse or neglect is known "
                 "or suspected, for a rapid review.",
                 (Page("the-child", "About the child", ChildPage),
                  Page("what-happened", "What happened", ChildIncidentPage), ABOUT_YOU)),
    ReferralForm("dhr", ReviewType.DHR, "Notify a death for a Domestic Homicide Review",
                 "The police notifying the community safety partnership of a death that may have resulted from "
                 "domestic abuse.",
                 (Page("the-victim", "About the person who died", VictimPage),
                  Page("what-happened", "What happened", DeathPage), ABOUT_YOU)),
)}
