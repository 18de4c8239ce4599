"""Campaign results as stored datasets: import (validated), demo results, and reading for the KPI pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from kpis.demo_results import default_segments, generate_demo_results
from kpis.results import read_results
from privacy.keys import load_pseudonym_key
from privacy.pseudonymise import pseudonymise
from store.authz import Principal, requires
from store.datasets import get_dataset, linked_transactions, list_datasets, read_dataset_frame, save_dataset
from store.policy import effective_setting

SUBJECT = "customer_id"


def _pseudonymous(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-customer outcomes are stored under the same keyed pseudonyms as the customer data."""
    if SUBJECT not in frame.columns or frame[SUBJECT].astype("string").str.startswith("p_").all():
        return frame
    return frame.assign(**{SUBJECT: pseudonymise(frame[SUBJECT], load_pseudonym_key())})


@requires("marketer", action="import campaign results")
def import_results(engine: Engine, actor: Principal, data: bytes, file_name: str, name: str,
                   customers_dataset: int | None = None) -> tuple[int, tuple[str, ...]]:
    """Validate an uploaded results file and store it; returns the dataset id and the warnings."""
    table = read_results(data, file_name, max_bytes=int(effective_setting(engine, "AMANAH_UPLOAD_MAX_MB")) * 2**20)
    dataset_id = save_dataset(engine, actor, name, _pseudonymous(table.frame), purpose="analysis", kind="results",
                              column_roles={}, details={"shape": table.shape, "source": {"file": file_name},
                                                        "columns": table.columns, "warnings": list(table.warnings),
                                                        "customers_dataset": customers_dataset})
    return dataset_id, tuple(table.warnings)


@requires("marketer", action="generate demo results")
def save_demo_results(engine: Engine, actor: Principal, customers_dataset: int, customers: pd.DataFrame,
                      segments: dict[str, pd.Series] | None = None, start: date | None = None) -> dict[str, int]:
    """Seeded results for the demo campaign (aggregated and per customer), stored as two results datasets."""
    start = start or date.today() - timedelta(weeks=12)
    aggregated, per_customer = generate_demo_results(customers, segments or default_segments(customers), start=start)
    details = {"source": {"file": "demo results generator"}, "customers_dataset": customers_dataset}
    return {
        "aggregated": save_dataset(engine, actor, "Demo campaign results", aggregated, purpose="analysis",
                                   kind="results", column_roles={}, details={**details, "shape": "aggregated"}),
        "per_customer": save_dataset(engine, actor, "Demo campaign outcomes per customer", _pseudonymous(per_customer),
                                     purpose="analysis", kind="results", column_roles={},
                                     details={**details, "shape": "per_customer"}),
    }


@requires("marketer", "manager", action="read campaign results")
def results_datasets(engine: Engine, actor: Principal) -> list[dict[str, Any]]:
    return list_datasets(engine, actor, kind="results")


@requires("marketer", "manager", action="read campaign results")
def results_frame(engine: Engine, actor: Principal, dataset_id: int) -> tuple[dict[str, Any], pd.DataFrame]:
    info = get_dataset(engine, actor, dataset_id)
    if info["kind"] != "results":
        raise ValueError(f"'{info['name']}' is not a results table.")
    return info, read_dataset_frame(engine, dataset_id)


@requires("marketer", "manager", action="estimate customer value")
def customer_value(engine: Engine, actor: Principal, customers_dataset: int) -> pd.DataFrame | None:
    """Per customer (pseudonym): historical value and a 52-week BG/NBD + Gamma-Gamma prediction.

    Uses the transactions imported with the customer table; None when there are none. The churn
    risk is 1 − P(alive) and the purchase propensity is the chance of at least one purchase in the
    next 12 weeks under the model (1 − e^(−expected purchases), a Poisson approximation).
    """
    from kpis.cltv import fit_bgnbd, fit_gamma_gamma, historical_cltv, predict_cltv, purchase_summary

    linked = linked_transactions(engine, actor, customers_dataset)
    if linked is None:
        return None
    customer, date_column, amount_column = linked["customer"], linked["date"], linked["amount"]
    transactions = read_dataset_frame(engine, linked["info"]["id"], columns=[customer, date_column, amount_column])
    keys = {"customer": customer, "date": date_column, "value": amount_column}
    history = historical_cltv(transactions, **keys)
    summary = purchase_summary(transactions, **keys, calibration_end=pd.to_datetime(transactions[date_column]).max())
    bgnbd, gamma_gamma = fit_bgnbd(summary), fit_gamma_gamma(summary)
    predicted = predict_cltv(summary, bgnbd, gamma_gamma, weeks=52)
    soon = predict_cltv(summary, bgnbd, gamma_gamma, weeks=12)["expected_purchases"]
    result = history[["revenue", "orders", "tenure_days"]].join(predicted, how="left")
    result["churn_risk"] = 1 - result["probability_alive"]
    result["purchase_propensity_12w"] = 1 - np.exp(-soon.reindex(result.index))
    return result
