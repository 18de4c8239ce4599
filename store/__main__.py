"""Command line for operators: python -m store {migrate,create-user,seed-demo,verify-audit}."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from store.accounts import AccountError, count_users, create_user
from store.audit import verify_audit_chain
from store.authz import Role, system_principal
from store.db import create_store_engine, current_revision, head_revision, resolve_url, upgrade
from store.settings import SettingError


def _password(args: argparse.Namespace) -> str:
    from_env = os.environ.get(args.password_env)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise AccountError(f"No password: set {args.password_env} or run in a terminal to be asked for one.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise AccountError("The two passwords differ.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description="Amanah store administration.")
    parser.add_argument("--database-url", help="override DATABASE_URL for this command")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    create = commands.add_parser("create-user", help="create a user (password from a prompt or the environment)")
    create.add_argument("username")
    create.add_argument("--role", action="append", choices=[r.value for r in Role], required=True,
                        help="a role to grant; repeat for several")
    create.add_argument("--display-name", default="")
    create.add_argument("--email")
    create.add_argument("--password-env", default="AMANAH_ADMIN_PASSWORD",
                        help="environment variable holding the password (default: %(default)s)")
    create.add_argument("--seed-demo", action="store_true", help="also load the demo data")
    seed = commands.add_parser("seed-demo", help="load the generated demo data as datasets")
    seed.add_argument("--rows", type=int, default=None)
    commands.add_parser("verify-audit", help="verify the audit log's hash chain (exit 1 when broken)")
    args = parser.parse_args(argv)

    try:
        engine = create_store_engine(resolve_url(args.database_url))
        upgrade(engine)
        if args.command == "migrate":
            print(f"schema at {current_revision(engine)} (head {head_revision(engine)})")
            return 0
        if args.command == "create-user":
            first = count_users(engine) == 0
            user_id = create_user(engine, system_principal("cli"), args.username, _password(args), args.role,
                                  args.display_name, args.email, must_change_password=False)
            print(f"created user {args.username} (id {user_id}) with roles {', '.join(sorted(args.role))}"
                  + (" — the first account; setup is now closed" if first else ""))
            if args.seed_demo:
                args.rows = None
                args.command = "seed-demo"
        if args.command == "seed-demo":
            from data.seed import DEMO_ROWS, seed_demo_as_operator  # the import path lives above the store

            ids = seed_demo_as_operator(engine, rows=args.rows or DEMO_ROWS)
            print(f"demo data loaded: {ids}")
            return 0
        if args.command == "verify-audit":
            result = verify_audit_chain(engine)
            print(result.summary())
            return 0 if result.ok else 1
        return 0
    except (AccountError, SettingError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
