"""Results intake: shape detection, en/nl/de column names, all-or-nothing validation, per-customer aggregation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpis.registry import compute_kpis
from kpis.results import (
    AGGREGATED,
    PER_CUSTOMER,
    ResultsError,
    aggregate_outcomes,
    detect_results_shape,
    read_results,
    validate_results,
)


def aggregated_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "campaign": ["spring", "spring"],
        "segment": ["young", "loyal"],
        "variant": ["A", "B"],
        "sent": [1000, 200],
        "delivered": [990, 190],
        "opens": [300, 50],
        "clicks": [30, 20],
        "conversions": [3, 1],
        "revenue": [150.0, 40.5],
        "cost": [20.0, 4.0],
        "unsubscribes": [2, 0],
        "complaints": [1, 0],
    })


def per_customer_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["p1", "p2", "p3", "p4", "p5"],
        "segment": ["young", "young", "young", "loyal", "loyal"],
        "variant": ["A", "B", "B", "A", "A"],
        "opened": [1, 1, 0, 1, 0],
        "clicked": [1, 0, 0, 1, 0],
        "converted": [1, 0, 0, 1, 0],
        "revenue": [20.0, 0.0, 0.0, 35.5, 0.0],
    })


def error_of(frame: pd.DataFrame, file_name: str = "results.csv") -> ResultsError:
    with pytest.raises(ResultsError) as caught:
        validate_results(frame, file_name=file_name)
    return caught.value


# --- shape and column names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("columns", "shape"), [
    (["campaign", "variant", "sent"], AGGREGATED),
    (["Doelgroep", "Variant", "Verzonden", "Geopend"], AGGREGATED),
    (["Zielgruppe", "Variante", "Gesendet"], AGGREGATED),
    (["customer_id", "variant", "converted"], PER_CUSTOMER),
    (["Klantnummer", "versie", "geconverteerd"], PER_CUSTOMER),
    (["Kundennummer", "Variante", "Umsatz", "sent"], PER_CUSTOMER),  # a customer id wins over a sent flag
])
def test_shape_is_detected_from_the_columns(columns, shape):
    assert detect_results_shape(pd.DataFrame(columns=columns)) == shape


def test_a_table_of_neither_shape_says_what_each_needs():
    with pytest.raises(ResultsError, match="cannot tell what kind of results") as caught:
        detect_results_shape(pd.DataFrame(columns=["name", "score"]))
    assert "'sent'" in caught.value.message and "customer id" in caught.value.message


@pytest.mark.parametrize(("canonical", "header"), [
    ("sent", "Verzonden"), ("sent", "gesendet"), ("sent", "Aantal verzonden"), ("sent", "# Sent"),
    ("delivered", "Afgeleverd"), ("delivered", "Zugestellt"),
    ("opens", "geopend"), ("opens", "Geöffnet"), ("opens", "Öffnungen"), ("opens", "Unique opens"),
    ("clicks", "Kliks"), ("clicks", "Klicks"), ("clicks", "Anzahl Klicks"),
    ("conversions", "Conversies"), ("conversions", "Konversionen"),
    ("revenue", "Omzet (EUR)"), ("revenue", "Umsatz €"), ("revenue", "Total revenue"),
    ("cost", "kosten"), ("cost", "KOSTEN_EUR"),
    ("unsubscribes", "Afmeldingen"), ("unsubscribes", "Abmeldungen"),
    ("complaints", "Klachten"), ("complaints", "Beschwerden"),
    ("segment", "Doelgroep"), ("segment", "Zielgruppe"), ("campaign", "Kampagne"), ("campaign", "campagne"),
    ("variant", "Variante"), ("variant", "versie"),
])
def test_dutch_german_and_english_names_map_to_canonical_columns(canonical, header):
    table = validate_results(aggregated_rows().rename(columns={canonical: header}), file_name="r.csv")
    assert table.columns[canonical] == header
    pd.testing.assert_series_equal(table.frame[canonical], validate_results(aggregated_rows(), file_name="r.csv")
                                   .frame[canonical])


def test_two_columns_meaning_the_same_thing_are_refused():
    frame = aggregated_rows().assign(verzonden=[1000, 200])
    error = error_of(frame)
    assert error.message == ("results.csv: columns 'sent' and 'verzonden' both mean 'sent'; remove or rename one "
                             "of them and upload again")


# --- aggregated validation -------------------------------------------------------------------------------------


def test_dutch_text_numbers_become_exact_canonical_values():
    frame = pd.DataFrame({
        "Campagne": ["lente", "lente"], "Doelgroep": [" jong ", "oud"], "Variant": [1.0, 2.0],
        "Verzonden": ["1.000", "2.500"], "Afgeleverd": ["990", "2.400"], "Geopend": [300, 800],
        "Omzet": ["1.234,50", "€ 12,5"], "Kosten": ["10", "0,25"], "Kanaal": ["email", "email"],
    })
    table = validate_results(frame, file_name="lente.csv")
    expected = pd.DataFrame({
        "campaign": pd.Series(["lente", "lente"], dtype="str"), "variant": pd.Series(["1", "2"], dtype="str"),
        "segment": pd.Series(["jong", "oud"], dtype="str"),
        "sent": [1000, 2500], "delivered": [990, 2400], "opens": [300, 800],
        "revenue": [1234.5, 12.5], "cost": [10.0, 0.25], "Kanaal": ["email", "email"],
    })
    pd.testing.assert_frame_equal(table.frame, expected, check_dtype=False)
    assert table.frame["sent"].dtype == np.int64 and table.frame["revenue"].dtype == np.float64
    assert (table.shape, table.warnings) == (AGGREGATED, ())


def test_a_date_column_is_parsed_iso_or_day_first():
    frame = aggregated_rows().assign(Datum=["2025-03-31", "07.04.2025"])
    table = validate_results(frame, file_name="r.csv")
    assert table.frame["date"].tolist() == [pd.Timestamp("2025-03-31"), pd.Timestamp("2025-04-07")]


def _set(column: str, value: object, row: int = 1):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        values = frame[column].astype("object").tolist()
        values[row] = value
        return frame.assign(**{column: values})
    return change


@pytest.mark.parametrize(("change", "message", "column", "row"), [
    (lambda f: f.drop(columns="variant"), "results.csv: no 'variant' column, which an aggregated results file "
     "needs; add it (Dutch and German names such as 'variant'/'Variante' or 'verzonden'/'gesendet' are recognised "
     "too)", "variant", None),
    (lambda f: f.drop(columns=["campaign", "segment"]), "results.csv: no 'campaign' or 'segment' column; aggregated "
     "results need at least one of them to say what each row counts (e.g. 'segment', 'doelgroep', 'Zielgruppe')",
     None, None),
    (_set("opens", -1), "results.csv, column 'opens', row 2: -1 is negative; results cannot be below zero",
     "opens", 2),
    (_set("clicks", "2.5"), "results.csv, column 'clicks', row 2: '2.5' is not a whole number; clicks is a count",
     "clicks", 2),
    (_set("sent", "many"), "results.csv, column 'sent', row 2: 'many' is not a number; use digits only, "
     "e.g. 1250 or 12,50", "sent", 2),
    (_set("sent", None, row=0), "results.csv, column 'sent', row 1: the cell is empty; fill in 0 when nothing "
     "happened, or remove the column", "sent", 1),
    (_set("delivered", 250), "results.csv, column 'delivered', row 2: 250 is more than sent (column 'sent'); "
     "delivered cannot exceed sent; check that both columns come from the same export", "delivered", 2),
    (_set("opens", 191), "results.csv, column 'opens', row 2: 191 is more than delivered (column 'delivered'); "
     "opens cannot exceed delivered; check that both columns come from the same export", "opens", 2),
    (_set("clicks", 991, row=0), "results.csv, column 'clicks', row 1: 991 is more than delivered (column "
     "'delivered'); clicks cannot exceed delivered; check that both columns come from the same export", "clicks", 1),
    (_set("conversions", 191), "results.csv, column 'conversions', row 2: 191 is more than delivered (column "
     "'delivered'); conversions cannot exceed delivered; check that both columns come from the same export",
     "conversions", 2),
    (_set("revenue", -0.5), "results.csv, column 'revenue', row 2: -0.5 is negative; results cannot be below zero",
     "revenue", 2),
    (_set("cost", "ten"), "results.csv, column 'cost', row 2: 'ten' is not a number; use digits only, e.g. 1250 "
     "or 12,50", "cost", 2),
    (_set("variant", " "), "results.csv, column 'variant', row 2: the cell is empty; every row needs a variant",
     "variant", 2),
    (lambda f: f.assign(date=["2025-01-06", "next week"]), "results.csv, column 'date', row 2: 'next week' is not "
     "a date; write dates as YYYY-MM-DD, e.g. 2025-03-31", "date", 2),
])
def test_aggregated_problems_name_file_column_and_first_row(change, message, column, row):
    error = error_of(change(aggregated_rows()))
    assert (error.message, error.column, error.row) == (message, column, row)


def test_the_first_bad_row_is_named_and_the_others_counted():
    frame = pd.concat([aggregated_rows()] * 3, ignore_index=True).assign(opens=[300, 50, -1, 50, -2, -3])
    error = error_of(frame, "week.xlsx")
    assert error.message == ("week.xlsx, column 'opens', row 3: -1 is negative; results cannot be below zero "
                             "(2 more row(s) like this)")


def test_without_delivered_the_funnel_is_bounded_by_sent():
    frame = aggregated_rows().drop(columns="delivered").assign(opens=[300, 201])
    assert "'opens', row 2: 201 is more than sent (column 'sent')" in error_of(frame).message


def test_more_clicks_than_opens_and_repeated_rows_are_warnings_not_errors():
    frame = pd.concat([aggregated_rows(), aggregated_rows().iloc[[1]]], ignore_index=True)
    frame["clicks"] = [30, 60, 20]
    table = validate_results(frame, file_name="r.csv")
    assert table.warnings == (
        "r.csv: 1 row(s) have more clicks than opens (first: row 2); opens are undercounted when images are "
        "blocked, so the click-to-open rate can exceed 100 % there",
        "r.csv: 1 row(s) repeat the campaign/variant/segment of an earlier row (first: row 3); their numbers are "
        "added together in the KPIs",
    )
    assert table.frame["clicks"].tolist() == [30, 60, 20]


@pytest.mark.parametrize("frame", [pd.DataFrame(), pd.DataFrame(columns=["segment", "variant", "sent"])])
def test_an_empty_table_is_refused(frame):
    assert error_of(frame, "leeg.csv").message == ("leeg.csv has no data rows: export the results again with a "
                                                   "header and rows")


def test_validated_aggregated_results_feed_compute_kpis():
    table = validate_results(aggregated_rows().rename(columns={"opens": "geopend", "sent": "Verzonden"}),
                             file_name="r.csv")
    kpis = compute_kpis(table.frame, ["segment"], keys=["open_rate", "conversion_rate", "roi"])
    assert kpis["segment"].tolist() == ["loyal", "young"]
    assert kpis["open_rate"].tolist() == pytest.approx([50 / 190, 300 / 990])
    assert kpis["roi"].tolist() == pytest.approx([(40.5 - 4) / 4, (150 - 20) / 20])


# --- per-customer validation -----------------------------------------------------------------------------------


def test_per_customer_flags_accept_yes_no_words_in_three_languages():
    frame = per_customer_rows().assign(converted=["ja", "nee", "no", "Yes", "nein"], opened=[True, True, False,
                                                                                             True, False])
    table = validate_results(frame, file_name="ontvangers.csv")
    assert table.shape == PER_CUSTOMER
    assert table.frame["converted"].tolist() == [1, 0, 0, 1, 0]
    assert table.frame["opened"].tolist() == [1, 1, 0, 1, 0]
    assert str(table.frame["converted"].dtype) == "int8"
    assert list(table.frame.columns) == ["customer_id", "variant", "segment", "opened", "clicked", "converted",
                                         "revenue"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.drop(columns="variant"), "p.csv: no 'variant' column, which a per-customer results file needs"),
    (lambda f: f[["customer_id", "variant", "segment"]], "p.csv: no outcome column; a per-customer file needs at "
     "least one of converted, revenue, opened or clicked (0/1 per recipient; revenue as an amount)"),
    (_set("converted", 2), "p.csv, column 'converted', row 2: 2 is not 0 or 1; use 1 (yes) or 0 (no) per recipient"),
    (_set("opened", "maybe", row=3), "p.csv, column 'opened', row 4: 'maybe' is not 0 or 1"),
    (_set("clicked", None), "p.csv, column 'clicked', row 2: the cell is empty; fill in 0 or 1 for every recipient"),
    (_set("customer_id", ""), "p.csv, column 'customer_id', row 2: the cell is empty; every row needs a customer id"),
    (lambda f: f.assign(delivered=[1, 0, 1, 1, 1]), "p.csv, column 'opened', row 2: 1 is more than delivered "
     "(column 'delivered')"),
    (_set("revenue", -3.0), "p.csv, column 'revenue', row 2: -3.0 is negative"),
])
def test_per_customer_problems_are_refused_whole(change, message):
    assert error_of(change(per_customer_rows()), "p.csv").message.startswith(message)


def test_per_customer_blank_revenue_reads_as_zero_with_a_warning():
    frame = per_customer_rows().assign(revenue=[20.0, None, None, "35,5", None])
    table = validate_results(frame, file_name="p.csv")
    assert table.frame["revenue"].tolist() == [20.0, 0.0, 0.0, 35.5, 0.0]
    assert table.warnings == ("p.csv: column 'revenue' is blank in 3 row(s); read as 0",)


def test_per_customer_oddities_are_warned_about():
    frame = per_customer_rows().assign(customer_id=["p1", "p1", "p3", "p4", "p5"], opened=[0, 1, 0, 1, 0])
    assert validate_results(frame, file_name="p.csv").warnings == (
        "p.csv: 1 recipient(s) clicked without a recorded open; opens are undercounted when images are blocked",
        "p.csv: 1 row(s) repeat a customer id already listed for the same campaign; each row counts as one "
        "recipient, and a customer in two variants blurs an A/B test",
    )


# --- aggregation of per-customer outcomes ----------------------------------------------------------------------


def test_aggregate_outcomes_sums_per_group_exactly():
    aggregated = aggregate_outcomes(per_customer_rows(), ["segment", "variant"])
    expected = pd.DataFrame({
        "segment": ["loyal", "young", "young"], "variant": ["A", "A", "B"],
        "sent": [2, 1, 2], "delivered": [2, 1, 2], "opens": [1, 1, 1], "clicks": [1, 1, 0],
        "conversions": [1, 1, 0], "revenue": [35.5, 20.0, 0.0],
    })
    pd.testing.assert_frame_equal(aggregated, expected, check_dtype=False)
    assert aggregated["sent"].dtype == np.int64


def test_aggregate_outcomes_uses_sent_and_delivered_flags_when_present():
    frame = per_customer_rows().assign(sent=1, delivered=[1, 1, 0, 1, 1], unsubscribed=[0, 1, 0, 0, 0])
    aggregated = aggregate_outcomes(frame, "variant")
    assert aggregated.to_dict("list") == {
        "variant": ["A", "B"], "sent": [3, 2], "delivered": [3, 1], "opens": [2, 1], "clicks": [2, 0],
        "conversions": [2, 0], "unsubscribes": [0, 1], "revenue": [55.5, 0.0],
    }


def test_both_shapes_give_the_same_kpis():
    per_customer = validate_results(per_customer_rows(), file_name="p.csv").frame
    kpis = compute_kpis(aggregate_outcomes(per_customer, "segment"), ["segment"],
                        keys=["conversion_rate", "revenue_per_recipient", "click_to_open"])
    assert kpis.to_dict("list") == {"segment": ["loyal", "young"], "conversion_rate": [0.5, 1 / 3],
                                    "revenue_per_recipient": [17.75, 20 / 3], "click_to_open": [1.0, 0.5]}


def test_aggregate_outcomes_names_a_missing_group_column():
    with pytest.raises(ResultsError, match="cannot group the outcomes by 'week': there is no such column"):
        aggregate_outcomes(per_customer_rows(), ["segment", "week"])


# --- reading an upload -----------------------------------------------------------------------------------------


def test_read_results_parses_a_dutch_csv_end_to_end():
    data = (b"Campagne;Doelgroep;Variant;Verzonden;Afgeleverd;Geopend;Kliks;Omzet\n"
            b"lente;jong;A;1000;990;300;30;1234,50\nlente;oud;B;200;190;50;20;12,00\n")
    table = read_results(data, "lente.csv", max_bytes=10_000)
    assert table.shape == AGGREGATED
    assert table.frame[["sent", "clicks", "revenue"]].to_dict("list") == {"sent": [1000, 200], "clicks": [30, 20],
                                                                         "revenue": [1234.5, 12.0]}


def test_read_results_turns_an_unreadable_upload_into_a_results_error():
    with pytest.raises(ResultsError, match=r"^leeg\.csv is empty"):
        read_results(b"", "leeg.csv", max_bytes=10_000)


# --- real data ---------------------------------------------------------------------------------------------------


@pytest.mark.shared_data
def test_hillstrom_recipients_reproduce_the_published_totals():
    path = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "hillstrom.csv"
    if not path.is_file():
        pytest.skip(f"../shared/data is absent: hillstrom.csv not found in {path.parent}")
    raw = pd.read_csv(path)
    # Hillstrom's "segment" is the e-mail arm; German headers and a pseudonym column stand in for an export.
    upload = raw.rename(columns={"segment": "Variante", "spend": "Umsatz"}).assign(
        Kundennummer=[f"H{i:05d}" for i in range(len(raw))])
    table = validate_results(upload, file_name="hillstrom.csv")
    assert (table.shape, table.warnings) == (PER_CUSTOMER, ())
    totals = aggregate_outcomes(table.frame, "variant").set_index("variant")
    assert totals["sent"].to_dict() == {"Mens E-Mail": 21_307, "No E-Mail": 21_306, "Womens E-Mail": 21_387}
    assert int(totals["conversions"].sum()) == 578
    assert totals["revenue"].sum() == pytest.approx(67_258.13)
    assert {"visit", "channel", "zip_code"} <= set(table.frame.columns)  # unknown columns are kept as they are
