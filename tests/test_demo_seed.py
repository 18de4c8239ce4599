"""The demo seed stores the generated tables as datasets with declared column roles."""

import pytest

from data.seed import seed_demo
from store.authz import PermissionDenied
from store.datasets import delete_dataset, list_datasets, load_dataset, rename_dataset


def test_seed_creates_customer_and_transaction_datasets(people, store):
    ids = seed_demo(store, people["mark"], rows=400)
    customers = load_dataset(store, people["mark"], ids["customers"])
    assert len(customers) == 400
    found = {row["id"]: row for row in list_datasets(store, people["mark"])}
    roles = found[ids["customers"]]["column_roles"]
    assert roles["religion"]["role"] == "special_category"
    assert roles["email"]["role"] == "direct_identifier"
    assert roles["gender"]["role"] == "feature" and roles["gender"]["tag"] == "demographic"
    assert roles["gender"]["action"] == "kept"
    # Minimisation under "campaign_sending": contact details kept (masked), names and ids pseudonymised.
    assert roles["email"]["action"] == "kept" and roles["email"]["mask_kind"] == "email"
    assert roles["full_name"]["action"] == "pseudonymised"
    assert customers["customer_id"].str.startswith("p_").all()
    assert customers["full_name"].str.startswith("p_").all()
    assert not any(column.startswith("consent_") for column in customers.columns)
    assert found[ids["transactions"]]["kind"] == "transactions"
    transactions = load_dataset(store, people["mark"], ids["transactions"])
    assert transactions["customer_id"].isin(customers["customer_id"]).all()


def test_seed_writes_the_consent_history_to_the_ledger(people, store):
    from data.demo import generate_demo
    from privacy.reachable import reachable

    ids = seed_demo(store, people["mark"], rows=300)
    customers = load_dataset(store, people["mark"], ids["customers"])
    demo = generate_demo(rows=300, seed=42)
    expected = int(demo.customers["consent_email"].sum())
    assert len(reachable(store, people["mark"], customers["customer_id"], "email", "marketing")) == expected


def test_seed_needs_admin_or_marketer(people, store):
    with pytest.raises(PermissionDenied):
        seed_demo(store, people["manu"], rows=50)


def test_rename_and_delete_are_audited_and_remove_the_file(people, store, isolated_environment):
    from store.audit import list_audit
    from store.datasets import DatasetError

    ids = seed_demo(store, people["admin"], rows=50)
    rename_dataset(store, people["mark"], ids["customers"], "Spring customers")
    with pytest.raises(DatasetError, match="audience of campaign"):
        delete_dataset(store, people["mark"], ids["customers"])  # the demo campaign targets it
    files_before = set((isolated_environment / "datasets").glob("*.parquet"))
    delete_dataset(store, people["mark"], ids["transactions"])
    assert all(row["id"] != ids["transactions"] for row in list_datasets(store, people["mark"]))
    actions = [row["action"] for row in list_audit(store, people["admin"])]
    assert "dataset.rename" in actions and "dataset.delete" in actions
    assert len(set((isolated_environment / "datasets").glob("*.parquet"))) == len(files_before) - 1
