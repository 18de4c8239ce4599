"""Saved segments: versions, unique names per dataset, 4P fields, snapshots, cascade on dataset delete."""

import pandas as pd
import pytest

from data.seed import seed_demo
from store.authz import PermissionDenied
from store.datasets import delete_dataset
from store.segments import (
    SegmentError,
    columns_used_by_segments,
    delete_segment,
    get_segment,
    list_segments,
    save_segment,
    segment_history,
    snapshot_members,
    update_marketing,
)

RULE = {"all": [{"column": "age", "op": "between", "value": [25, 40]}]}


@pytest.fixture
def dataset(people, store):
    return seed_demo(store, people["mark"], rows=100, campaign=False)["customers"]


def test_save_new_versions_and_history(people, store, dataset):
    mark = people["mark"]
    segment_id = save_segment(store, mark, dataset, "Young adults", kind="rule", definition=RULE,
                              columns_used=["age"], member_count=30, segmentation_type="demographic")
    wider = {"all": [{"column": "age", "op": "between", "value": [20, 45]}]}
    assert save_segment(store, mark, dataset, "Young adults", kind="rule", definition=wider, columns_used=["age"],
                        member_count=50, segment_id=segment_id) == segment_id
    assert get_segment(store, mark, segment_id)["version"] == 2
    history = segment_history(store, people["rita"], segment_id)
    assert [h["version"] for h in history] == [2, 1] and history[1]["definition"] == RULE
    assert columns_used_by_segments(store, dataset) == {"age"}


def test_names_are_unique_per_dataset(people, store, dataset):
    save_segment(store, people["mark"], dataset, "Loyal", kind="rule", definition=RULE, columns_used=["age"],
                 member_count=1)
    with pytest.raises(SegmentError, match="already has a segment called"):
        save_segment(store, people["mark"], dataset, "loyal", kind="rule", definition=RULE, columns_used=["age"],
                     member_count=1)


def test_cluster_segments_keep_a_member_snapshot(people, store, dataset, isolated_environment):
    members = pd.Series(["p_1", "p_2", "p_3"])
    segment_id = save_segment(store, people["mark"], dataset, "Cluster 1", kind="cluster",
                              definition={"cluster": {"label": 1, "k": 4}}, columns_used=["age", "revenue"],
                              member_count=3, members=members)
    assert snapshot_members(store, people["mark"], segment_id).tolist() == ["p_1", "p_2", "p_3"]
    delete_dataset(store, people["mark"], dataset)  # segments go with their dataset, files too
    assert list_segments(store, people["mark"]) == []
    assert not list((isolated_environment / "segments").glob("*.parquet"))


def test_marketing_fields_and_roles(people, store, dataset):
    segment_id = save_segment(store, people["mark"], dataset, "Young adults", kind="rule", definition=RULE,
                              columns_used=["age"], member_count=30)
    update_marketing(store, people["mark"], segment_id, {"value_proposition": " Save time ", "price": "mid"})
    assert get_segment(store, people["manu"], segment_id)["marketing"] == {"value_proposition": "Save time",
                                                                          "price": "mid"}
    with pytest.raises(SegmentError, match="Unknown field"):
        update_marketing(store, people["mark"], segment_id, {"colour": "blue"})
    with pytest.raises(PermissionDenied):
        update_marketing(store, people["manu"], segment_id, {"price": "low"})
    delete_segment(store, people["mark"], segment_id)
    assert list_segments(store, people["mark"], dataset) == []
