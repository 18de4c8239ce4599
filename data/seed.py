"""Load the generated demo data through the normal import path, so a new user sees a working example.

Besides the customers, transactions and consent, it stores seeded results of a demo campaign (per
segment, variant and week) so the KPI pages have something to show from the first start.

The demo customers are imported like any upload: declared purpose "campaign_sending", identifiers
pseudonymised (contact details kept for sending, shown masked), religion excluded as a special
category, and the consent history written to the consent ledger.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from campaigns.service import create_campaign
from campaigns.smart import SmartGoal
from data.demo import COLUMN_ROLES, TRANSACTION_COLUMN_ROLES, generate_demo
from kpis.service import save_demo_results
from segmentation.intake import ConsentFilePart, ImportRequest, TransactionsPart, save_import
from segmentation.service import save_rule_segment, segmentable_data
from store.audit import append_audit
from store.authz import Principal, requires, system_principal
from store.db import WRITE

DEMO_ROWS = 5000
DEMO_SEED = 42
FEATURE_TAGS = {"demographic", "geographic", "psychographic", "behavioural"}
DEMO_REASON = "declared by the demo-data generator"


def roles_as_metadata(roles: dict[str, str], reason: str = DEMO_REASON) -> dict[str, dict]:
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
def seed_demo(engine: Engine, actor: Principal, rows: int = DEMO_ROWS, seed: int = DEMO_SEED, *,
              campaign: bool = True) -> dict[str, int]:
    """Generate the demo tables and import them as datasets owned by ``actor``; returns their ids.

    ``campaign=False`` leaves out the example segments and campaign (data only).
    """
    demo = generate_demo(rows=rows, seed=seed)
    # Importing needs the marketer role; the caller's own role was checked above.
    importer = actor if actor.has("marketer") else Principal(
        actor.user_id, actor.username, actor.display_name, frozenset({"marketer"}))
    consent_columns = [column for column, role in COLUMN_ROLES.items() if role == "consent"]
    request = ImportRequest(
        name="Demo customers", purpose="campaign_sending", file_name="demo generator",
        purpose_note="Demo: segment customers and send approved campaigns by e-mail, SMS and push.",
        customers=demo.customers.drop(columns=consent_columns),
        roles={c: r for c, r in roles_as_metadata(COLUMN_ROLES).items() if c not in consent_columns},
        transactions=TransactionsPart(demo.transactions, roles_as_metadata(TRANSACTION_COLUMN_ROLES),
                                      customer_key="customer_id", file_name="demo transactions"),
        consent_file=ConsentFilePart(demo.consent, {"subject": "customer_id", "channel": "channel",
                                                    "purpose": "purpose", "status": "status",
                                                    "timestamp": "recorded_at", "source": "source"},
                                     file_name="demo consent history"),
    )
    outcome = save_import(engine, importer, request)
    start = date.today() - timedelta(weeks=12)
    results = save_demo_results(engine, importer, outcome.customers_id, demo.customers, start=start)
    if campaign:
        _demo_campaign(engine, importer, outcome.customers_id, start)
    ids = {"customers": outcome.customers_id, "transactions": outcome.transactions_id,
           "results": results["aggregated"], "outcomes": results["per_customer"]}
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        append_audit(connection, actor.username, "demo.seed", "dataset", outcome.customers_id,
                     {"rows": rows, "seed": seed, "datasets": ids, "consent_events": outcome.consent_events})
    return ids


def _demo_campaign(engine: Engine, actor: Principal, customers_id: int, start: date) -> int:
    """Loyalty-tier segments and the demo campaign with a SMART goal, matching the demo results."""
    data = segmentable_data(engine, actor, customers_id)
    tiers = data.frame["loyalty_tier"].astype("string")
    normalised = tiers.str.strip().str.lower()
    segment_ids = {}
    for level in sorted(normalised.dropna().unique()):
        spellings = sorted(tiers[normalised == level].dropna().unique().tolist())
        name = f"{level.capitalize()} tier"
        segment_ids[name] = save_rule_segment(
            engine, actor, data, name, {"all": [{"column": "loyalty_tier", "op": "in", "value": spellings}]},
            "behavioural")
    goal = SmartGoal(kpi="conversion_rate", segment="Gold tier", start=start, deadline=start + timedelta(weeks=26),
                     baseline=0.04, relative_change=0.15,
                     description="+15% conversion in the Gold tier within six months")
    return create_campaign(engine, actor, name="Demo campaign", dataset_id=customers_id,
                           core_message="Quality that lasts, at a fair price", budget=5000.0, start=start,
                           end=start + timedelta(weeks=26), goal=goal, segment_ids=list(segment_ids.values()))


def seed_demo_as_operator(engine: Engine, rows: int = DEMO_ROWS, seed: int = DEMO_SEED) -> dict[str, int]:
    """Seed from the command line (the operator of the machine acts as 'cli')."""
    return seed_demo(engine, system_principal("cli"), rows=rows, seed=seed)
