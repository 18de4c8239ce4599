"""Segmentation templates: which ones the data can fill, and the concrete, data-driven rules they produce."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import asdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from data.demo import COLUMN_ROLES, generate_demo
from segmentation.rules import RuleSegment
from segmentation.schema import infer_column_roles
from segmentation.templates import TEMPLATES, Template, TemplateError, available_templates, instantiate
from store.db import create_store_engine
from tests.conftest import BACKENDS, skip_or_fail

AS_OF = date(2026, 6, 30)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CUSTOMERS = generate_demo(rows=2000, seed=1, as_of=AS_OF).customers
ALL_IDS = [template.id for template in TEMPLATES]


def members(definition: dict, frame: pd.DataFrame = CUSTOMERS) -> pd.Series:
    return RuleSegment(definition).mask(frame, as_of=AS_OF)


def segments(template_id: str, roles=COLUMN_ROLES, frame: pd.DataFrame = CUSTOMERS) -> dict[str, dict]:
    return dict(instantiate(template_id, roles, frame, AS_OF))


def test_templates_cover_the_four_segmentation_types_and_are_frozen():
    assert {template.segmentation_type for template in TEMPLATES} == {
        "demographic", "geographic", "psychographic", "behavioural"}
    assert len(set(ALL_IDS)) == len(ALL_IDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        TEMPLATES[0].name = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "roles",
    [
        COLUMN_ROLES,
        {role.column: {key: value for key, value in asdict(role).items() if key != "column"}
         for role in infer_column_roles(CUSTOMERS)},
        infer_column_roles(CUSTOMERS),
        None,
    ],
    ids=["generator roles", "stored roles", "ColumnRole list", "names only"],
)
def test_demo_data_fills_every_template(roles):
    available = available_templates(roles, CUSTOMERS)
    assert all(isinstance(template, Template) for template in available)
    assert [template.id for template in available] == ALL_IDS


def test_young_urban_professionals_uses_data_driven_cities_and_income_bands():
    definition = segments("young_urban_professionals")["Young urban professionals"]
    age, city, income = definition["all"]
    assert age == {"column": "age", "op": "between", "value": [25, 40]}
    assert city["column"] == "city" and city["op"] == "in"
    assert city["value"] == CUSTOMERS["city"].value_counts().index[:10].tolist()
    assert income == {"column": "income_band", "op": "in", "value": ["40-60k", "60-80k", "80-100k", ">100k"]}
    chosen = CUSTOMERS[members(definition)]
    assert len(chosen) > 100
    assert chosen["age"].between(25, 40).all()
    assert chosen["city"].isin(city["value"]).all()


def test_urbanisation_column_is_preferred_over_cities():
    frame = CUSTOMERS.assign(stedelijkheid=np.where(CUSTOMERS["city"].isin(["Amsterdam", "Berlin"]), "Urban", "Rural"))
    definition = segments("young_urban_professionals", None, frame)["Young urban professionals"]
    assert definition["all"][1] == {"column": "stedelijkheid", "op": "in", "value": ["Urban"]}


def test_numeric_income_uses_the_median():
    frame = CUSTOMERS.assign(income=np.arange(len(CUSTOMERS)) * 100.0).drop(columns="income_band")
    definition = segments("young_urban_professionals", None, frame)["Young urban professionals"]
    assert definition["all"][2] == {"column": "income", "op": ">=", "value": 99950}


def test_usage_rate_thresholds_come_from_quantiles_and_partition_the_customers():
    found = segments("usage_rate")
    median = int(CUSTOMERS["order_count"].quantile(0.5, interpolation="lower"))
    high = int(CUSTOMERS["order_count"].quantile(0.8, interpolation="lower"))
    assert list(found) == [f"Light users (≤ {median} orders)", f"Medium users ({median + 1}–{high} orders)",
                           f"Heavy users (> {high} orders)"]
    masks = pd.concat([members(definition) for definition in found.values()], axis=1)
    assert (masks.sum(axis=1) == 1).all()
    heavy = CUSTOMERS.loc[masks.iloc[:, 2], "order_count"]
    assert heavy.min() == high + 1
    assert 0.1 < len(heavy) / len(CUSTOMERS) < 0.3


def test_usage_rate_with_heavy_ties_keeps_two_groups_or_refuses():
    ties = CUSTOMERS.assign(order_count=np.where(np.arange(len(CUSTOMERS)) < 1700, 1, 5))
    assert list(segments("usage_rate", frame=ties)) == ["Light users (≤ 1 orders)", "Heavy users (> 1 orders)"]
    with pytest.raises(TemplateError, match="too few different order counts"):
        instantiate("usage_rate", COLUMN_ROLES, CUSTOMERS.assign(order_count=3), AS_OF)


def test_customer_lifecycle_partitions_customers_with_a_data_driven_window():
    found = segments("customer_lifecycle")
    names = list(found)
    assert names[0] == "New (first purchase ≤ 90 days ago)"
    assert names[-1] == "No purchase yet"
    window = int(names[1].split("last ")[1].split(" days")[0])
    assert 90 <= window <= 730 and window % 30 == 0
    masks = pd.concat([members(definition) for definition in found.values()], axis=1)
    assert (masks.sum(axis=1) == 1).all()
    lapsed = CUSTOMERS.loc[masks.iloc[:, 2], "last_purchase"]
    assert (lapsed < pd.Timestamp(AS_OF) - pd.Timedelta(days=window)).all()


def test_loyalty_tiers_come_lowest_first():
    assert list(segments("loyalty_tier")) == [f"Loyalty tier: {tier}" for tier in ("bronze", "silver", "gold",
                                                                                     "platinum")]


def test_value_templates_use_common_values_and_tokens():
    regions = segments("region")
    assert len(regions) == 8
    assert next(iter(regions)) == f"Region: {CUSTOMERS['region'].value_counts().index[0]}"
    interests = segments("benefits_sought")
    top = CUSTOMERS["interests"].str.lower().str.split(";").explode().value_counts().index[0]
    assert interests[f"Interested in {top}"] == {"column": "interests", "op": "contains", "value": top}
    lifestyle = segments("values_lifestyle")
    assert any(name.startswith("Lifestyle: ") for name in lifestyle)
    assert any(name.startswith("Values: ") for name in lifestyle)


def test_business_buyers_and_consumers():
    found = segments("business_buyers")
    assert found == {
        "Business buyers": {"column": "customer_type", "op": "in", "value": ["business"]},
        "Consumers": {"column": "customer_type", "op": "not_in", "value": ["business"]},
    }
    dutch = pd.DataFrame({"klanttype": ["zakelijk", "particulier", "particulier", None]})
    assert segments("business_buyers", None, dutch)["Business buyers"]["value"] == ["zakelijk"]


def test_country_is_used_when_there_is_no_region():
    found = segments("region", frame=CUSTOMERS.drop(columns="region"))
    assert set(found) == {f"Country: {code}" for code in ("NL", "DE", "FR", "GB", "BE")}


DUTCH = {"age": "leeftijd", "city": "stad", "region": "regio", "order_count": "bestellingen",
         "last_purchase": "laatste_aankoop", "first_purchase": "eerste_aankoop", "interests": "interesses"}
GERMAN = {"age": "Alter", "city": "Stadt", "region": "Region", "order_count": "Bestellungen",
          "last_purchase": "letzter_kauf", "first_purchase": "erster_kauf", "interests": "Interessen"}


@pytest.mark.parametrize("names", [DUTCH, GERMAN], ids=["Dutch", "German"])
def test_dutch_and_german_column_names_are_found(names):
    frame = CUSTOMERS[list(names)].rename(columns=names)
    available = {template.id for template in available_templates(None, frame)}
    assert available == {"young_urban_professionals", "age_groups", "region", "usage_rate", "customer_lifecycle",
                         "benefits_sought"}
    used = set()
    for template_id in available:
        for _name, definition in instantiate(template_id, None, frame, AS_OF):
            used |= RuleSegment(definition).columns_used()
    assert used == set(names.values())


def test_dates_as_iso_text_are_found_and_evaluated():
    frame = CUSTOMERS.assign(last_purchase=CUSTOMERS["last_purchase"].dt.strftime("%Y-%m-%d"))
    as_text = segments("customer_lifecycle", frame=frame)
    as_dates = segments("customer_lifecycle")
    assert as_text == as_dates
    for definition in as_text.values():
        assert members(definition, frame).equals(members(definition))


@pytest.mark.parametrize(
    ("roles", "missing"),
    [
        ({"age": "special_category"}, {"young_urban_professionals", "age_groups"}),
        ({"age": {"role": "direct_identifier", "tag": None}}, {"young_urban_professionals", "age_groups"}),
        ({"city": "behavioural"}, {"young_urban_professionals"}),  # tagged as not geographic: no "urban" left
        ({"interests": "consent"}, {"benefits_sought"}),
        ({"customer_type": {"role": "ignore"}}, {"business_buyers"}),
    ],
)
def test_refused_roles_and_other_tags_keep_columns_out(roles, missing):
    available = {template.id for template in available_templates(roles, CUSTOMERS)}
    assert available == set(ALL_IDS) - missing


def test_segments_without_members_at_as_of_are_left_out():
    adults = CUSTOMERS[CUSTOMERS["age"] >= 18]
    names = list(segments("age_groups", frame=adults))
    assert names == ["Age 18–24", "Age 25–34", "Age 35–49", "Age 50–64", "Age 65+"]
    assert "Age under 18" in segments("age_groups")


@pytest.mark.parametrize(
    ("template_id", "frame", "message"),
    [
        ("rfm", CUSTOMERS, r"Unknown template 'rfm'; choose one of young_urban_professionals, age_groups"),
        ("age_groups", CUSTOMERS.drop(columns="age"),
         r"Template 'Age groups' needs a column for age \(for example age, leeftijd, Alter\); none was found"),
        ("region", CUSTOMERS.drop(columns=["region", "country"]),
         r"needs a column for region or country \(for example region, regio, Bundesland, country, land, Land\)"),
        ("business_buyers", CUSTOMERS.assign(customer_type="private"), r"No value of 'customer_type' reads as a "
                                                                        r"business customer"),
    ],
)
def test_template_errors_say_what_is_missing(template_id, frame, message):
    with pytest.raises(TemplateError, match=message):
        instantiate(template_id, None, frame, AS_OF)


@pytest.fixture(params=BACKENDS)
def customers_table(request: pytest.FixtureRequest):
    """The demo customers written with ``DataFrame.to_sql`` to SQLite and, when configured, PostgreSQL."""
    if request.param == "sqlite":
        engine = create_store_engine("sqlite://")
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL template tests run in CI)")
        engine = create_store_engine(url)
    name = f"template_customers_{os.getpid()}"
    CUSTOMERS.to_sql(name, engine, index=False, if_exists="replace")
    table = sa.Table(name, sa.MetaData(), autoload_with=engine)
    yield engine, table
    with engine.begin() as connection:
        table.drop(connection)
    engine.dispose()


def test_every_template_segment_gives_the_same_members_in_sql(customers_table):
    engine, table = customers_table
    with engine.connect() as connection:
        for template in TEMPLATES:
            for name, definition in instantiate(template.id, COLUMN_ROLES, CUSTOMERS, AS_OF):
                rule = RuleSegment(definition, name=name)
                query = sa.select(table.c.customer_id).where(rule.to_sql(table, as_of=AS_OF))
                in_sql = set(connection.execute(query).scalars())
                in_pandas = set(CUSTOMERS.loc[rule.mask(CUSTOMERS, as_of=AS_OF), "customer_id"])
                assert in_sql == in_pandas, name


@pytest.mark.shared_data
def test_bank_marketing_data_offers_age_groups_only():
    path = SHARED_DATA / "bank-full.csv"
    if not path.exists():
        pytest.skip("../shared/data is absent: bank-full.csv is needed for this real-data test")
    bank = pd.read_csv(path, sep=";")
    assert [template.id for template in available_templates(infer_column_roles(bank), bank)] == ["age_groups"]
    groups = instantiate("age_groups", infer_column_roles(bank), bank, AS_OF)
    counts = [int(members(definition, bank).sum()) for _name, definition in groups]
    assert sum(counts) == len(bank) == 45_211
    assert "Age under 18" not in dict(groups)
