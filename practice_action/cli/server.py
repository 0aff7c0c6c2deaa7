"""``setup-postgres``: make a PostgreSQL database ready for a practice's desks.

The schema belongs to an owner role; the desks connect as a role that may read and write the
records but only read and add to the audit trail. Run it once on a new server, and again after
installing a new version of the app (it upgrades the schema as the owner)."""

from __future__ import annotations

import argparse
import sys

from practice_action.cli import EXIT_OK, EXTRA_COMMANDS


def add_setup_postgres(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "setup-postgres",
        help="create the roles and database on a PostgreSQL server, or upgrade its schema",
    )
    parser.add_argument(
        "admin_url",
        metavar="ADMIN_URL",
        help="address of a role that may create roles and databases, e.g. "
        "postgresql://postgres:PASSWORD@server/postgres",
    )
    parser.add_argument("--database", default="practice_action", help="(default practice_action)")
    parser.add_argument("--owner", default="practice_owner", help="role that owns the schema")
    parser.add_argument("--desk", default="practice_desk", help="role the desks connect as")
    parser.add_argument(
        "--desk-password-stdin",
        action="store_true",
        help="read the desks' role password from standard input (otherwise one is made up "
        "when the role is created)",
    )


def cmd_setup_postgres(args: argparse.Namespace) -> int:
    from practice_action.services.server_setup import set_up_postgres

    password = sys.stdin.readline().strip() if args.desk_password_stdin else None
    result = set_up_postgres(
        args.admin_url,
        args.database,
        owner=args.owner,
        desk=args.desk,
        desk_password=password or None,
    )
    made = ", ".join(result.created) if result.created else "nothing new (all were there)"
    print(f"Created: {made}.")
    print(
        f"The database {result.database} is at this version's schema, owned by {result.owner}; "
        f"{result.desk} may read and write the records and only add to the audit trail."
    )
    print(f"Start each desk with --database-url {result.desk_url}")
    if ":" in result.desk_url.split("@")[0].removeprefix("postgresql://"):
        print("That address holds the desks' password: keep it safe; it is not shown again.")
    return EXIT_OK


EXTRA_COMMANDS.append((add_setup_postgres, cmd_setup_postgres))
