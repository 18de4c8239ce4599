"""Segments on stored data: privacy rules for columns, reach after consent, consented export."""

import io

import pandas as pd
import pytest

from data.seed import seed_demo
from privacy.ledger import record_consent_change
from segmentation.service import (
    SegmentationError,
    export_reachable_members,
    reach_matrix,
    save_rule_segment,
    segment_mask,
    segmentable_data,
)
from store.audit import AuditFilter, list_audit
from store.consent import grant_special_category

YOUNG = {"all": [{"column": "age", "op": "between", "value": [18, 35]}]}


@pytest.fixture
def demo(people, store):
    ids = seed_demo(store, people["mark"], rows=600, campaign=False)
    return segmentable_data(store, people["mark"], ids["customers"])


def test_identifiers_and_special_categories_are_not_usable(demo):
    assert {"customer_id", "full_name", "email", "phone", "religion"} <= set(demo.excluded)
    assert "age" in demo.usable and "religion" not in demo.usable


def test_rule_on_a_special_category_is_refused_until_an_admin_allows_it(people, store, demo):
    rule = {"all": [{"column": "religion", "op": "==", "value": "Islam"}]}
    with pytest.raises(SegmentationError, match="religion"):
        save_rule_segment(store, people["mark"], demo, "Muslim customers", rule)
    grant_special_category(store, people["admin"], demo.info["id"], "religion", "religion", "art9_2_a",
                           "Explicit consent collected for halal product news.")
    allowed = segmentable_data(store, people["mark"], demo.info["id"])
    assert "religion" in allowed.allowed_special
    assert save_rule_segment(store, people["mark"], allowed, "Muslim customers", rule)


def test_rule_on_a_direct_identifier_is_refused(people, store, demo):
    rule = {"all": [{"column": "email", "op": "contains", "value": "example"}]}
    with pytest.raises(SegmentationError, match="direct identifier"):
        save_rule_segment(store, people["mark"], demo, "By mail", rule)


def test_export_contains_only_reachable_members_and_is_audited(people, store, demo):
    segment_id = save_rule_segment(store, people["mark"], demo, "Young", YOUNG, "demographic")
    members = segment_mask(store, people["mark"], demo, segment_id)
    reach = reach_matrix(store, demo.frame[demo.subject_column])
    expected = int((members & reach["email/marketing"]).sum())
    payload, count = export_reachable_members(store, people["mark"], demo, segment_id, "email", "marketing")
    exported = pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig")
    assert count == expected == len(exported)
    assert exported["subject_id"].str.startswith("p_").all()
    assert list_audit(store, people["admin"], AuditFilter(action_prefix="segment.export"))


def test_a_withdrawal_shrinks_the_export_at_once(people, store, demo):
    segment_id = save_rule_segment(store, people["mark"], demo, "Everyone", {"all": [
        {"column": "age", "op": ">=", "value": 0}]})
    _, before = export_reachable_members(store, people["mark"], demo, segment_id, "email", "marketing")
    from data.demo import generate_demo

    customers = generate_demo(rows=600, seed=42).customers
    consenting = customers.loc[customers["consent_email"], "customer_id"].iloc[0]
    record_consent_change(store, people["mark"], consenting, "email", "marketing", "withdrawn", "phone call")
    _, after = export_reachable_members(store, people["mark"], demo, segment_id, "email", "marketing")
    assert after == before - 1
