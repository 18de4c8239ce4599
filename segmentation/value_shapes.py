"""Value shapes: anchored RE2 patterns for e-mail, phone, IBAN, postcode … and vectorised checks.

Every check runs over a whole column at once through pyarrow compute, so a 1,000,000-row column is
matched in C++ without a Python loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.vocabulary import COUNTRY_ALIASES, value_words

ArrowStrings = pa.Array | pa.ChunkedArray
Factorized = tuple[np.ndarray, ArrowStrings | pd.Index]  # (row codes with -1 for missing, distinct values)

# --- value patterns (RE2 syntax, anchored) -------------------------------------------------------------

EMAIL_PATTERN = r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
# Exactly the characters pyarrow's utf8_trim_whitespace strips (Unicode White_Space plus \x1C-\x1F):
# matching them around a pattern answers as trimming first would, without building trimmed copies.
_WHITESPACE = r"[\t\n\v\f\r\x{1C}-\x{1F}\x{85}\p{Z}]*"
_PADDED_EMAIL_PATTERN = f"^{_WHITESPACE}{EMAIL_PATTERN[1:-1]}{_WHITESPACE}$"
PHONE_SEPARATORS = r"[\s\-().\/]"
# A dialable number: optional + or 00, then 8-15 digits, separators allowed between them.
PHONE_PATTERN = r"^\s*(\+|00)?([\s\-().\/]*[0-9]){8,15}[\s\-().\/]*$"
PHONE_SHAPE_PATTERN = r"^((\+|00)[1-9][0-9]{7,14}|0[1-9][0-9]{7,10})$"  # stricter: looks like a phone number
IBAN_PATTERN = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"  # after removing spaces, upper-case
IP_PATTERN = (
    r"^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$"
    r"|^([0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}$"
)
POSTCODE_PATTERNS: dict[str, str] = {  # after trimming, upper-case
    "NL": r"^[1-9][0-9]{3} ?[A-Z]{2}$",
    "BE": r"^[1-9][0-9]{3}$",
    "AT": r"^[1-9][0-9]{3}$",
    "CH": r"^[1-9][0-9]{3}$",
    "LU": r"^(L-?)?[0-9]{4}$",
    "DE": r"^[0-9]{5}$",
    "FR": r"^([0-9]{5}|2[AB][0-9]{3})$",
    "GB": r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$",
}
DISTINCT_POSTCODE_PATTERN = "|".join((POSTCODE_PATTERNS["NL"], POSTCODE_PATTERNS["GB"]))  # not plain digits
NUMBER_PATTERN = (
    r"^\s*[+-]?([0-9]+([.,][0-9]+)?|[.,][0-9]+)([eE][+-]?[0-9]+)?\s*$"
    r"|^\s*[+-]?[0-9]{1,3}([.,][0-9]{3})+([.,][0-9]+)?\s*$"
)
DATE_PATTERN = r"^\s*([0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}|[0-9]{8})([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?.*)?\s*$"
PERSON_NAME_PATTERN = (
    r"^(\p{Lu}[\p{Ll}'\-]+|\p{Lu}\.)( (\p{Ll}{1,3}|\p{Lu}\.|\p{Lu}[\p{Ll}'\-]+)){1,3}$"
    r"|^\p{Lu}[\p{Ll}'\-]+, \p{Lu}[\p{Ll}'\-.]+( \p{Ll}{1,3})*$"
)
ADDRESS_PATTERN = (
    r"^[\p{L}][\p{L}.'\- ]+ [0-9]{1,5} ?[a-zA-Z]?([ \-/][0-9a-zA-Z]{1,4})?(,.*)?$"
    r"|^[0-9]{1,5}[a-zA-Z]? [\p{L}][\p{L}.'\- ]+(,.*)?$"
)


# --- vectorised value checks -----------------------------------------------------------------------------


def is_text(series: pd.Series) -> bool:
    """True for text-like columns: strings, categories or plain Python objects."""
    return isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype) or series.dtype == object


def arrow_strings(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """The column as an arrow string array (zero-copy for pandas' default string dtype and arrow input)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype("str")
    return pa.array(values.array)


def is_all_ascii(values: ArrowStrings) -> bool:
    """True when no present value has a byte outside ASCII (then accents and Unicode forms cannot occur)."""
    return pc.all(pc.string_is_ascii(values)).as_py() is not False


def strip_accents(values: ArrowStrings) -> ArrowStrings:
    """NFKD-decomposed with the combining marks removed ("é" → "e", "ﬁ" → "fi").

    ASCII text is returned as it is: it has nothing to decompose, and skipping the two passes (and
    compiling the ``\\p{Mn}`` pattern) matters when this runs on many small arrays.
    """
    if is_all_ascii(values):
        return values
    return pc.replace_substring_regex(pc.utf8_normalize(values, "NFKD"), r"\p{Mn}", "")


def take_rows(values: pd.Series | ArrowStrings, positions: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """The values at ``positions`` as arrow strings, taken chunk by chunk.

    pyarrow's own take on a chunked array first joins all chunks into one copy of the column, which
    for a sample of a 1,000,000-row column costs far more than the sample itself.
    """
    positions = np.asarray(positions, dtype=np.int64)
    if isinstance(values, pd.Series):
        if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
            return arrow_strings(values.iloc[positions])  # convert the sample only
        values = arrow_strings(values)
    if isinstance(values, pa.Array):
        return values.take(pa.array(positions))
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    ends = np.cumsum([len(chunk) for chunk in values.chunks])
    which = np.searchsorted(ends, ordered, side="right")
    pieces = [
        values.chunk(index).take(pa.array(ordered[which == index] - (ends[index] - len(values.chunk(index)))))
        for index in np.unique(which)
    ]
    taken = pa.concat_arrays(pieces) if pieces else pa.array([], type=values.type)
    if (order == np.arange(len(order))).all():
        return taken
    return taken.take(pa.array(np.argsort(order, kind="stable")))  # back to the order asked for


def take_series(series: pd.Series, positions: np.ndarray) -> pd.Series:
    """``series.iloc[positions]`` with a fresh 0-based index, without joining the chunks of arrow text."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        return pd.Series(take_rows(series, positions), dtype=series.dtype, name=series.name)
    return series.iloc[positions].reset_index(drop=True)


# Bytes that may start (or end) a string with whitespace: the ASCII whitespace bytes, the lead bytes of
# the non-ASCII whitespace characters (U+0085, U+00A0, U+1680, U+2000…U+3000) and, at the end, any
# continuation byte. Only strings that start or end with such a byte are trimmed to check exactly.
_MAY_START_WITH_SPACE = np.zeros(256, dtype=bool)
_MAY_START_WITH_SPACE[[*range(0x09, 0x0E), *range(0x1C, 0x21), 0xC2, 0xE1, 0xE2, 0xE3]] = True
_MAY_END_WITH_SPACE = np.zeros(256, dtype=bool)
_MAY_END_WITH_SPACE[[*range(0x09, 0x0E), *range(0x1C, 0x21), *range(0x80, 0xC0)]] = True


def untrimmed_mask(values: pd.Series | ArrowStrings) -> np.ndarray:
    """True where a value has whitespace at its start or end (what ``utf8_trim_whitespace`` would remove).

    The first and last byte of every value are read straight from the arrow buffers; only the few
    values whose edge byte could belong to a whitespace character are trimmed and compared.
    """
    values = arrow_strings(values)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    candidates = np.concatenate([_edge_candidates(chunk) for chunk in chunks]) if chunks else np.zeros(0, bool)
    mask = np.zeros(len(values), dtype=bool)
    positions = np.flatnonzero(candidates)
    if len(positions):
        suspects = take_rows(values, positions)
        changed = pc.not_equal(pc.utf8_trim_whitespace(suspects), suspects).fill_null(False)
        mask[positions] = np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool)
    return mask


def _edge_candidates(chunk: pa.Array) -> np.ndarray:
    if len(chunk) == 0:
        return np.zeros(0, dtype=bool)
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    _, offset_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=offset_type)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not len(data):
        return np.zeros(len(chunk), dtype=bool)
    first = data[np.where(filled, starts, 0)]
    last = data[np.where(filled, ends - 1, 0)]
    return filled & (_MAY_START_WITH_SPACE[first] | _MAY_END_WITH_SPACE[last])


def full_match(values: pa.ChunkedArray | pa.Array, pattern: str) -> np.ndarray:
    """Boolean array: which values match the anchored RE2 ``pattern`` (missing values → False)."""
    matched = pc.match_substring_regex(values, pattern).fill_null(False)
    return np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)


def valid_email_mask(series: pd.Series | pa.Array) -> np.ndarray:
    """True where the value looks like an e-mail address (surrounding spaces ignored)."""
    return full_match(arrow_strings(series), _PADDED_EMAIL_PATTERN)


def _phone_digits(series: pd.Series | pa.Array) -> pa.ChunkedArray | pa.Array:
    return pc.replace_substring_regex(arrow_strings(series), PHONE_SEPARATORS, "")


def valid_phone_mask(series: pd.Series | pa.Array) -> np.ndarray:
    """True where the value has 8–15 digits (optional leading + or 00), spaces, dashes, dots, brackets aside."""
    return full_match(arrow_strings(series), PHONE_PATTERN)


def phone_shaped_mask(series: pd.Series | pa.Array) -> np.ndarray:
    """Stricter than :func:`valid_phone_mask`: starts like a phone number (+, 00 or a trunk 0)."""
    return full_match(_phone_digits(series), PHONE_SHAPE_PATTERN)


def iban_shaped_mask(series: pd.Series | pa.Array) -> np.ndarray:
    """True where the value, without spaces and upper-cased, has the shape of an IBAN."""
    compact = pc.utf8_upper(pc.replace_substring_regex(arrow_strings(series), r"\s", ""))
    return full_match(compact, IBAN_PATTERN)


def country_codes(series: pd.Series, factorized: Factorized | None = None) -> pd.Categorical:
    """ISO-2 code per row for countries we know postcode shapes of, "" otherwise (as a categorical).

    Country columns hold a handful of values, so each distinct text is looked up once;
    ``factorized`` is (row codes, distinct values) when the caller already has them.
    """
    codes, uniques = factorized if factorized is not None else pd.factorize(series)
    names = uniques.to_pylist() if isinstance(uniques, ArrowStrings) else list(uniques)
    known = [COUNTRY_ALIASES.get(" ".join(value_words(str(value))), "") for value in names]
    categories = sorted({*known, ""})
    position = np.array([categories.index(code) for code in known] + [categories.index("")], dtype=np.int8)
    return pd.Categorical.from_codes(position[codes], categories=categories)  # code -1 (missing) picks ""


def valid_postcode_mask(
    series: pd.Series, countries: pd.Categorical | None = None, factorized: Factorized | None = None
) -> np.ndarray:
    """True where the postcode fits its row's country, or any known shape when the country is unknown.

    Postcodes repeat, so each distinct text is matched once per shape and the answer spread over the rows;
    ``countries`` comes from :func:`country_codes`; ``factorized`` is (row codes, distinct values) when the
    caller already has them.
    """
    codes, uniques = factorized if factorized is not None else pd.factorize(series)
    distinct = uniques if isinstance(uniques, ArrowStrings) else arrow_strings(pd.Series(uniques, dtype="str"))
    upper = pc.utf8_upper(pc.utf8_trim_whitespace(distinct))
    any_shape = "|".join(sorted(set(POSTCODE_PATTERNS.values())))
    present = codes >= 0
    if countries is None:
        return present & np.append(full_match(upper, any_shape), False)[codes]
    valid = np.zeros(len(series), dtype=bool)
    for position, code in enumerate(countries.categories):
        rows = np.flatnonzero(countries.codes == position)
        if not len(rows):
            continue
        row_codes = codes[rows]
        used = np.zeros(len(upper) + 1, dtype=bool)
        used[row_codes] = True  # only the postcodes that occur in this country's rows are matched
        used[-1] = False  # code -1 (missing) is never valid
        fits = np.zeros(len(upper) + 1, dtype=bool)
        wanted = np.flatnonzero(used)
        fits[wanted] = full_match(take_rows(upper, wanted), POSTCODE_PATTERNS.get(code, any_shape))
        valid[rows] = fits[row_codes]
    return valid
