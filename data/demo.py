"""Deterministic demo customer data: a customers table, its transactions and a consent ledger.

Six latent archetypes (young urban professionals, young families, students, affluent seniors, rural
traditional, small-business buyers) drive every other attribute, so segments exist to be found by
clustering and by rules. The archetype is never a column; `DemoData.archetype` exposes it for tests.
Generation is vectorised with numpy and the same (rows, seed, as_of) always gives identical frames.
This module is the API and CLI; the work lives in `demo_people` (person columns), `demo_history`
(purchases, transactions, consent ledger), `demo_noise` (quality issues) and `demo_arrays` (helpers).

CLI: `python -m data.demo --rows N --out FILE [--seed S] [--as-of YYYY-MM-DD] [--transactions FILE]
[--consent FILE] [--no-quality-issues]`; the format follows the extension (.csv, .parquet, .xlsx).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data import names
from data.demo_arrays import labels, sequential_ids
from data.demo_history import (
    CONSENT_PURPOSES,
    CONSENT_SOURCES,
    CONSENT_STATUSES,
    LOYALTY_TIERS,
    behaviour_columns,
    consent_events,
    purchase_history,
    transactions_frame,
)
from data.demo_noise import with_quality_issues
from data.demo_people import GENDERS, LANGUAGES, person_columns

# The label sets live next to the columns they label and are re-exported here: `data.demo` is the entry point.
__all__ = [
    "ARCHETYPE_NAMES", "COLUMN_ROLES", "CONSENT_PURPOSES", "CONSENT_SOURCES", "CONSENT_STATUSES", "GENDERS",
    "INCOME_BANDS", "LANGUAGES", "LOYALTY_TIERS", "TRANSACTION_COLUMN_ROLES",
    "DemoData", "InvalidDemoParameter", "generate_demo", "main",
]

INCOME_BANDS: tuple[str, ...] = names.INCOME_BANDS  # ordered, lowest first
ARCHETYPE_NAMES: tuple[str, ...] = names.ARCHETYPE_NAMES
MAX_ROWS = 20_000_000
EXCEL_MAX_DATA_ROWS = 1_048_575  # Excel's sheet limit is 1,048,576 rows including the header

COLUMN_ROLES: dict[str, str] = {
    "customer_id": "id",
    "full_name": "direct_identifier", "email": "direct_identifier", "phone": "direct_identifier",
    # Age is the main segmentation variable ("young urban professionals"), so it is a feature; the exact
    # birth date and the postcode narrow a person down to a few people and stay quasi-identifiers.
    "birth_date": "quasi_identifier", "age": "demographic", "gender": "demographic",
    "income_band": "demographic", "postcode": "quasi_identifier",
    "city": "geographic", "region": "geographic", "country": "geographic",
    "language": "demographic", "customer_type": "demographic",
    "lifestyle": "psychographic", "personal_values": "psychographic", "interests": "psychographic",
    "loyalty_tier": "behavioural", "preferred_channel": "behavioural", "signup_date": "behavioural",
    "first_purchase": "behavioural", "last_purchase": "behavioural", "order_count": "behavioural",
    "revenue": "behavioural",
    "consent_email": "consent", "consent_sms": "consent", "consent_push": "consent",
    "religion": "special_category",
}
# Both ids use the app's one identifier role; customer_id joins to the customers table by name.
TRANSACTION_COLUMN_ROLES: dict[str, str] = {
    "customer_id": "id", "order_id": "id", "order_date": "transaction_date",
    "amount": "transaction_amount", "product_category": "behavioural",
}


class InvalidDemoParameter(ValueError):
    """An argument of `generate_demo` is out of range or of the wrong type."""


@dataclass(frozen=True, eq=False)
class DemoData:
    """The generated tables; `archetype` is each customer's hidden segment, kept out of `customers`."""

    customers: pd.DataFrame
    transactions: pd.DataFrame
    consent: pd.DataFrame
    archetype: pd.Series = field(repr=False)


def generate_demo(
    rows: int = 5000,
    seed: int = 42,
    as_of: datetime.date | None = None,
    *,
    transactions: bool = True,
    quality_issues: bool = True,
) -> DemoData:
    """Generate a seeded demo customer base with transactions and a consent ledger.

    Every date falls before `as_of` (default: today), so recency is measured against it. The same
    (rows, seed, as_of) gives identical frames. `transactions=False` leaves the transactions table
    empty while the purchase summaries stay the same. `quality_issues=True` adds light, deterministic
    noise: ~1.5% missing phone and income band, a few untrimmed or odd-case strings and ~0.5%
    near-duplicate customers (the same person re-registered under a new id).
    """
    as_of = _validated(rows, seed, as_of, transactions, quality_issues)
    rows = int(rows)
    as_of_day = int(np.datetime64(as_of, "D").astype(np.int64))
    archetype_rng, people_rng, purchase_rng, consent_rng, noise_rng = (
        np.random.default_rng(child) for child in np.random.SeedSequence(int(seed)).spawn(5)
    )
    shares = np.array([archetype.share for archetype in names.ARCHETYPES])
    archetype = archetype_rng.choice(len(names.ARCHETYPES), size=rows, p=shares / shares.sum())
    history = purchase_history(purchase_rng, archetype, as_of_day)
    customer_ids = sequential_ids("C", rows, width=7)
    customers = pd.DataFrame(
        {
            "customer_id": customer_ids,
            **person_columns(people_rng, archetype, as_of),
            **behaviour_columns(purchase_rng, archetype, history),
        }
    )[list(COLUMN_ROLES)]
    consent_now = customers[[f"consent_{channel}" for channel in names.CONSENT_CHANNELS]].to_numpy()
    consent = consent_events(consent_rng, consent_now, history.signup_day, as_of_day, customer_ids)
    if quality_issues:
        customers = with_quality_issues(noise_rng, customers, archetype)
    return DemoData(
        customers=customers,
        transactions=transactions_frame(history, customer_ids, include=transactions),
        consent=consent,
        archetype=labels(ARCHETYPE_NAMES, archetype).rename("archetype"),
    )


def _validated(rows: object, seed: object, as_of: object, *flags: object) -> datetime.date:
    """Check the arguments of generate_demo (scikit-learn style messages) and return as_of as a date."""
    if isinstance(rows, bool) or not isinstance(rows, int | np.integer):
        raise InvalidDemoParameter(f"rows={rows!r}: need an integer")
    if rows < 1:
        raise InvalidDemoParameter(f"rows={rows}: need at least 1")
    if rows > MAX_ROWS:
        raise InvalidDemoParameter(f"rows={rows}: need at most {MAX_ROWS} (memory); combine several seeds instead")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidDemoParameter(f"seed={seed!r}: need a non-negative integer")
    for name, value in zip(("transactions", "quality_issues"), flags, strict=True):
        if not isinstance(value, bool | np.bool_):
            raise InvalidDemoParameter(f"{name}={value!r}: need True or False")
    if as_of is None:
        return datetime.date.today()
    if not isinstance(as_of, datetime.date):
        raise InvalidDemoParameter(f"as_of={as_of!r}: need a datetime.date, e.g. datetime.date(2025, 1, 31)")
    if isinstance(as_of, datetime.datetime):
        as_of = as_of.date()
    if not datetime.date(1900, 1, 1) <= as_of <= datetime.date(2200, 12, 31):
        raise InvalidDemoParameter(f"as_of={as_of.isoformat()}: need a date between 1900-01-01 and 2200-12-31")
    return as_of


# ---------------------------------------------------------------- command line
_WRITERS = {
    ".csv": lambda frame, path: frame.to_csv(path, index=False),
    ".parquet": lambda frame, path: frame.to_parquet(path, index=False),
    ".xlsx": lambda frame, path: frame.to_excel(path, index=False),
}


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one stderr line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def _check_output(parser: _OneLineParser, option: str, path: Path) -> None:
    if path.suffix.lower() not in _WRITERS:
        parser.error(f"{option} {path}: unknown format {path.suffix or '(none)'!r}; use .csv, .parquet or .xlsx")
    if not path.parent.is_dir():
        parser.error(f"{option} {path}: folder {path.parent} does not exist")


def _too_many_for_excel(option: str, path: Path, rows: int) -> str:
    return f"{option} {path}: {rows:,} rows exceed Excel's limit of {EXCEL_MAX_DATA_ROWS:,}; use .csv or .parquet"


def main(argv: list[str] | None = None) -> int:
    """Generate the demo tables and write them; returns the process exit status."""
    parser = _OneLineParser(prog="python -m data.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, metavar="N", help="number of customers (default 5000)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="customers: .csv, .parquet or .xlsx")
    parser.add_argument("--seed", type=int, default=42, metavar="S", help="random seed (default 42)")
    parser.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="reference date (default today)")
    parser.add_argument("--transactions", type=Path, metavar="FILE", help="also write the transactions here")
    parser.add_argument("--consent", type=Path, metavar="FILE", help="also write the consent events here")
    parser.add_argument("--no-quality-issues", action="store_true", help="leave out the realistic noise")
    args = parser.parse_args(argv)
    outputs = {"--out": args.out, "--transactions": args.transactions, "--consent": args.consent}
    outputs = {option: path for option, path in outputs.items() if path is not None}
    for option, path in outputs.items():
        _check_output(parser, option, path)
    if len({path.resolve() for path in outputs.values()}) < len(outputs):
        parser.error("--out, --transactions and --consent must name different files")
    if args.out.suffix.lower() == ".xlsx" and args.rows > EXCEL_MAX_DATA_ROWS:
        parser.error(_too_many_for_excel("--out", args.out, args.rows))

    started = time.perf_counter()
    try:
        data = generate_demo(
            args.rows, args.seed, args.as_of,
            transactions=args.transactions is not None, quality_issues=not args.no_quality_issues,
        )
    except InvalidDemoParameter as error:
        parser.error(str(error))
    frames = {"--out": data.customers, "--transactions": data.transactions, "--consent": data.consent}
    for option, path in outputs.items():
        if path.suffix.lower() == ".xlsx" and len(frames[option]) > EXCEL_MAX_DATA_ROWS:
            parser.error(_too_many_for_excel(option, path, len(frames[option])))
    for option, path in outputs.items():
        try:
            _WRITERS[path.suffix.lower()](frames[option], path)
        except OSError as error:
            print(f"{parser.prog}: error: cannot write {option} {path}: {error.strerror or error}", file=sys.stderr)
            return 1
    what = {"--out": "customers", "--transactions": "transactions", "--consent": "consent events"}
    written = "; ".join(f"{len(frames[option]):,} {what[option]} to {path}" for option, path in outputs.items())
    as_of = args.as_of or datetime.date.today()
    print(f"wrote {written} (seed {args.seed}, as of {as_of.isoformat()}, {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
