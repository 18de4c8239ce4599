"""Tests for the demo-data generator (data.demo): determinism, structure, realism, consistency, CLI."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS as POSTGRESQL_RESERVED_WORDS
from sqlalchemy.dialects.sqlite.base import SQLiteIdentifierPreparer

from data import demo
from data.demo import (
    ARCHETYPE_NAMES,
    COLUMN_ROLES,
    INCOME_BANDS,
    LOYALTY_TIERS,
    TRANSACTION_COLUMN_ROLES,
    InvalidDemoParameter,
    generate_demo,
)
from data.names import PRODUCT_CATEGORIES

REPO_ROOT = Path(__file__).resolve().parents[1]
AS_OF = datetime.date(2025, 6, 30)
AS_OF_TS = pd.Timestamp(AS_OF)
ROWS = 5000
# RFC 2606 reserves example.com, .net and .org and every subdomain of them; example.nl etc. are registrable.
RESERVED_DOMAIN = r"(?:[a-z0-9-]+\.)*example\.(?:com|net|org)"
COUNTRY_SUBDOMAIN = {"NL": "nl", "BE": "be", "DE": "de", "FR": "fr", "GB": "uk"}
STRING_COLUMNS = [
    "customer_id", "full_name", "email", "phone", "gender", "income_band", "postcode", "city", "region", "country",
    "language", "customer_type", "lifestyle", "personal_values", "interests", "loyalty_tier", "preferred_channel",
    "religion",
]
DATE_COLUMNS = ["birth_date", "signup_date", "first_purchase", "last_purchase"]
CONSENT_COLUMNS = ["consent_email", "consent_sms", "consent_push"]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for CLI output (tmp_path itself also holds the shared conftest's data folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def noisy() -> demo.DemoData:
    return generate_demo(ROWS, seed=7, as_of=AS_OF)


@pytest.fixture(scope="module")
def clean() -> demo.DemoData:
    return generate_demo(ROWS, seed=7, as_of=AS_OF, quality_issues=False)


def assert_same(left: demo.DemoData, right: demo.DemoData) -> None:
    pd.testing.assert_frame_equal(left.customers, right.customers)
    pd.testing.assert_frame_equal(left.transactions, right.transactions)
    pd.testing.assert_frame_equal(left.consent, right.consent)
    pd.testing.assert_series_equal(left.archetype, right.archetype)


# ---------------------------------------------------------------- determinism and flags
def test_same_arguments_give_identical_frames():
    assert_same(generate_demo(1500, seed=3, as_of=AS_OF), generate_demo(1500, seed=3, as_of=AS_OF))


def test_different_seed_gives_different_frames():
    first, second = generate_demo(1500, seed=3, as_of=AS_OF), generate_demo(1500, seed=4, as_of=AS_OF)
    assert not first.customers.equals(second.customers)
    assert (first.customers["full_name"] != second.customers["full_name"]).mean() > 0.9
    assert not first.transactions.equals(second.transactions)


def test_without_transactions_the_table_is_empty_and_summaries_unchanged(clean):
    data = generate_demo(ROWS, seed=7, as_of=AS_OF, quality_issues=False, transactions=False)
    assert data.transactions.empty
    pd.testing.assert_series_equal(data.transactions.dtypes, clean.transactions.dtypes)
    pd.testing.assert_frame_equal(data.customers, clean.customers)
    pd.testing.assert_frame_equal(data.consent, clean.consent)


def test_quality_issues_leave_behaviour_and_consent_untouched(noisy, clean):
    untouched = ["customer_id", "loyalty_tier", "signup_date", "first_purchase", "last_purchase", "order_count",
                 "revenue", *CONSENT_COLUMNS]
    pd.testing.assert_frame_equal(noisy.customers[untouched], clean.customers[untouched])
    pd.testing.assert_frame_equal(noisy.transactions, clean.transactions)
    pd.testing.assert_frame_equal(noisy.consent, clean.consent)


def test_one_row_works():
    data = generate_demo(1, seed=0, as_of=AS_OF)
    assert len(data.customers) == 1
    assert data.customers["customer_id"].tolist() == ["C0000001"]
    assert len(data.transactions) == data.customers["order_count"].iloc[0]


def test_as_of_defaults_to_today():
    data = generate_demo(200, seed=1, quality_issues=False)
    assert data.customers["last_purchase"].max() < pd.Timestamp(datetime.date.today())
    assert data.customers["signup_date"].max() < pd.Timestamp(datetime.date.today())


# ---------------------------------------------------------------- structure
def test_columns_and_dtypes(clean):
    customers = clean.customers
    assert list(customers.columns) == list(COLUMN_ROLES)
    assert len(customers) == ROWS
    for column in STRING_COLUMNS:
        assert pd.api.types.is_string_dtype(customers[column]), column
    for column in DATE_COLUMNS:
        assert pd.api.types.is_datetime64_any_dtype(customers[column]), column
    assert customers["age"].dtype == np.int64
    assert customers["order_count"].dtype == np.int64
    assert customers["revenue"].dtype == np.float64
    assert all(customers[column].dtype == bool for column in CONSENT_COLUMNS)
    assert list(clean.transactions.columns) == list(TRANSACTION_COLUMN_ROLES)
    assert list(clean.consent.columns) == ["customer_id", "channel", "purpose", "status", "recorded_at", "source"]
    assert pd.api.types.is_datetime64_any_dtype(clean.consent["recorded_at"])


def test_no_column_name_clashes_with_a_dataframe_attribute_or_sql_keyword(clean):
    columns = {*clean.customers.columns, *clean.transactions.columns, *clean.consent.columns}
    assert "personal_values" in columns
    assert not columns & set(dir(pd.DataFrame)), "frame.<column> must reach the column, not a DataFrame attribute"
    sql_keywords = SQLiteIdentifierPreparer.reserved_words | POSTGRESQL_RESERVED_WORDS
    assert not columns & sql_keywords, "a column named like a keyword needs quoting in every SQL statement"


def test_customer_ids_are_sequential_and_unique(clean):
    ids = clean.customers["customer_id"]
    assert ids.iloc[0] == "C0000001" and ids.iloc[-1] == f"C{ROWS:07d}"
    assert ids.is_unique


def test_column_roles_cover_the_privacy_categories():
    allowed = {"id", "direct_identifier", "quasi_identifier", "special_category", "consent", "demographic",
               "geographic", "psychographic", "behavioural"}
    assert set(COLUMN_ROLES.values()) == allowed
    assert COLUMN_ROLES["religion"] == "special_category"
    assert {c for c, role in COLUMN_ROLES.items() if role == "direct_identifier"} == {"full_name", "email", "phone"}
    assert {c for c, role in COLUMN_ROLES.items() if role == "consent"} == set(CONSENT_COLUMNS)
    assert {c for c, role in COLUMN_ROLES.items() if role == "quasi_identifier"} == {"birth_date", "postcode"}
    assert COLUMN_ROLES["age"] == "demographic", "age is the main segmentation variable, so a feature"
    assert TRANSACTION_COLUMN_ROLES == {
        "customer_id": "id", "order_id": "id", "order_date": "transaction_date", "amount": "transaction_amount",
        "product_category": "behavioural",
    }


def test_archetype_is_hidden_but_available(clean):
    assert "archetype" not in clean.customers.columns
    assert len(clean.archetype) == ROWS
    assert set(clean.archetype) == set(ARCHETYPE_NAMES)
    assert 5 <= len(ARCHETYPE_NAMES) <= 6


# ---------------------------------------------------------------- value ranges and formats
def test_ages_lie_between_16_and_100_and_match_birth_dates(clean):
    customers = clean.customers
    assert customers["age"].between(16, 100).all()
    assert (customers["age"] < 18).any(), "some minors keep segment-aware rules meaningful"
    expected = customers["birth_date"].apply(
        lambda born: AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))
    )
    assert (customers["age"] == expected).all()


def test_every_date_is_before_as_of_and_in_order(noisy):
    customers = noisy.customers
    for column in DATE_COLUMNS:
        assert (customers[column].dropna() < AS_OF_TS).all(), column
    buyers = customers[customers["order_count"] > 0]
    assert (buyers["signup_date"] <= buyers["first_purchase"]).all()
    assert (buyers["first_purchase"] <= buyers["last_purchase"]).all()
    assert (noisy.transactions["order_date"] < AS_OF_TS).all()
    assert (noisy.consent["recorded_at"] < AS_OF_TS).all()


@pytest.mark.parametrize(
    ("country", "postcode_pattern", "phone_pattern"),
    [
        ("NL", r"\d{4} [A-Z]{2}", r"\+31 6 \d{8}"),
        ("BE", r"\d{4}", r"\+32 4\d{2} \d{2} \d{2} \d{2}"),
        ("DE", r"\d{5}", r"\+49 15\d \d{8}"),
        ("FR", r"\d{5}", r"\+33 6 \d{2} \d{2} \d{2} \d{2}"),
        ("GB", r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", r"\+44 7\d{3} \d{6}"),
    ],
)
def test_postcodes_and_phones_follow_their_country_format(clean, country, postcode_pattern, phone_pattern):
    rows = clean.customers[clean.customers["country"] == country]
    assert len(rows) > 100
    assert rows["postcode"].str.fullmatch(postcode_pattern).all()
    assert rows["phone"].str.fullmatch(phone_pattern).all()


@pytest.mark.parametrize("fixture", ["clean", "noisy"])
def test_emails_use_only_reserved_domains(request, fixture):
    emails = request.getfixturevalue(fixture).customers["email"].str.strip().str.lower()
    assert emails.str.fullmatch(r"[a-z0-9._]+@[a-z.]+").all()
    domains = emails.str.split("@").str[1]
    assert domains.str.fullmatch(RESERVED_DOMAIN).all(), sorted(set(domains[~domains.str.fullmatch(RESERVED_DOMAIN)]))


@pytest.mark.parametrize("fixture", ["clean", "noisy"])
def test_email_subdomain_shows_the_customers_country(request, fixture):
    customers = request.getfixturevalue(fixture).customers
    domains = customers["email"].str.lower().str.split("@").str[1]
    subdomain = domains.str.extract(r"^([a-z]+)\.example\.", expand=False)
    on_country_domain = subdomain.notna()
    assert 0.5 < on_country_domain.mean() < 0.9, "most addresses sit on a national domain, the rest on a global one"
    expected = customers.loc[on_country_domain, "country"].map(COUNTRY_SUBDOMAIN)
    assert (subdomain[on_country_domain] == expected).all()
    assert set(subdomain.dropna()) == set(COUNTRY_SUBDOMAIN.values())
    assert set(domains[~on_country_domain]) == {"example.com"}


@pytest.mark.parametrize(
    ("column", "allowed"),
    [
        ("gender", {"female", "male", "non-binary"}),
        ("income_band", set(INCOME_BANDS)),
        ("country", {"NL", "BE", "DE", "FR", "GB"}),
        ("language", {"nl", "de", "en", "fr"}),
        ("customer_type", {"consumer", "business"}),
        ("loyalty_tier", set(LOYALTY_TIERS)),
        ("preferred_channel", {"email", "sms", "push", "post"}),
        ("religion", {"Islam", "Christianity", "Judaism", "Hinduism", "None", "Prefer not to say"}),
    ],
)
def test_label_columns_use_their_full_value_set(clean, column, allowed):
    assert set(clean.customers[column]) == allowed


def test_interests_are_one_to_three_distinct_labels(clean):
    interests = clean.customers["interests"].str.split(";")
    sizes = interests.str.len()
    assert sizes.between(1, 3).all() and set(sizes) == {1, 2, 3}
    assert (interests.apply(lambda items: len(set(items))) == sizes).all()


def test_revenue_has_two_decimals(clean):
    revenue = clean.customers["revenue"]
    assert np.allclose(revenue, revenue.round(2), atol=1e-9)
    assert ((revenue == 0) == (clean.customers["order_count"] == 0)).all()


# ---------------------------------------------------------------- built-in structure (segments to find)
def test_behaviour_differs_strongly_between_archetypes(clean):
    by_archetype = clean.customers.groupby(clean.archetype)[["revenue", "order_count", "age"]].mean()
    assert by_archetype["revenue"].max() > 20 * by_archetype["revenue"].min()
    assert by_archetype["order_count"].max() > 5 * by_archetype["order_count"].min()
    assert by_archetype.loc["affluent seniors", "age"] - by_archetype.loc["students", "age"] > 40
    business_share = (clean.customers["customer_type"] == "business").groupby(clean.archetype).mean()
    assert business_share["small-business buyers"] > 0.8 > 0.05 > business_share.drop("small-business buyers").max()


def test_age_differs_by_lifestyle(clean):
    age = clean.customers.groupby("lifestyle")["age"].mean()
    assert age["active retiree"] - age["student"] > 35


def test_clustering_recovers_the_archetypes(clean):
    customers = clean.customers
    features = np.column_stack(
        [
            customers["age"],
            np.log1p(customers["revenue"]),
            np.log1p(customers["order_count"]),
            customers["income_band"].map({band: i for i, band in enumerate(INCOME_BANDS)}),
            customers["customer_type"] == "business",
        ]
    )
    labels = KMeans(6, n_init=4, random_state=0).fit_predict(StandardScaler().fit_transform(features))
    assert adjusted_rand_score(clean.archetype, labels) > 0.3


def test_rule_segments_new_active_lapsed_and_heavy_buyers_exist(clean):
    customers = clean.customers
    recency = (AS_OF_TS - customers["last_purchase"]).dt.days
    tenure = (AS_OF_TS - customers["signup_date"]).dt.days
    assert (tenure < 90).mean() > 0.03  # new
    assert (recency <= 90).mean() > 0.3  # active
    assert (recency > 365).mean() > 0.1  # lapsed
    assert (customers["order_count"] == 0).mean() > 0.01  # registered, never bought
    counts = customers["order_count"]
    assert counts.quantile(0.9) >= 4 * max(counts.median(), 1)


def test_religion_is_weakly_linked_to_region(clean):
    customers = clean.customers
    large_regions = customers["region"].value_counts().loc[lambda counts: counts >= 100].index
    shares = pd.crosstab(customers["region"], customers["religion"], normalize="index").loc[large_regions]
    spread = shares.max() - shares.min()
    assert spread["Christianity"] > 0.1
    assert spread.max() < 0.5  # weak, not deterministic


# ---------------------------------------------------------------- transactions and consent consistency
def test_transactions_agree_with_purchase_summaries(clean):
    customers = clean.customers.set_index("customer_id")
    per_customer = clean.transactions.groupby("customer_id").agg(
        orders=("order_id", "size"), total=("amount", "sum"), first=("order_date", "min"), last=("order_date", "max")
    )
    buyers = customers[customers["order_count"] > 0]
    assert set(per_customer.index) == set(buyers.index)
    per_customer = per_customer.loc[buyers.index]
    assert (per_customer["orders"] == buyers["order_count"]).all()
    assert np.allclose(per_customer["total"], buyers["revenue"], atol=0.01, rtol=0)
    assert (per_customer["first"] == buyers["first_purchase"]).all()
    assert (per_customer["last"] == buyers["last_purchase"]).all()
    non_buyers = customers[customers["order_count"] == 0]
    assert non_buyers[["first_purchase", "last_purchase"]].isna().all().all()


def test_transaction_rows_are_valid(clean):
    transactions = clean.transactions
    assert transactions["order_id"].is_unique
    assert (transactions["amount"] >= 1.0).all()
    assert transactions.groupby("customer_id")["order_date"].apply(lambda dates: dates.is_monotonic_increasing).all()
    assert set(transactions["product_category"]) <= set(PRODUCT_CATEGORIES)
    # Order ids follow the calendar.
    by_id = transactions.sort_values("order_id")
    assert by_id["order_date"].is_monotonic_increasing


def test_latest_marketing_consent_event_matches_the_consent_columns(clean):
    marketing = clean.consent[clean.consent["purpose"] == "marketing"]
    latest = marketing.sort_values("recorded_at").groupby(["customer_id", "channel"])["status"].last()
    for channel in ("email", "sms", "push"):
        status = latest.xs(channel, level="channel").reindex(clean.customers["customer_id"])
        expected = clean.customers[f"consent_{channel}"].to_numpy()
        assert ((status == "granted").to_numpy() == expected).all(), channel


def test_consent_ledger_has_realistic_histories(clean):
    consent = clean.consent
    assert set(consent["channel"]) == {"email", "sms", "push"}
    assert set(consent["purpose"]) == {"marketing", "newsletter"}
    assert set(consent["status"]) == {"granted", "withdrawn"}
    assert set(consent["source"]) == {"signup form", "preference centre", "import"}
    assert set(consent.loc[consent["purpose"] == "newsletter", "channel"]) == {"email"}
    keys = ["customer_id", "channel", "purpose"]
    histories = consent.groupby(keys)["status"].agg(lambda statuses: ",".join(statuses))
    assert (histories == "granted,withdrawn").sum() > 50
    assert (histories == "granted,withdrawn,granted").sum() > 20
    assert not histories.str.startswith("withdrawn").any()
    # Events of one customer, channel and purpose are strictly ordered in time, so "latest" is unambiguous.
    in_order = consent.groupby(keys)["recorded_at"].apply(lambda at: at.is_monotonic_increasing and at.is_unique)
    assert in_order.all()


# ---------------------------------------------------------------- quality issues
def test_clean_data_has_no_noise(clean):
    customers = clean.customers
    assert customers[["phone", "income_band"]].notna().all().all()
    for column in ["full_name", "email", "city", "gender"]:
        assert (customers[column] == customers[column].str.strip()).all(), column
    assert (customers["email"] == customers["email"].str.lower()).all()
    assert customers["email"].is_unique


def test_noise_is_light_and_realistic(noisy):
    customers = noisy.customers
    for column in ["phone", "income_band"]:
        assert 0.005 < customers[column].isna().mean() < 0.03, column
    assert 0 < (customers["city"] != customers["city"].str.strip()).sum() < 0.02 * ROWS
    assert 0 < (~customers["gender"].isin(["female", "male", "non-binary"])).sum() < 0.02 * ROWS
    assert set(customers["gender"].str.lower()) == {"female", "male", "non-binary"}


def test_near_duplicates_are_the_same_person_under_a_new_id(noisy, clean):
    def shared_people(customers: pd.DataFrame) -> pd.Series:
        return customers.groupby(["birth_date", "postcode", "gender"])["customer_id"].nunique().loc[lambda n: n > 1]

    assert len(shared_people(clean.customers)) <= 3
    pairs = shared_people(noisy.customers)
    assert 0.003 * ROWS <= len(pairs) <= 0.008 * ROWS
    duplicated = noisy.customers.set_index(["birth_date", "postcode", "gender"]).loc[pairs.index]
    names = duplicated.groupby(level=[0, 1, 2])["full_name"].agg(lambda group: group.str.strip().nunique())
    assert (names == 2).mean() > 0.7, "the copy's name differs by a typo or case"
    assert noisy.customers["email"].str.lower().duplicated().sum() > 0


# ---------------------------------------------------------------- argument validation
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"rows": 0}, "rows=0: need at least 1"),
        ({"rows": -5}, "rows=-5: need at least 1"),
        ({"rows": 2.5}, "rows=2.5: need an integer"),
        ({"rows": True}, "rows=True: need an integer"),
        ({"rows": demo.MAX_ROWS + 1}, f"rows={demo.MAX_ROWS + 1}: need at most"),
        ({"seed": -1}, "seed=-1: need a non-negative integer"),
        ({"seed": "7"}, "seed='7': need a non-negative integer"),
        ({"as_of": "2025-01-01"}, "as_of='2025-01-01': need a datetime.date"),
        ({"as_of": datetime.date(1850, 1, 1)}, "as_of=1850-01-01: need a date between"),
        ({"transactions": "yes"}, "transactions='yes': need True or False"),
        ({"quality_issues": None}, "quality_issues=None: need True or False"),
    ],
)
def test_bad_arguments_raise_one_clear_error(arguments, message):
    with pytest.raises(InvalidDemoParameter) as raised:
        generate_demo(**arguments)
    assert str(raised.value).startswith(message)
    assert isinstance(raised.value, ValueError)


def test_as_of_accepts_a_datetime():
    from_datetime = generate_demo(100, seed=2, as_of=datetime.datetime(2025, 6, 30, 15, 45))
    assert_same(from_datetime, generate_demo(100, seed=2, as_of=AS_OF))


# ---------------------------------------------------------------- command line
def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data.demo", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_writes_csv_and_parquet(out_dir):
    result = run_cli(
        "--rows", "300", "--seed", "5", "--as-of", "2025-06-30", "--out", str(out_dir / "customers.csv"),
        "--transactions", str(out_dir / "transactions.parquet"), "--consent", str(out_dir / "consent.csv"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.strip().splitlines()) == 1
    assert result.stdout.startswith("wrote 300 customers to ")
    expected = generate_demo(300, seed=5, as_of=AS_OF)
    customers = pd.read_csv(out_dir / "customers.csv", dtype={"postcode": str})
    assert customers["customer_id"].tolist() == expected.customers["customer_id"].tolist()
    assert customers["postcode"].tolist() == expected.customers["postcode"].tolist()
    transactions = pd.read_parquet(out_dir / "transactions.parquet")
    pd.testing.assert_frame_equal(transactions, expected.transactions, check_dtype=False)
    assert len(pd.read_csv(out_dir / "consent.csv")) == len(expected.consent)
    assert f"{len(expected.transactions):,} transactions" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--rows", "0", "--out", "{tmp}/c.csv"], "rows=0: need at least 1"),
        (["--rows", "many", "--out", "{tmp}/c.csv"], "invalid int value: 'many'"),
        (["--out", "{tmp}/c.txt"], "unknown format '.txt'"),
        (["--out", "{tmp}/missing/c.csv"], "does not exist"),
        (["--out", "{tmp}/c.csv", "--as-of", "2025-13-01"], "'2025-13-01' is not a date in YYYY-MM-DD form"),
        (["--out", "{tmp}/c.csv", "--consent", "{tmp}/c.csv"], "must name different files"),
        (["--rows", "10"], "the following arguments are required: --out"),
    ],
)
def test_cli_rejects_bad_arguments_on_one_line(out_dir, capsys, arguments, message):
    with pytest.raises(SystemExit) as exited:
        demo.main([argument.format(tmp=out_dir) for argument in arguments])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert message in captured.err
    assert not list(out_dir.iterdir())


def test_cli_process_exits_2_on_bad_arguments(out_dir):
    result = run_cli("--rows", "-3", "--out", str(out_dir / "c.csv"))
    assert result.returncode == 2
    assert result.stderr.strip() == "python -m data.demo: error: rows=-3: need at least 1"
    assert result.stdout == ""


def test_cli_writes_excel_and_refuses_more_rows_than_excel_holds(out_dir, monkeypatch, capsys):
    assert demo.main(["--rows", "40", "--as-of", "2025-06-30", "--out", str(out_dir / "c.xlsx")]) == 0
    assert pd.read_excel(out_dir / "c.xlsx")["customer_id"].tolist() == [f"C{i:07d}" for i in range(1, 41)]
    capsys.readouterr()
    monkeypatch.setattr(demo, "EXCEL_MAX_DATA_ROWS", 30)
    with pytest.raises(SystemExit) as exited:
        demo.main(["--rows", "40", "--out", str(out_dir / "big.xlsx")])
    assert exited.value.code == 2
    assert "40 rows exceed Excel's limit of 30; use .csv or .parquet" in capsys.readouterr().err
    assert not (out_dir / "big.xlsx").exists()
