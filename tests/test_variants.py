"""A/B variants: splits that fit in one audience, a stable disjoint assignment, and exports that respect it."""

import io
import zipfile
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from campaigns.review import decide
from campaigns.service import create_campaign, create_message, save_version, set_split, submit
from campaigns.smart import SmartGoal
from campaigns.variants import HOLDOUT, SplitError, assign_variants, check_splits, remaining_share
from data.seed import seed_demo
from segmentation.service import save_rule_segment, segmentable_data
from store.audit import verify_audit_chain
from store.campaigns import read_message

IDS = pd.Series([f"p{i:06d}" for i in range(20_000)])


@pytest.mark.parametrize("splits, problem", [
    ({"A": 0.6, "B": 0.6}, "would cover 120% of the audience (A 60%, B 60%)"),
    ({"A": 0.0}, "Variant 'A': the intended split is a share between 0 and 1"),
    ({"A": 1.5}, "Variant 'A'"),
])
def test_splits_that_do_not_fit_are_refused_with_the_numbers(splits, problem):
    with pytest.raises(SplitError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        check_splits(splits)


def test_splits_that_fit_pass_and_leave_the_rest_free():
    check_splits({"A": 0.7, "B": 0.2, "C": 0.1})  # adds up to 100% despite float rounding
    assert remaining_share({"A": 0.5, "B": 0.25}) == 0.25
    assert remaining_share({"A": 1.0}) == 0.0


def test_variants_are_disjoint_and_sized_by_their_splits():
    assigned = assign_variants(IDS, {"A": 0.5, "B": 0.3}, salt="1:2:email")
    shares = assigned.value_counts(normalize=True)
    assert abs(shares["A"] - 0.5) < 0.02 and abs(shares["B"] - 0.3) < 0.02 and abs(shares[HOLDOUT] - 0.2) < 0.02
    assert len(assigned) == len(IDS)  # exactly one label each: nobody gets two variants


def test_the_assignment_is_stable_whatever_the_order_or_the_other_members():
    full = assign_variants(IDS, {"A": 0.5, "B": 0.5}, salt="7:3:sms")
    shuffled = IDS.sample(frac=1.0, random_state=4)
    again = assign_variants(shuffled, {"A": 0.5, "B": 0.5}, salt="7:3:sms")
    assert (again.sort_index() == full).all()
    subset = assign_variants(IDS.iloc[:500], {"A": 0.5, "B": 0.5}, salt="7:3:sms")
    assert (subset == full.iloc[:500]).all()
    other_campaign = assign_variants(IDS, {"A": 0.5, "B": 0.5}, salt="8:3:sms")
    assert 0.4 < float((other_campaign == full).mean()) < 0.6  # a new campaign reshuffles


def test_adding_a_variant_keeps_the_existing_ones_in_place():
    before = assign_variants(IDS, {"A": 0.5}, salt="s")
    after = assign_variants(IDS, {"A": 0.5, "B": 0.3}, salt="s")
    assert (after[before == "A"] == "A").all()
    assert np.isin(after[before == HOLDOUT].unique(), ["B", HOLDOUT]).all()


def _campaign(store, people):
    ids = seed_demo(store, people["mark"], rows=600, campaign=False)
    data = segmentable_data(store, people["mark"], ids["customers"])
    segment = save_rule_segment(store, people["mark"], data, "Adults",
                                {"all": [{"column": "age", "op": ">=", "value": 18}]})
    goal = SmartGoal(kpi="conversion_rate", segment="Adults", start=date.today(),
                     deadline=date.today() + timedelta(days=90), baseline=0.02, relative_change=0.1)
    campaign = create_campaign(store, people["mark"], name="AB", dataset_id=ids["customers"],
                               core_message="Quality that lasts", budget=None, start=date.today(),
                               end=date.today() + timedelta(days=30), goal=goal, segment_ids=[segment])
    return campaign, segment


def test_a_second_variant_needs_room_in_the_audience(people, store):
    campaign, segment = _campaign(store, people)
    first = create_message(store, people["mark"], campaign, segment, "email", variant="A", split=1.0)
    with pytest.raises(SplitError, match="would cover 150%"):
        create_message(store, people["mark"], campaign, segment, "email", variant="B", split=0.5)
    set_split(store, people["mark"], first, 0.5)
    create_message(store, people["mark"], campaign, segment, "email", variant="B", split=0.4)
    create_message(store, people["mark"], campaign, segment, "sms", variant="A", split=1.0)  # another channel
    with pytest.raises(SplitError):
        set_split(store, people["mark"], first, 0.7)
    assert read_message(store, first)["split"] == 0.5
    assert verify_audit_chain(store).ok


def _recipients(payload, name):
    with zipfile.ZipFile(io.BytesIO(payload)) as archive, archive.open(name) as file:
        return set(pd.read_csv(file, encoding="utf-8-sig")["subject_id"])


def test_the_export_sends_each_person_at_most_one_variant_and_keeps_a_holdout(people, store):
    from campaigns.export import export_campaign

    campaign, segment = _campaign(store, people)
    ids = [create_message(store, people["mark"], campaign, segment, "email", variant="A", split=0.5)]
    ids.append(create_message(store, people["mark"], campaign, segment, "email", variant="B", split=0.3))
    for message_id, body in zip(ids, ["Quality that lasts, all winter.", "Quality that lasts for years."],
                                strict=True):
        save_version(store, people["mark"], message_id, body=body, subject="Winter")
        submit(store, people["mark"], message_id, read_message(store, message_id)["lock_version"])
        decide(store, people["rita"], message_id, "approve", read_message(store, message_id)["lock_version"])
    payload, manifest = export_campaign(store, people["mark"], campaign, "csv")
    a, b = (_recipients(payload, f"message-{m}-email-{v}.csv") for m, v in zip(ids, "AB", strict=True))
    assert a and b and not a & b
    entries = {entry["message_id"]: entry for entry in manifest["messages"]}
    reachable = len(a) + len(b) + entries[ids[0]]["holdout"]
    assert entries[ids[0]]["variants"] == {"A": 0.5, "B": 0.3}
    assert abs(len(a) / reachable - 0.5) < 0.1 and abs(len(b) / reachable - 0.3) < 0.1
    again, _ = export_campaign(store, people["mark"], campaign, "csv")  # the same people get the same variant
    assert _recipients(again, f"message-{ids[0]}-email-A.csv") == a
