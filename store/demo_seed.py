"""Load the generated demo data as datasets, so a new user sees a working example at once."""

from __future__ import annotations

from data.demo import COLUMN_ROLES, TRANSACTION_COLUMN_ROLES, generate_demo
from sqlalchemy import Engine

from store.audit import append_audit
from store.authz import Principal, requires, system_principal
from store.datasets import save_dataset
from store.db import WRITE

DEMO_ROWS = 5000
DEMO_SEED = 42
FEATURE_TAGS = {"demographic", "geographic", "psychographic", "behavioural"}


def roles_as_metadata(roles: dict[str, str], reason: str) -> dict[str, dict]:
    """The generator's column → role map in the stored column-role format."""
    stored = {}
    for column, role in roles.items():
        if role in FEATURE_TAGS:
            stored[column] = {"role": "feature", "tag": role, "special_category": None, "reason": reason}
        else:
            stored[column] = {"role": role, "tag": None,
                              "special_category": column if role == "special_category" else None,
                              "reason": reason}
    return stored


@requires("admin", "marketer", action="load the demo data")
def seed_demo(engine: Engine, actor: Principal, rows: int = DEMO_ROWS, seed: int = DEMO_SEED) -> dict[str, int]:
    """Generate the demo tables and save them as datasets owned by ``actor``; returns their ids."""
    demo = generate_demo(rows=rows, seed=seed)
    reason = "declared by the demo-data generator"
    # The datasets service needs the marketer role; the caller's own role was checked above.
    owner = actor if actor.has("marketer") else Principal(
        actor.user_id, actor.username, actor.display_name, frozenset({"marketer"}))
    ids = {
        "customers": save_dataset(engine, owner, "Demo customers", demo.customers,
                                  purpose="campaign_sending", kind="customers",
                                  purpose_note="Demo: segment customers and send approved campaigns.",
                                  column_roles=roles_as_metadata(COLUMN_ROLES, reason),
                                  details={"source": "demo", "seed": seed}),
        "transactions": save_dataset(engine, owner, "Demo transactions", demo.transactions,
                                     purpose="analysis", kind="transactions",
                                     column_roles=roles_as_metadata(TRANSACTION_COLUMN_ROLES, reason),
                                     details={"source": "demo", "seed": seed}),
    }
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        append_audit(connection, actor.username, "demo.seed", "dataset", ids["customers"],
                     {"rows": rows, "seed": seed, "datasets": ids})
    return ids


def seed_demo_as_operator(engine: Engine, rows: int = DEMO_ROWS, seed: int = DEMO_SEED) -> dict[str, int]:
    """Seed from the command line (the operator of the machine acts as 'cli')."""
    return seed_demo(engine, system_principal("cli"), rows=rows, seed=seed)
