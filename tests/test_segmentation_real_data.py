"""Clustering and rule segments on the real public data sets (skipped when ../shared/data is absent)."""

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.clustering import Segmenter
from segmentation.ingest import read_upload
from segmentation.intake import column_roles_mapping
from segmentation.rules import RuleSegment
from segmentation.schema import infer_column_roles
from tests.conftest import shared_data_file

pytestmark = pytest.mark.shared_data


def _load(name):
    path = shared_data_file(name)
    return read_upload(path.read_bytes(), path.name, max_bytes=2**31).frame


def test_bank_marketing_clusters_into_a_handful_of_profiled_segments():
    frame = _load("bank-full.csv")
    roles = column_roles_mapping(infer_column_roles(frame))
    model = Segmenter(k="auto", column_roles=roles, sample_size=5000, n_stability_seeds=2, random_state=0).fit(frame)
    assert 2 <= model.k_ <= 10
    assert len(model.labels_) == len(frame) == 45211
    sizes = pd.Series(model.labels_).value_counts()
    assert sizes.min() > 0.02 * len(frame)  # no degenerate, near-empty segment
    assert all(profile.top_traits and profile.proposed_name for profile in model.profiles_)


def test_hillstrom_clusters_and_rule_segments_agree_in_pandas_and_sql():
    frame = _load("hillstrom.csv")
    features = ["recency", "history", "mens", "womens", "zip_code", "newbie", "channel"]
    model = Segmenter(features=features, k=4, random_state=0).fit(frame)
    assert model.k_ == 4 and set(model.used_columns_) <= set(features)
    rule = RuleSegment({"all": [{"column": "history", "op": ">", "value": 500},
                                {"any": [{"column": "channel", "op": "in", "value": ["Web", "Multichannel"]},
                                         {"not": {"column": "zip_code", "op": "==", "value": "Rural"}}]}]})
    mask = rule.mask(frame)
    engine = sa.create_engine("sqlite://")
    frame.assign(row_id=range(len(frame))).to_sql("hillstrom", engine, index=False)
    table = sa.Table("hillstrom", sa.MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        members = {row for (row,) in connection.execute(sa.select(table.c.row_id).where(rule.to_sql(table)))}
    assert members == set(frame.index[mask])
    assert 0 < len(members) < len(frame)
