"""`python -m bot db ...`: the case store's schema, made and changed by Alembic migrations.

    db upgrade [REVISION]    bring the schema up to date (default: the newest); safe to repeat,
                             and to run from several places at once (they take turns)
    db current               the schema's revision, and whether it is the newest
    db downgrade REVISION    go back (e.g. `base` drops every table: only with --yes)
"""
from __future__ import annotations

from bot.cli import UserError


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("upgrade", help="create or upgrade the schema (default: to the newest)")
    p.add_argument("revision", nargs="?", default="head")
    sub.add_parser("current", help="print the schema's revision")
    p = sub.add_parser("downgrade", help="take the schema back to REVISION (may lose data)")
    p.add_argument("revision")
    p.add_argument("--yes", action="store_true", help="really do it")


def run(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot import settings
    from bot.cases import db

    url = settings.database_url()
    try:
        engine = db.make_engine(url)
        if args.action == "upgrade":
            before = db.upgrade(engine, args.revision)  # read after any other migration ended
            after = db.current_revision(engine)
            if before == after:
                print(f"case store at {db.hide_password(url)}: already at revision {after}")
            else:
                print(f"case store at {db.hide_password(url)}: upgraded from "
                      f"{before or 'empty'} to {after}")
        elif args.action == "current":
            current, head = db.current_revision(engine), db.head_revision()
            state = "newest" if current == head else f"newest is {head}: run `python -m bot db upgrade`"
            print(f"{current or 'empty'} ({state})")
            return 0 if current == head else 1
        elif args.action == "downgrade":
            if not args.yes:
                raise UserError("a downgrade may delete data: add --yes to go ahead")
            db.downgrade(engine, args.revision)
            print(f"case store at {db.hide_password(url)}: now at "
                  f"{db.current_revision(engine) or 'empty'}")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise UserError(f"INTAKE_DATABASE_URL: cannot use {db.hide_password(url)}: {reason}") from None
    except Exception as error:  # alembic's CommandError for an unknown revision, and the like
        from alembic.util import CommandError

        if isinstance(error, CommandError):
            raise UserError(f"db {args.action}: {error}") from None
        raise
    finally:
        if "engine" in locals():
            engine.dispose()
    return 0
