"""Proxy-discrimination check: Cramér's V between membership and special categories a segment does not use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import association

from segmentation.fairness import OTHER_LEVEL, cramers_v, proxy_check


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    """4,000 customers; religion depends strongly on region, loyalty tier does not depend on anything."""
    rng = np.random.default_rng(1)
    rows = 4000
    region = rng.choice(["north", "south"], rows)
    religion = np.where(region == "north", rng.choice(["Islam", "Christianity", "None"], rows, p=[0.8, 0.1, 0.1]),
                        rng.choice(["Islam", "Christianity", "None"], rows, p=[0.1, 0.5, 0.4]))
    return pd.DataFrame({"region": region, "religion": religion, "tier": rng.choice(["gold", "silver"], rows)})


@pytest.mark.parametrize("table", [
    [[3000, 1000, 500], [500, 2500, 2500]],
    [[10, 20], [30, 40]],
    [[120, 30, 50, 9], [80, 70, 20, 11], [5, 60, 40, 30]],
])
def test_uncorrected_cramers_v_equals_scipy(table):
    table = np.array(table)
    assert cramers_v(table, bias_correction=False) == pytest.approx(association(table, method="cramer"))
    assert cramers_v(table) <= cramers_v(table, bias_correction=False)


def test_the_bias_correction_removes_chance_association():
    rng = np.random.default_rng(0)
    tables = [rng.multinomial(200, [1 / 12] * 12).reshape(2, 6) for _ in range(50)]  # chance only, many levels
    raw = np.mean([cramers_v(table, bias_correction=False) for table in tables])
    corrected = np.mean([cramers_v(table) for table in tables])
    assert raw > 0.1 and corrected < raw / 2
    assert cramers_v(np.array([[50, 50], [50, 50]])) == 0.0
    assert cramers_v(np.array([[50, 0], [0, 50]])) == pytest.approx(1.0, abs=0.02)
    assert cramers_v(np.array([[10, 20, 0]])) == 0.0  # one row: nothing to associate


def test_a_region_segment_that_selects_by_religion_is_flagged(base):
    membership = pd.Series(base["region"] == "north", name="North campaign")
    warnings = proxy_check(membership, base[["religion"]])
    assert len(warnings) == 1
    warning = warnings[0]
    expected = cramers_v(pd.crosstab(membership, base["religion"]).to_numpy())
    assert warning.cramers_v == pytest.approx(expected) and warning.cramers_v > 0.5
    assert (warning.segment, warning.column, warning.category, warning.over_represented) == (
        "North campaign", "religion", "religion", "Islam")
    assert warning.share_in_segment == pytest.approx((base.loc[membership, "religion"] == "Islam").mean())
    assert warning.share_overall == pytest.approx((base["religion"] == "Islam").mean())
    assert warning.message.startswith(
        f"possible proxy discrimination: membership of 'North campaign' is strongly associated with religion "
        f"(Cramér's V = {warning.cramers_v:.2f}); 'Islam' makes up {warning.share_in_segment:.0%} of the segment vs "
        f"{warning.share_overall:.0%} overall"
    )


def test_an_unrelated_segment_gets_no_warning(base):
    assert proxy_check(pd.Series(base["tier"] == "gold"), base[["religion"]]) == []


def test_columns_the_segment_uses_are_not_checked(base):
    membership = pd.Series(base["region"] == "north")
    assert proxy_check(membership, base[["religion"]], used_columns={"religion"}) == []


def test_cluster_labels_are_checked_segment_by_segment(base):
    by_region = np.where(base["region"] == "north", 0, 1)
    warnings = {warning.segment: warning for warning in proxy_check(by_region, base[["religion"]])}
    assert set(warnings) == {"segment 0", "segment 1"}
    assert warnings["segment 0"].over_represented == "Islam"
    assert warnings["segment 1"].over_represented in {"Christianity", "None"}
    by_tier = np.where(base["tier"] == "gold", 0, 1)
    assert proxy_check(by_tier, base[["religion"]]) == []


def test_missing_values_are_a_level_of_their_own():
    religion = pd.Series(["Christianity", "None"] * 400 + [None] * 200)
    membership = pd.Series([False] * 800 + [True] * 200)
    warnings = proxy_check(membership, pd.DataFrame({"geloof": religion}), categories={"geloof": "religion"})
    assert warnings[0].over_represented == "(missing)" and warnings[0].category == "religion"
    assert "strongly associated with religion" in warnings[0].message


def test_small_segments_and_rare_levels_cannot_drive_a_warning():
    religion = pd.Series(["A"] * 500 + ["B"] * 480 + ["C"] * 20)
    tiny = pd.Series([False] * 980 + [True] * 20)  # exactly the 20 people of religion C
    assert proxy_check(tiny, pd.DataFrame({"religion": religion})) == []  # fewer than min_count members
    warned = proxy_check(tiny, pd.DataFrame({"religion": religion}), min_count=10)
    assert warned[0].over_represented == "C"
    pooled = proxy_check(pd.Series([False] * 940 + [True] * 60), pd.DataFrame({"religion": religion}))
    assert pooled[0].over_represented == OTHER_LEVEL  # C has fewer than 30 people: pooled, never named


@pytest.mark.parametrize("arguments, message", [
    ({"threshold": 1.2}, "threshold=1.2: need a value between 0 and 1"),
    ({"min_count": 0}, "min_count=0: need a whole number of at least 1"),
])
def test_bad_arguments_are_refused(base, arguments, message):
    with pytest.raises(ValueError, match=message):
        proxy_check(pd.Series(base["region"] == "north"), base[["religion"]], **arguments)


def test_membership_must_match_the_rows(base):
    with pytest.raises(ValueError, match="membership: 3 values for 4000 rows"):
        proxy_check(pd.Series([True, False, True]), base[["religion"]])
