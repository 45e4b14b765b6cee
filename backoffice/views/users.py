"""User accounts: admins create them, grant roles and streams, and deactivate them."""

from __future__ import annotations

import uuid

from flask import flash
from flask_admin.actions import action
from sqlalchemy import inspect
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import Email, Optional

from backoffice.extensions import db
from backoffice.models.reminder import Frequency
from backoffice.models import User
from backoffice.policy import Stream
from backoffice.accounts import email_taken, set_password, unlock
from backoffice.views.base import FormErrors, SecureModelView, escaped_join
from backoffice.views.fields import Checkboxes

STREAM_CHOICES = [
    (Stream.CHILDREN.value, "Children (CSPR)"),
    (Stream.ADULTS.value, "Adults (SAR)"),
    (Stream.DOMESTIC_ABUSE.value, "Domestic abuse (DHR)"),
]


def _access_changed(user: User, password_changed: bool) -> bool:
    """Whether an edit changed what the user may do (or how they prove who they are)."""
    state = inspect(user)
    return password_changed or any(
        state.attrs[name].history.has_changes() for name in ("active", "roles", "stream_links", "email")
    )


class UserView(SecureModelView):
    resource = "user"
    name = "Users"

    column_list = ["email", "full_name", "roles", "stream_links", "active", "locked_until"]
    column_details_list = [
        "email", "full_name", "roles", "stream_links", "active", "failed_logins", "locked_until", "created_at", "updated_at",
    ]
    action_permissions = {"unlock": "edit"}
    sensitive_endpoints = frozenset({"create_view", "edit_view", "action_view"})
    column_searchable_list = ["email", "full_name"]
    column_filters = ["active"]
    column_default_sort = "email"
    column_sortable_list = ["email", "full_name", "active"]
    column_labels = {"stream_links": "Review streams"}
    column_formatters = {
        "roles": lambda v, c, m, n: escaped_join(m.roles),
        "stream_links": lambda v, c, m, n: escaped_join(dict(STREAM_CHOICES)[s] for s in m.streams),
    }
    form_columns = ["email", "full_name", "roles", "streams", "reminder_frequency", "active", "new_password"]
    form_choices = {"reminder_frequency": [(f.value, f.label) for f in Frequency]}
    form_args = {
        "email": {"validators": [Email("Enter a valid email address.")], "filters": [lambda s: (s or "").strip().lower()]},
        "active": {"description": "Deactivated users cannot sign in. Accounts are never deleted."},
        "reminder_frequency": {"label": "Reminder emails",
                               "description": "Their digest of what is due. Overdue statutory deadlines come whatever it says."},
        "roles": {"widget": Checkboxes(), "description": "What the user may do; a user may hold several roles."},
    }
    form_extra_fields = {
        "streams": SelectMultipleField("Review streams", choices=STREAM_CHOICES, widget=Checkboxes(),
                                       description="The kinds of review this user works on."),
        "new_password": PasswordField(
            "New password",
            validators=[Optional()],
            description="At least 12 characters. Leave blank to keep the current password.",
        ),
    }

    own_unique_checks = ("email",)

    @action("unlock", "Unlock", "Unlock the selected accounts?")
    def action_unlock(self, ids):
        """Clear the lock after repeated failed sign-ins."""
        count = unlock(self.get_query().filter(User.id.in_([int(i) for i in ids if str(i).isdigit()])))
        db.session.commit()
        flash(f"Unlocked {count} account{'' if count == 1 else 's'}.", "success")

    def on_form_prefill(self, form, id) -> None:
        user = self.get_one(id)
        if user is not None:
            form.streams.data = [s.value for s in user.streams]

    def domain_errors(self, model: User, is_created: bool) -> dict[str, str]:
        if email_taken(model.email or "", by_other_than=model.id):
            return {"email": "There is already a user with this email address."}
        return {}

    def on_model_change(self, form, model: User, is_created: bool) -> None:
        password = form.new_password.data or ""
        if is_created and not password:
            form.new_password.errors = [*form.new_password.errors, "Set a first password for the new user."]
        elif password:
            form.new_password.errors = [*form.new_password.errors, *set_password(model, password)]
        if form.new_password.errors:
            raise FormErrors([])  # the messages are on the field, and in the page's error summary
        model.streams = form.streams.data or []
        super().on_model_change(form, model, is_created)
        if not is_created and _access_changed(model, bool(password)):
            model.fs_uniquifier = uuid.uuid4().hex  # their other sessions end now
