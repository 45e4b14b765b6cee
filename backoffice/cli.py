"""Command-line tools: `flask --app wsgi users ...`, `demo ...`, `audit ...` and `retention review`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from backoffice.accounts import AccountRefused, create_user, enrol_authenticator
from backoffice.extensions import db
from backoffice.models import AuditEvent, User
from backoffice.policy import RoleName, Stream

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Fictional demonstration data.")
audit_cli = AppGroup("audit", help="The audit trail.")
retention_cli = AppGroup("retention", help="Retention and disposal.")
files_cli = AppGroup("files", help="Document files: check them, move them into the database.")
reminders_cli = AppGroup("reminders", help="Reminder emails.")
backup_cli = AppGroup("backup", help="Backups of the database, documents included, proven by a restore.")


@click.command("db-roles")
@click.option("--admin-url", envvar="POSTGRES_ADMIN_URL", required=True,
              help="A PostgreSQL superuser's URL for the app's database (or set POSTGRES_ADMIN_URL).")
@click.option("--owner", default="backoffice_owner", show_default=True, help="The login migrations run as.")
@click.option("--app", "app_role", default="backoffice_app", show_default=True, help="The login the app runs as.")
def db_roles(admin_url: str, owner: str, app_role: str) -> None:
    """Create the least-privilege PostgreSQL logins: an owner for migrations, and the app's own."""
    from backoffice.database_roles import create_roles, login_url

    create_roles(admin_url, owner, app_role)
    click.echo(f"Set MIGRATION_DATABASE_URL={login_url(admin_url, owner).render_as_string(hide_password=False)}")
    click.echo(f"Set DATABASE_URL={login_url(admin_url, app_role).render_as_string(hide_password=False)}")
    click.echo("Give each login a password (ALTER ROLE ... PASSWORD) unless PostgreSQL trusts local connections.")



@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in RoleName]))
@click.option("--stream", "streams", multiple=True, type=click.Choice([s.value for s in Stream]))
@click.option("--name", "full_name", help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--totp", is_flag=True, help="Enrol an authenticator app now and print its key once.")
def users_create(email: str, roles, streams, full_name: str | None, password_stdin: bool, totp: bool) -> None:
    """Create a user with one or more roles and review streams."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, roles, streams, full_name)
    except AccountRefused as exc:
        raise click.ClickException(str(exc)) from None
    key = enrol_authenticator(user) if totp else None
    db.session.commit()
    click.echo(f"Created {email.strip().lower()} with roles {', '.join(roles)}.")
    if key:
        click.echo(f"Authenticator key (shown once): {key}")
    else:
        click.echo("They will set up an authenticator app at their first sign-in.")


@users_cli.command("list")
def users_list() -> None:
    """List users with their roles, streams and status."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        status = "active" if user.active else "inactive"
        click.echo(
            f"{user.email}\t{','.join(user.role_names) or '-'}\t"
            f"{','.join(s.value for s in user.streams) or '-'}\t{status}"
        )


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (quietly) if the database already has cases or users.")
def demo_load(if_empty: bool) -> None:
    """Load the fictional demo data set and one demo user per role (never in production)."""
    from flask import current_app

    from backoffice.demo.loader import DemoAlreadyLoaded, load_demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo is never loaded in production (APP_ENV=production): it would create "
                                   "accounts with known roles and print their passwords. Create real users with "
                                   "`flask users create`.")
    try:
        passwords = load_demo()
    except DemoAlreadyLoaded as exc:
        if if_empty:
            return
        raise click.ClickException(str(exc)) from None
    click.echo("Demo data loaded. Demo users (passwords and authenticator keys are shown once only):")
    for email, (role, password, key) in passwords.items():
        click.echo(f"  {role:<17} {email:<36} {password:<18} {key}")
    click.echo("Add each key to an authenticator app (or: python -c \"import pyotp; print(pyotp.TOTP('KEY').now())\").")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the audit trail's keyed hash chain and its checkpoints; name what was tampered with."""
    from flask import current_app

    from backoffice.domain.audit import AuditError, checkpoint_problems, read_checkpoints, verify

    try:
        checkpoints = read_checkpoints(current_app.config["AUDIT_CHECKPOINT_FILE"])
    except AuditError as exc:
        raise click.ClickException(f"The audit checkpoints cannot be trusted: {exc}") from None
    with db.engine.connect() as connection:
        broken = verify(connection)
        problems = checkpoint_problems(connection, checkpoints)
        total = connection.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    if broken is not None:
        raise click.ClickException(f"The audit trail is broken at row {broken}: it was edited, deleted or moved.")
    if problems:
        raise click.ClickException("The audit trail has lost rows: " + "; ".join(problems) + ".")
    if checkpoints:
        click.echo(f"The audit trail is intact ({total} rows), and holds every row of its {len(checkpoints)} checkpoints.")
    else:
        click.echo(f"The audit trail is intact ({total} rows). No checkpoint yet: run `flask audit checkpoint` "
                   "on a schedule, or a deleted tail cannot be told from an intact trail.")


@audit_cli.command("checkpoint")
def audit_checkpoint() -> None:
    """Record the chain's head (rows and last hash) in AUDIT_CHECKPOINT_FILE, and print it."""
    from flask import current_app

    from backoffice.domain.audit import append_checkpoint, head, verify

    with db.engine.connect() as connection:
        broken = verify(connection)
        if broken is not None:
            raise click.ClickException(f"Not checkpointed: the audit trail is broken at row {broken}.")
        checkpoint = head(connection)
    click.echo(append_checkpoint(current_app.config["AUDIT_CHECKPOINT_FILE"], checkpoint))


@retention_cli.command("review")
def retention_review() -> None:
    """List the records past their retention period, for a scheduled job. Nothing is changed: each
    record waits for a person's decision in the back-office (Disposal)."""
    from backoffice import clock
    from backoffice.domain.retention import review

    due = review(db.session, clock.today())
    db.session.rollback()
    if not due:
        click.echo("No record is past its retention period.")
        return
    click.echo(f"{len(due)} record(s) past the retention period, each waiting for a decision (Disposal):")
    for item in due:
        held = f"  ON HOLD: {item.hold.kind}" if item.hold else ""
        click.echo(f"  {item.case.reference:<14} {item.rule.record_class:<16} due since {item.due_on:%d %b %Y}  "
                   f"proposed: {item.rule.proposed_action}{held}")


@files_cli.command("verify")
def files_verify() -> None:
    """Check that every document file (current and earlier versions) is there, with its recorded
    size and SHA-256; name each one that is not."""
    from backoffice.domain.files import verify_all

    problems, checked = verify_all(db.session)
    db.session.rollback()
    if problems:
        raise click.ClickException(f"{len(problems)} of {checked} files are missing or changed:\n  " + "\n  ".join(problems))
    click.echo(f"All {checked} document files are present and match their recorded size and hash.")


@files_cli.command("migrate")
def files_migrate() -> None:
    """Copy document files from UPLOAD_DIR into the database (DOCUMENT_STORAGE=database), checking
    each against its record; the folder's copies stay until you remove them after a backup."""
    from flask import current_app

    from backoffice.domain.files import copy_into_database

    if current_app.config["DOCUMENT_STORAGE"] != "database":
        raise click.ClickException("DOCUMENT_STORAGE is not database: there is nowhere to migrate the files to.")
    copied, problems = copy_into_database(db.session, current_app.config["UPLOAD_DIR"])
    if problems:
        db.session.rollback()
        raise click.ClickException("Nothing was copied: " + "; ".join(problems))
    db.session.commit()
    click.echo(f"Copied {copied} files into the database; each matches its recorded size and hash.")


@backup_cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_create(folder: Path) -> None:
    """Dump the database, documents included, into FOLDER, with a manifest of what it holds."""
    from flask import current_app

    from backoffice import backups

    try:
        dump = backups.create(db.session, current_app.config["SQLALCHEMY_DATABASE_URI"], folder)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.session.rollback()
    click.echo(f"Backed up to {dump} (and its manifest beside it).")


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def backup_restore(folder: Path) -> None:
    """Restore the newest backup in FOLDER into this (empty) database, as the tables' owner
    (MIGRATION_DATABASE_URL), and check it against its manifest."""
    from flask import current_app

    from backoffice import backups

    owner = current_app.config["MIGRATION_DATABASE_URI"] or current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        manifest = backups.restore(db.session, owner, folder)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.session.rollback()
    click.echo(f"Restored {manifest['dump']}: {manifest['cases']} cases, {manifest['files']} files, "
               f"{manifest['audit_rows']} audit rows. Now run `flask audit verify` and `flask files verify`.")


@reminders_cli.command("send")
def reminders_send() -> None:
    """Send each user their digest of what is due (once a period), escalate to the board what is long
    overdue (once each), and request, remind and chase agencies' contributions by email to their
    safeguarding leads; failed sends are retried on the next run."""
    from flask import current_app

    from backoffice import clock, mailer
    from backoffice.domain import reminders
    from backoffice.extensions import db

    config = current_app.config
    if not mailer.configured():
        raise click.ClickException("MAIL_SERVER is not set: no reminder was sent.")
    connection = mailer.connection()  # one SMTP connection for the run
    sent = failed = 0
    for user, key, lines in reminders.due_digests(db.session, clock.today(), config["DUE_SOON_WORKING_DAYS"]):
        subject, body = reminders.message(lines, config["BASE_URL"])
        error = mailer.send_mail(subject, body, [user.email], via=connection)
        reminders.record(db.session, user, key, lines, error)
        db.session.commit()
        sent, failed = sent + (error is None), failed + (error is not None)
    for user, items in reminders.due_escalations(db.session, clock.today(), config["ESCALATE_AFTER_WORKING_DAYS"]):
        subject, body = reminders.escalation_message(items, config["BASE_URL"])
        error = mailer.send_mail(subject, body, [user.email], via=connection)
        reminders.record_escalations(db.session, user, items, error)
        db.session.commit()
        sent, failed = sent + (error is None), failed + (error is not None)
    for contribution, kind, key in reminders.agency_emails_due(
            db.session, clock.today(), config["AGENCY_REMINDER_WORKING_DAYS"], config["AGENCY_CHASE_EVERY_WORKING_DAYS"]):
        subject, body = reminders.agency_message(contribution, kind, config["REFERRALS_CONTACT"])
        error = mailer.send_mail(subject, body, [contribution.agency.safeguarding_lead_email], via=connection)
        reminders.record_agency_email(db.session, contribution, kind, key, error)
        db.session.commit()
        sent, failed = sent + (error is None), failed + (error is not None)
    click.echo(f"Reminders: {sent} sent, {failed} failed (to be retried on the next run).")
    if failed:
        raise SystemExit(1)
