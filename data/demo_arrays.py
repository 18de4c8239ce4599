"""Vectorised building blocks of the demo-data generator (internal to `data.demo`).

Categorical draws per group, archetype lookup tables, and fast conversions from integer codes and day
numbers to pandas columns. Everything works on whole numpy arrays, so a million rows take seconds.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from data import names

FLOOR_WEIGHT = 0.15  # every label keeps a little weight in every archetype, so segments overlap
NO_DAY = np.iinfo(np.int64).min  # the day number numpy reads as NaT: "never happened"


def archetype_weights(labels: tuple[str, ...], specs: list[dict[str, float]]) -> np.ndarray:
    """Rows of label weights per archetype; labels a spec does not name get the floor weight."""
    for spec in specs:
        if unknown := set(spec) - set(labels):
            raise KeyError(f"archetype weights name unknown labels {sorted(unknown)}")
    return np.array([[spec.get(label, FLOOR_WEIGHT) for label in labels] for spec in specs])


def archetype_profile(attribute: str) -> np.ndarray:
    """One archetype attribute as an array indexed by archetype number."""
    return np.array([getattr(archetype, attribute) for archetype in names.ARCHETYPES], dtype=float)


def flatten(lists: list[tuple[str, ...]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Concatenate lists and return (flat list, offset of each list, length of each list)."""
    counts = np.array([len(items) for items in lists], dtype=np.int64)
    return [item for items in lists for item in items], np.cumsum(counts) - counts, counts


def draw(rng: np.random.Generator, probabilities: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Draw one category per row from its group's probability row (vectorised inverse CDF)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative = cumulative / cumulative[:, -1:]
    n_groups, n_categories = cumulative.shape
    group = np.asarray(group, dtype=np.int64)
    # Shifting each group's CDF by its group number lets one searchsorted serve all groups.
    flat = (cumulative + np.arange(n_groups)[:, None]).ravel()
    position = np.searchsorted(flat, rng.random(group.size) + group, side="right")
    return np.minimum(position - group * n_categories, n_categories - 1)


def pick(rng: np.random.Generator, offset: np.ndarray, count: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Uniformly pick an index into a flattened list of lists, one list per group."""
    return offset[group] + (rng.random(group.size) * count[group]).astype(np.int64)


def labels(texts: tuple[str, ...] | list[str] | np.ndarray, codes: np.ndarray) -> pd.Series:
    """Map integer codes to a string column (decoded in Arrow: much faster than Python str objects)."""
    dictionary = pa.array(list(texts), type=pa.large_string())
    decoded = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int64()), dictionary).dictionary_decode()
    return pd.Series(decoded, dtype="str")


def dates(days: np.ndarray) -> pd.Series:
    """Day numbers (days since 1970-01-01, `NO_DAY` = missing) to a datetime column."""
    return pd.Series(days.astype("datetime64[D]").astype("datetime64[us]"))


def digits(rng: np.random.Generator, count: int, size: int) -> pd.Series:
    """Random zero-padded digit strings of a fixed length."""
    return (pd.Series(rng.integers(0, 10**count, size) + 10**count).astype("str")).str.slice(1)


def fill_template(template: str, digit_strings: pd.Series) -> pd.Series:
    """Replace the runs of '#' in a template ("+31 6 ########") with the digits, left to right."""
    result, used = pd.Series("", index=digit_strings.index, dtype="str"), 0
    for part in re.split(r"(#+)", template):
        if part.startswith("#"):
            result, used = result + digit_strings.str.slice(used, used + len(part)), used + len(part)
        else:
            result = result + part
    return result


def sequential_ids(prefix: str, count: int, width: int) -> pd.Series:
    """Zero-padded ids ("C0000001", ...); wider when the count needs more digits."""
    width = max(width, len(str(count)))
    return prefix + (pd.Series(np.arange(1, count + 1, dtype=np.int64) + 10**width).astype("str")).str.slice(1)
