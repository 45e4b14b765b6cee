"""User accounts: admins create them with roles, streams and a first password, and deactivate them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from backoffice.vocabulary import ReviewType
from backoffice.models import Role, User
from tests import factories
from tests.conftest import enrol_and_sign_in, PASSWORD, sign_in
from tests.helpers import count, page_text, text

CREATE = "/admin/user/new/"
NEW_PASSWORD = "a long first password 2026"


def role_ids(session, *names: str) -> list[str]:
    ids = session.execute(select(Role.id).where(Role.name.in_(names))).scalars().all()
    assert len(ids) == len(names)
    return [str(i) for i in ids]


def user_by_email(session, email: str) -> User | None:
    session.expire_all()
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    return user


def create_user(admin, session, email="new.colleague@example.org", **overrides):
    data = {
        "email": email,
        "full_name": "New Colleague",
        "roles": role_ids(session, "panel"),
        "streams": ["adults"],
        "active": "y",
        "new_password": NEW_PASSWORD,
        **overrides,
    }
    return admin.post(CREATE, data=data)


def edit_user(admin, session, user, **overrides):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "roles": role_ids(session, *user.role_names),
        "streams": [s.value for s in user.streams],
        "active": "y",
        "new_password": "",
        **overrides,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return admin.post(f"/admin/user/edit/?id={user.id}", data=data)


def is_signed_in(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 200 and 'data-testid="signed-in-as"' in text(response)


def test_admin_creates_a_user_who_can_then_sign_in_and_sees_only_their_streams(app, session, login_as):
    admin = login_as("admin")
    adults_case = factories.CaseFactory(review_type=ReviewType.SAR, subject_pseudonym="Adult Zed")
    children_case = factories.CaseFactory(review_type=ReviewType.CSPR, subject_pseudonym="Child Yan")

    response = create_user(
        admin, session, roles=role_ids(session, "panel", "board"), streams=["adults", "domestic_abuse"]
    )

    assert response.status_code == 302, page_text(response)[:2000]
    user = user_by_email(session, "new.colleague@example.org")
    assert user is not None
    assert user.full_name == "New Colleague"
    assert user.role_names == ["board", "panel"]
    assert {s.value for s in user.streams} == {"adults", "domestic_abuse"}
    assert user.active is True
    assert user.password and NEW_PASSWORD not in user.password  # stored hashed
    session.commit()

    client = app.test_client()  # at their first sign-in they set up an authenticator app
    assert enrol_and_sign_in(client, "new.colleague@example.org", NEW_PASSWORD).status_code == 302
    assert is_signed_in(client)
    cases = page_text(client.get("/admin/case/"))
    assert adults_case.reference in cases
    assert children_case.reference not in cases


def test_the_email_address_is_stored_trimmed_and_in_lower_case(app, session, login_as):
    admin = login_as("admin")

    response = create_user(admin, session, email="  New.Colleague@Example.ORG ")

    assert response.status_code == 302, page_text(response)[:2000]
    assert user_by_email(session, "new.colleague@example.org") is not None


@pytest.mark.parametrize("password", ["short", "elevenchars", "Vx9-qLm2#wZ"])
def test_a_password_under_12_characters_is_refused(app, session, login_as, password):
    admin = login_as("admin")
    before = count(session, User)

    response = create_user(admin, session, new_password=password)

    assert response.status_code == 200
    shown = page_text(response)
    assert "Password must be at least 12 characters" in shown
    assert "Nothing was saved" in shown
    assert count(session, User) == before
    assert user_by_email(session, "new.colleague@example.org") is None


@pytest.mark.parametrize(
    "password, reason",
    [("password1234", "This is a very common password."), ("aaaaaaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.')],
)
def test_a_weak_or_common_password_is_refused_with_the_reason(app, session, login_as, password, reason):
    admin = login_as("admin")
    before = count(session, User)

    response = create_user(admin, session, new_password=password)

    assert response.status_code == 200
    assert reason in page_text(response)
    assert count(session, User) == before


def test_a_password_of_exactly_12_characters_is_accepted(app, session, login_as):
    admin = login_as("admin")

    response = create_user(admin, session, new_password="twelve chars")

    assert response.status_code == 302, page_text(response)[:2000]
    assert sign_in(app.test_client(), "new.colleague@example.org", "twelve chars").status_code == 302


@pytest.mark.parametrize(
    "email", ["taken@example.org", "Taken@Example.org", "  TAKEN@example.org  "], ids=["same", "case", "spaces"]
)
def test_a_duplicate_email_address_is_refused(app, session, login_as, email):
    factories.UserFactory(email="taken@example.org", full_name="Existing Person", roles=["panel"])
    admin = login_as("admin")
    before = count(session, User)

    response = create_user(admin, session, email=email, full_name="Impostor")

    assert response.status_code == 200
    assert "There is already a user with this email address." in page_text(response)
    assert count(session, User) == before
    assert user_by_email(session, "taken@example.org").full_name == "Existing Person"


def test_a_user_created_without_a_password_is_refused(app, session, login_as):
    admin = login_as("admin")
    before = count(session, User)

    response = create_user(admin, session, new_password="")

    assert response.status_code == 200
    shown = page_text(response)
    assert "Set a first password for the new user." in shown
    assert "Nothing was saved" in shown
    assert count(session, User) == before


def test_admin_deactivates_a_user_who_then_cannot_sign_in(app, session, login_as):
    user = factories.UserFactory(email="leaver@example.org", roles=["panel"], streams=["children"])
    admin = login_as("admin")
    assert sign_in(app.test_client(), "leaver@example.org").status_code == 302  # could before

    response = edit_user(admin, session, user, active=None)  # an unticked box is not posted

    assert response.status_code == 302, page_text(response)[:2000]
    assert user_by_email(session, "leaver@example.org").active is False
    session.commit()
    client = app.test_client()
    response = sign_in(client, "leaver@example.org")
    assert response.status_code != 302
    assert not is_signed_in(client)


def test_a_deactivated_user_who_is_already_signed_in_loses_access(app, session, login_as):
    leaver = login_as("panel", email="leaver@example.org")
    assert leaver.get("/admin/case/").status_code == 200
    admin = login_as("admin")

    response = edit_user(admin, session, user_by_email(session, "leaver@example.org"), active=None)

    assert response.status_code == 302, page_text(response)[:2000]
    session.commit()
    assert leaver.get("/admin/case/").status_code in (302, 403)
    assert not is_signed_in(leaver.client)


def test_saving_a_user_without_a_new_password_keeps_the_current_one(app, session, login_as):
    user = factories.UserFactory(email="keeper@example.org", full_name="Old Name", roles=["panel"])
    password_hash = user.password
    admin = login_as("admin")

    response = edit_user(admin, session, user, full_name="New Name")

    assert response.status_code == 302, page_text(response)[:2000]
    saved = user_by_email(session, "keeper@example.org")
    assert saved.full_name == "New Name"
    assert saved.password == password_hash
    session.commit()
    assert sign_in(app.test_client(), "keeper@example.org", PASSWORD).status_code == 302


def test_extra_fields_posted_to_the_create_form_change_nothing(app, session, login_as):
    admin = login_as("admin")

    response = create_user(
        admin, session, fs_uniquifier="attacker-chosen", password="plain-text-password", id="9999", confirmed_at="2020-01-01"
    )

    assert response.status_code == 302, page_text(response)[:2000]
    user = user_by_email(session, "new.colleague@example.org")
    assert user.id != 9999
    assert user.fs_uniquifier != "attacker-chosen"
    assert user.password != "plain-text-password"
    assert user.confirmed_at is None
    session.commit()
    assert sign_in(app.test_client(), "new.colleague@example.org", "plain-text-password").status_code != 302
    assert sign_in(app.test_client(), "new.colleague@example.org", NEW_PASSWORD).status_code == 302


def test_extra_fields_posted_to_the_edit_form_change_nothing_beyond_the_forms_fields(app, session, login_as):
    user = factories.UserFactory(email="target@example.org", full_name="Before", roles=["panel"])
    original = (user.id, user.fs_uniquifier, user.password, user.confirmed_at)
    admin = login_as("admin")

    response = edit_user(
        admin,
        session,
        user,
        full_name="After",
        fs_uniquifier="attacker-chosen",
        password="plain-text-password",
        id="9999",
    )

    assert response.status_code == 302, page_text(response)[:2000]
    saved = user_by_email(session, "target@example.org")
    assert saved.full_name == "After"  # the form's own field did change
    assert (saved.id, saved.fs_uniquifier, saved.password, saved.confirmed_at) == original
    assert session.get(User, 9999) is None
    session.commit()
    assert sign_in(app.test_client(), "target@example.org", PASSWORD).status_code == 302


def test_admin_changes_a_users_streams(app, session, login_as):
    user = factories.UserFactory(email="mover@example.org", roles=["panel"], streams=["children"])
    admin = login_as("admin")

    response = edit_user(admin, session, user, streams=["adults"])

    assert response.status_code == 302, page_text(response)[:2000]
    assert [s.value for s in user_by_email(session, "mover@example.org").streams] == ["adults"]


def test_streams_and_roles_are_ticked_in_checkboxes_not_picked_with_ctrl_click(app, session, login_as):
    user = factories.UserFactory(roles=["panel"], streams=["children", "adults"])

    page = text(login_as("admin").get(f"/admin/user/edit/?id={user.id}"))

    assert '<select multiple' not in page and 'name="streams"' in page
    boxes = re.findall(r'<input class="form-check-input" type="checkbox" (checked )?id="streams-\d" name="streams" value="(\w+)"',
                       page)
    assert sorted(value for checked, value in boxes if checked) == ["adults", "children"]
    assert [value for _, value in boxes] == ["children", "adults", "domestic_abuse"]
    assert 'for="streams-2">Domestic abuse (DHR)</label>' in page
    assert 'aria-label="Roles" id="roles" role="group"' in page


@pytest.mark.parametrize("role", ["business_support", "panel", "board"])
def test_roles_without_user_access_get_403_on_the_user_pages(app, session, login_as, role):
    signed_in = login_as(role)
    target = factories.UserFactory(email="target@example.org", roles=["panel"])

    assert signed_in.get("/admin/user/").status_code == 403
    assert signed_in.get(CREATE).status_code == 403
    assert signed_in.get(f"/admin/user/edit/?id={target.id}").status_code == 403
    assert create_user(signed_in, session).status_code == 403
    assert user_by_email(session, "new.colleague@example.org") is None


def test_auditors_read_the_user_list_but_cannot_create_or_edit(app, session, login_as):
    # The policy lets auditors read users (POLICY["user"]["read"]); only admins change them.
    auditor = login_as("auditor")
    target = factories.UserFactory(email="target@example.org", full_name="Target Person", roles=["panel"])

    assert "target@example.org" in page_text(auditor.get("/admin/user/"))
    assert auditor.get(CREATE).status_code == 403
    assert create_user(auditor, session).status_code == 403
    response = auditor.post(
        f"/admin/user/edit/?id={target.id}",
        data={"email": "target@example.org", "full_name": "Changed by auditor", "active": "y"},
    )
    assert response.status_code == 403
    assert user_by_email(session, "new.colleague@example.org") is None
    assert user_by_email(session, "target@example.org").full_name == "Target Person"
