"""The policy, pinned. Who may do what is written out here by hand, reviewed like a contract, and the
policy table must say exactly this: a wrong entry in `POLICY` fails here, even though the access-matrix
test (which takes its answers from `POLICY`) would pass it.

Read it as: business support keep the records; the panel records decisions; the board approves and
publishes; auditors read everything, archives included, and export, but change nothing; admins manage
users, agencies and reference data and never see case content."""

from __future__ import annotations

from backoffice.policy import POLICY, RoleName

ROLES = (RoleName.BUSINESS_SUPPORT, RoleName.PANEL, RoleName.BOARD, RoleName.AUDITOR, RoleName.ADMIN)
CONTRACT = """
resource        action          support panel board auditor admin
case            read            x       x     x     x       .
case            create          x       .     .     .       .
case            edit            x       .     .     .       .
case            archive         x       .     .     .       .
case            export          x       .     .     x       .
case            tell_referrer   x       .     .     .       .
case            export_all      .       .     .     x       .
case            restricted      x       .     .     .       .
case            read_archived   .       .     .     x       .
case            transition      x       x     x     .       .
decision        read            x       x     x     x       .
decision        create          .       x     .     .       .
decision        edit            .       x     .     .       .
decision        archive         .       x     .     .       .
decision        approve         .       .     x     .       .
decision        export          .       .     .     x       .
decision        export_all      .       .     .     x       .
decision        read_archived   .       .     .     x       .
family          read            x       x     .     x       .
family          create          x       .     .     .       .
family          edit            x       .     .     .       .
family          archive         x       .     .     .       .
family          export          .       .     .     x       .
family          export_all      .       .     .     x       .
family          restricted      x       .     .     .       .
family          read_archived   .       .     .     x       .
document        read            x       x     x     x       .
document        create          x       .     .     .       .
document        edit            x       .     .     .       .
document        archive         x       .     .     .       .
document        approve         .       .     x     .       .
document        publish         .       .     x     .       .
document        export          .       .     .     x       .
document        export_all      .       .     .     x       .
document        read_archived   .       .     .     x       .
publication     read            x       x     x     x       .
publication     edit            x       .     .     .       .
publication     approve         .       .     x     .       .
publication     read_archived   .       .     .     x       .
notification    read            x       x     x     x       .
notification    create          x       .     .     .       .
notification    edit            x       .     .     .       .
notification    archive         x       .     .     .       .
notification    export          .       .     .     x       .
notification    export_all      .       .     .     x       .
notification    read_archived   .       .     .     x       .
contribution    read            x       x     x     x       .
contribution    create          x       .     .     .       .
contribution    edit            x       .     .     .       .
contribution    archive         x       .     .     .       .
contribution    export          x       .     .     x       .
contribution    export_all      .       .     .     x       .
contribution    read_archived   .       .     .     x       .
appointment     read            x       x     x     x       .
appointment     create          x       .     .     .       .
appointment     edit            x       .     .     .       .
appointment     archive         x       .     .     .       .
appointment     export          .       .     .     x       .
appointment     export_all      .       .     .     x       .
appointment     read_archived   .       .     .     x       .
meeting         read            x       x     x     x       .
meeting         create          x       .     .     .       .
meeting         edit            x       .     .     .       .
meeting         archive         x       .     .     .       .
meeting         papers          x       x     x     .       .
meeting         export          .       .     .     x       .
meeting         export_all      .       .     .     x       .
meeting         read_archived   .       .     .     x       .
meeting_conflict read           x       x     x     x       .
meeting_conflict create         .       x     .     .       .
meeting_conflict edit           .       x     .     .       .
meeting_conflict archive        .       x     .     .       .
meeting_conflict export         .       .     .     x       .
meeting_conflict export_all     .       .     .     x       .
meeting_conflict read_archived  .       .     .     x       .
finding         read            x       x     x     x       .
finding         create          x       .     .     .       .
finding         edit            x       .     .     .       .
finding         archive         x       .     .     .       .
finding         export          .       .     .     x       .
finding         export_all      .       .     .     x       .
finding         read_archived   .       .     .     x       .
recommendation  read            x       x     x     x       .
recommendation  create          .       x     .     .       .
recommendation  edit            .       x     .     .       .
recommendation  archive         .       x     .     .       .
recommendation  export          .       .     .     x       .
recommendation  export_all      .       .     .     x       .
recommendation  read_archived   .       .     .     x       .
recommendation  approve         .       .     x     .       .
action          read            x       x     x     x       .
action          create          x       .     .     .       .
action          edit            x       .     .     .       .
action          archive         x       .     .     .       .
action          export          .       .     .     x       .
action          export_all      .       .     .     x       .
action          read_archived   .       .     .     x       .
action          accept_evidence .       .     x     .       .
hold            read            x       x     x     x       .
hold            create          x       .     .     .       .
hold            edit            x       .     .     .       .
hold            archive         x       .     .     .       .
hold            read_archived   .       .     .     x       .
deadline        read            x       x     x     x       .
deadline        waive           .       .     x     .       .
deadline        export          .       .     .     x       .
deadline        export_all      .       .     .     x       .
deadline_rule   read            .       .     .     x       x
deadline_rule   create          .       .     .     .       x
deadline_rule   edit            .       .     .     .       x
audit           read            .       .     .     x       x
audit           export          .       .     .     x       .
audit           export_all      .       .     .     x       .
agency          read            x       x     x     x       x
agency          create          x       .     .     .       x
agency          edit            x       .     .     .       x
agency          export          x       .     .     x       x
agency          export_all      .       .     .     x       .
reference_data  read            .       .     .     x       x
reference_data  create          .       .     .     .       x
reference_data  edit            .       .     .     .       x
public_text     read            .       .     .     x       x
public_text     edit            .       .     .     .       x
user            read            .       .     .     x       x
user            create          .       .     .     .       x
user            edit            .       .     .     .       x
retention_rule  read            .       .     .     x       x
retention_rule  edit            .       .     .     .       x
legal_hold      read            x       .     x     x       .
legal_hold      create          x       .     x     .       .
legal_hold      edit            x       .     x     .       .
disposal        read            x       .     x     x       .
disposal        decide          x       .     x     .       .
disposal        destroy         .       .     x     .       .
tombstone       read            x       .     x     x       .
intake          read            x       .     .     x       .
report          read            x       .     x     x       .
report          export          x       .     x     x       .
intake          triage          x       .     .     .       .
intake          restricted      x       .     .     .       .
"""


def contract() -> dict[tuple[str, str], frozenset[RoleName]]:
    """The table above as {(resource, action): the roles marked x}."""
    rows = [line.split() for line in CONTRACT.strip().splitlines()[1:]]
    return {(resource, action): frozenset(role for role, mark in zip(ROLES, marks) if mark == "x")
            for resource, action, *marks in rows}


def test_the_policy_table_says_exactly_what_the_contract_says():
    granted = {(resource, action): frozenset(roles)
               for resource, actions in POLICY.items() for action, roles in actions.items() if roles}
    expected = {key: roles for key, roles in contract().items() if roles}

    assert sorted(set(granted) - set(expected)) == [], "granted but not in the contract"
    assert sorted(set(expected) - set(granted)) == [], "in the contract but not granted"
    assert {key: sorted(granted[key]) for key in granted if granted[key] != expected[key]} == {}


def test_no_one_may_delete_anything_and_admins_never_read_case_content():
    assert all("delete" not in actions for actions in POLICY.values())
    assert not [resource for resource, actions in POLICY.items()
                if resource in ("case", "decision", "family", "document", "publication", "notification", "hold",
                                "deadline") and RoleName.ADMIN in actions.get("read", ())]
