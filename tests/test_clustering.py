"""Segmenter: column choice by role and value, encoding, automatic k, determinism, predict, clear errors."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from data.demo import COLUMN_ROLES, generate_demo
from segmentation.cluster_columns import resolve_column_roles
from segmentation.clustering import Segmenter
from segmentation.schema import infer_column_roles

TAGS = {"demographic", "geographic", "psychographic", "behavioural"}


def demo_roles() -> dict[str, dict]:
    """data.demo.COLUMN_ROLES in the app's stored form: tags become {"role": "feature", "tag": tag}."""
    return {column: {"role": "feature", "tag": value} if value in TAGS else {"role": value}
            for column, value in COLUMN_ROLES.items()}


def blobs_frame(rows: int = 1200, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Four planted clusters in four numbers, a region that follows the cluster 80% of the time, noise and an id."""
    numbers, truth = make_blobs(n_samples=rows, centers=4, n_features=4, cluster_std=1.0, random_state=seed)
    rng = np.random.default_rng(seed)
    levels = np.array(["north", "east", "south", "west"])
    region = np.where(rng.random(rows) < 0.8, levels[truth], rng.choice(levels, rows))
    frame = pd.DataFrame(numbers, columns=["spend", "visits", "tenure", "basket"]).assign(
        region=region, size=rng.choice(["S", "M", "L"], rows), customer_id=[f"C{i:05d}" for i in range(rows)]
    )
    return frame, truth


@pytest.fixture(scope="module")
def demo():
    return generate_demo(rows=3000, seed=1, as_of=date(2026, 6, 30))


@pytest.fixture(scope="module")
def demo_model(demo):
    return Segmenter(column_roles=demo_roles(), random_state=0).fit(demo.customers)


@pytest.fixture(scope="module")
def blobs_model():
    frame, truth = blobs_frame()
    return Segmenter(random_state=0).fit(frame), frame, truth


def test_auto_k_finds_the_four_planted_clusters(blobs_model):
    model, frame, truth = blobs_model
    assert model.k_ == 4
    assert adjusted_rand_score(truth, model.labels_) > 0.9
    assert set(model.silhouette_) == set(model.stability_) == set(range(2, 11))
    assert max(model.selection_score_, key=model.selection_score_.get) == 4
    assert model.excluded_columns_ == {"customer_id": "identifier"}


def test_auto_k_on_the_demo_data_recovers_the_archetypes(demo, demo_model):
    assert 3 <= demo_model.k_ <= 8
    assert adjusted_rand_score(demo.archetype, demo_model.labels_) > 0.3
    assert len(demo_model.labels_) == len(demo.customers)
    assert sorted(set(demo_model.labels_)) == list(range(demo_model.k_))
    sizes = np.bincount(demo_model.labels_)
    assert list(sizes) == sorted(sizes, reverse=True)  # segment 0 is the largest


def test_identifiers_contacts_consent_and_special_categories_are_never_features(demo_model):
    excluded = demo_model.excluded_columns_
    assert excluded["customer_id"] == "identifier"
    assert excluded["email"] == "direct identifier (contact details are never used for segmenting)"
    assert excluded["religion"] == "special category (unspecified) — excluded by default"
    assert excluded["consent_sms"] == "consent flag"
    assert excluded["postcode"] == "too many distinct values (high-cardinality text)"
    sources = {name.split("=")[0].removesuffix(" (days ago)") for name in demo_model.feature_names_}
    assert sources.isdisjoint({"customer_id", "full_name", "email", "phone", "religion", "consent_email", "postcode"})
    assert {"age", "revenue", "lifestyle", "interests", "last_purchase"} <= sources


def test_inferred_roles_name_the_special_category(demo):
    model = Segmenter(random_state=0, k=3).fit(demo.customers.head(600))
    assert model.excluded_columns_["religion"] == "special category (religion) — excluded by default"
    assert "religion" not in model.used_columns_


def test_profiles_describe_every_segment(demo_model, demo):
    profiles = demo_model.profiles_
    assert [profile.label for profile in profiles] == list(range(demo_model.k_))
    assert sum(profile.size for profile in profiles) == len(demo.customers)
    assert len({profile.proposed_name for profile in profiles}) == len(profiles)
    assert all(profile.top_traits for profile in profiles)


def test_same_random_state_gives_the_same_segments(blobs_model):
    model, frame, _ = blobs_model
    again = Segmenter(random_state=0).fit(frame)
    assert np.array_equal(model.labels_, again.labels_)
    assert model.silhouette_ == again.silhouette_
    assert np.allclose(model.cluster_centers_, again.cluster_centers_)


def test_predict_assigns_new_rows_to_the_segments_found():
    frame, truth = blobs_frame(rows=1400, seed=3)
    model = Segmenter(k=4, random_state=0).fit(frame.iloc[:1200])
    assert np.array_equal(model.predict(frame.iloc[:1200]), model.labels_)
    assert adjusted_rand_score(truth[1200:], model.predict(frame.iloc[1200:])) > 0.9
    with pytest.raises(ValueError, match="predict: the table lacks 'spend'"):
        model.predict(frame.drop(columns="spend"))


def test_large_tables_use_mini_batches_and_still_find_the_clusters():
    frame, truth = blobs_frame(rows=1500, seed=1)
    model = Segmenter(k=4, large_data_threshold=1000, sample_size=500, random_state=0).fit(frame)
    assert adjusted_rand_score(truth, model.labels_) > 0.9


def test_encoding_groups_rare_levels_marks_missing_and_splits_multi_values():
    rng = np.random.default_rng(0)
    rows = 1000
    city = rng.choice(["Amsterdam", "Utrecht", "Leiden"], rows).astype(object)
    city[:5] = "Zwolle"  # 0.5%: rarer than rare_level_share
    city[5:60] = None  # 5.5% missing: its own level
    frame = pd.DataFrame({
        "city": city,
        "interests": rng.choice(["gaming;music", "music", "travel;gaming;cooking", "cooking"], rows),
        "last_purchase": pd.Timestamp("2026-01-01") - pd.to_timedelta(rng.integers(0, 400, rows), unit="D"),
        "newsletter": rng.random(rows) < 0.4,
        "revenue": rng.lognormal(5, 1.5, rows),
    })
    roles = {"city": "geographic", "interests": "psychographic", "last_purchase": "behavioural",
             "newsletter": "behavioural", "revenue": "behavioural"}
    model = Segmenter(k=2, column_roles=roles, random_state=0).fit(frame)
    names = model.feature_names_
    assert {"city=Amsterdam", "city=Utrecht", "city=Leiden", "city=missing", "city=other"} <= set(names)
    assert "city=Zwolle" not in names
    assert {"interests=gaming", "interests=music", "interests=travel", "interests=cooking"} <= set(names)
    assert {"last_purchase (days ago)", "newsletter", "revenue"} <= set(names)
    assert model.column_kinds_ == {"city": "category", "interests": "multi", "last_purchase": "date",
                                   "newsletter": "boolean", "revenue": "numeric"}
    encoded = model.preprocessor_.transform(frame)
    gaming = encoded[:, names.index("interests=gaming")]
    assert (gaming[frame["interests"].str.contains("gaming").to_numpy()] > 0).all()
    assert (gaming[~frame["interests"].str.contains("gaming").to_numpy()] == 0).all()


def test_max_levels_caps_the_columns_of_a_category():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"shop": rng.choice([f"shop {i:02d}" for i in range(12)], 3000), "spend": rng.random(3000)})
    model = Segmenter(k=2, max_levels=5, column_roles={"shop": "behavioural", "spend": "behavioural"}).fit(frame)
    shop_columns = [name for name in model.feature_names_ if name.startswith("shop=")]
    assert len(shop_columns) == 5 and "shop=other" in shop_columns


def test_value_checks_exclude_useless_columns_in_plain_words():
    rng = np.random.default_rng(2)
    rows = 400
    notes = np.full(rows, None, dtype=object)
    notes[:12] = "call back"
    frame = pd.DataFrame({
        "spend": rng.random(rows), "visits": rng.integers(0, 9, rows), "shop": "main",
        "notes": notes, "code": [f"X{i:04d}-{i * 7 % 13}" for i in range(rows)],
    })
    model = Segmenter(k=2, column_roles={c: "behavioural" for c in frame.columns}, random_state=0).fit(frame)
    assert model.excluded_columns_ == {
        "shop": "constant",
        "notes": "mostly empty (97% missing)",
        "code": "too many distinct values (high-cardinality text)",
    }
    assert model.used_columns_ == ["spend", "visits"]


@pytest.mark.parametrize("features, message", [
    (["age", "customer_id"], "features: 'customer_id' cannot be used for segmenting: identifier"),
    (["email"], "'email' cannot be used for segmenting: direct identifier (contact details are never used"),
    (["age", "religion"], "'religion' cannot be used for segmenting: special category (unspecified) — excluded by"),
    (["consent_push"], "'consent_push' cannot be used for segmenting: consent flag"),
    (["age", "shoe_size"], "features: 'shoe_size' not in the table"),
    ([], "features=[]: need at least one column"),
])
def test_explicit_features_naming_an_excluded_column_fail_with_the_reason(demo, features, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Segmenter(features=features, column_roles=demo_roles()).fit(demo.customers.head(300))


def test_a_special_category_is_used_only_when_allowed_and_listed(demo):
    roles = demo_roles()
    roles["religion"] = {"role": "special_category", "special_category": "religion"}
    frame = demo.customers.head(500)
    with pytest.raises(ValueError, match=r"'religion' cannot be used for segmenting: special category \(religion\)"):
        Segmenter(features=["age", "religion"], k=2, column_roles=roles).fit(frame)
    allowed = Segmenter(features=["age", "religion"], k=2, column_roles=roles, allowed_special=("religion",)).fit(frame)
    assert allowed.used_columns_ == ["age", "religion"]
    automatic = Segmenter(k=2, column_roles=roles, allowed_special=("religion",)).fit(frame)
    assert "religion" not in automatic.used_columns_  # an allowance never makes automatic selection pick it


@pytest.mark.parametrize("parameters, message", [
    ({"k": 1}, "k=1: need at least 2"),
    ({"k": "many"}, "k='many': need 'auto' or an integer of at least 2"),
    ({"k": 2.5}, "k=2.5: need 'auto' or an integer"),
    ({"k_range": (5, 3)}, r"k_range=\(5, 3\): need \(low, high\) integers with 2 <= low <= high"),
    ({"k_range": (1, 4)}, r"k_range=\(1, 4\)"),
    ({"max_levels": 1}, "max_levels=1: need an integer of at least 2"),
    ({"rare_level_share": 0.7}, "rare_level_share=0.7: need a share between 0 and 0.5"),
    ({"n_stability_seeds": 0}, "n_stability_seeds=0: need an integer of at least 1"),
    ({"allowed_special": "religion"}, r"allowed_special='religion': need a tuple"),
])
def test_bad_parameters_name_what_was_given_and_what_is_expected(parameters, message):
    frame, _ = blobs_frame(rows=100)
    with pytest.raises(ValueError, match=message):
        Segmenter(**parameters).fit(frame)


def test_parameters_are_stored_unchanged():
    features = ["a", "b"]
    model = Segmenter(features=features, k=3, k_range=(3, 5), random_state=7)
    assert model.get_params()["features"] is features
    assert (model.k, model.k_range, model.random_state, model.allowed_special) == (3, (3, 5), 7, ())


def test_empty_tables_and_tables_without_usable_columns_fail_clearly():
    with pytest.raises(ValueError, match=r"fit: the table is empty \(0 rows, 2 columns\)"):
        Segmenter().fit(pd.DataFrame({"a": [], "b": []}))
    with pytest.raises(TypeError, match="fit: need a pandas DataFrame, got list"):
        Segmenter().fit([[1, 2], [3, 4]])
    only_ids = pd.DataFrame({"customer_id": ["A1", "A2", "A3"], "email": ["a@x.nl", "b@x.nl", "c@x.nl"]})
    with pytest.raises(ValueError) as caught:
        Segmenter(column_roles={"customer_id": "id", "email": "direct_identifier"}).fit(only_ids)
    assert str(caught.value) == (
        "no usable features: every column was excluded (customer_id: identifier, "
        "email: direct identifier (contact details are never used for segmenting))"
    )


def test_fewer_distinct_rows_than_k_warns_and_uses_what_there_is():
    frame = pd.DataFrame({"spend": [1.0, 5.0, 9.0, 1.0, 5.0], "visits": [1, 2, 3, 1, 2]})
    with pytest.warns(UserWarning, match="k=5 but the table has only 3 distinct rows .*: using k=3"):
        model = Segmenter(k=5, column_roles={"spend": "behavioural", "visits": "behavioural"}).fit(frame)
    assert model.k_ == 3
    assert model.labels_[0] == model.labels_[3] and model.labels_[1] == model.labels_[4]


def test_all_constant_features_warn_and_form_one_segment():
    frame = pd.DataFrame({"spend": [3.0] * 50, "shop": ["main"] * 50})
    with pytest.warns(UserWarning, match="every row looks the same on the features used"):
        model = Segmenter(features=["spend", "shop"], column_roles={"spend": "behavioural", "shop": "geographic"}).fit(
            frame
        )
    assert model.k_ == 1 and set(model.labels_) == {0}
    assert model.predict(frame).tolist() == [0] * 50


@pytest.mark.parametrize("form", ["strings", "dicts", "objects", "stored"])
def test_column_roles_are_accepted_in_every_form_the_app_uses(form, demo):
    frame = demo.customers.head(200)
    inferred = infer_column_roles(frame)
    given = {
        "strings": {"customer_id": "id", "age": "demographic"},
        "dicts": {"customer_id": {"role": "id"}, "age": {"role": "feature", "tag": "demographic"}},
        "objects": inferred,
        "stored": {"version": 1, "columns": [vars(role) for role in inferred]},
    }[form]
    roles = resolve_column_roles(frame, given)
    assert set(roles) == set(frame.columns)
    assert roles["customer_id"].role == "id"
    assert roles["religion"].role == "special_category"


def test_an_unknown_role_is_refused_with_the_choices():
    frame = pd.DataFrame({"a": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"column_roles\['a'\]: unknown role 'featur'; need one of id, "):
        resolve_column_roles(frame, {"a": {"role": "featur"}})
