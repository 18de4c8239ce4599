"""Fix steps: the recorded, replayable description of one data fix, and the registry of fixes.

A :class:`FixStep` is a name plus settings, hashable and JSON-safe, so the list of steps can be
stored with a new dataset version and replayed. The fixes themselves live in
:mod:`segmentation.fixes`, which registers each one here with :func:`register_fix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd


class FixError(ValueError):
    """A fix step cannot be read or applied; the message says which step and what to change."""


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


@dataclass(frozen=True)
class FixStep:
    """One named fix with its settings as sorted (key, value) pairs, so steps are hashable."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, name: str, **params: Any) -> FixStep:
        """Build a step from keyword settings; lists become tuples and dates ISO strings."""
        return cls(name, tuple(sorted((key, _frozen(value)) for key, value in params.items() if value is not None)))

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.params)

    def describe(self) -> str:
        """The step in plain words, e.g. "Trim spaces around the values of 'city'"."""
        spec = _FIXES.get(self.name)
        return spec.describe(self.settings) if spec else f"Unknown fix '{self.name}'"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: {"name": ..., "params": {...}}."""
        return {"name": self.name, "params": {key: _plain(value) for key, value in self.params}}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> FixStep:
        """Read a step written by :meth:`to_dict`; unknown fixes or settings raise FixError."""
        if not isinstance(stored, dict) or not isinstance(stored.get("name"), str):
            raise FixError(f"A stored fix step must be a dict with a 'name'; got {stored!r}.")
        step = cls.of(stored["name"], **dict(stored.get("params") or {}))
        spec_for(step, position=None)
        return step


@dataclass(frozen=True)
class AppliedFix:
    """What one step changed: removed/changed rows, changed cells, values that became missing."""

    step: FixStep
    rows_removed: int = 0
    rows_changed: int = 0
    cells_changed: int = 0
    values_made_missing: int = 0
    columns_removed: tuple[str, ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.to_dict(),
            "rows_removed": self.rows_removed,
            "rows_changed": self.rows_changed,
            "cells_changed": self.cells_changed,
            "values_made_missing": self.values_made_missing,
            "columns_removed": list(self.columns_removed),
            "message": self.message,
        }


@dataclass(frozen=True, eq=False)
class FixResult:
    """The fixed copy of the data and one log entry per step."""

    frame: pd.DataFrame
    log: tuple[AppliedFix, ...]


@dataclass(frozen=True)
class _FixSpec:
    function: Callable[..., tuple[pd.DataFrame, dict[str, Any]]]
    describe: Callable[[dict[str, Any]], str]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    column_settings: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


_FIXES: dict[str, _FixSpec] = {}


def fix_names() -> tuple[str, ...]:
    """Names of every registered fix."""
    return tuple(_FIXES)


def spec_for(step: FixStep, position: int | None) -> _FixSpec:
    """The registered fix for ``step`` after checking its settings; FixError names the step and the problem."""
    where = f"Step {position} ('{step.name}')" if position else f"Fix '{step.name}'"
    spec = _FIXES.get(step.name)
    if spec is None:
        raise FixError(f"{where}: unknown fix; choose one of {', '.join(_FIXES)}.")
    settings = step.settings
    if unknown := sorted(set(settings) - set(spec.required) - set(spec.optional)):
        raise FixError(
            f"{where} has no setting {', '.join(map(repr, unknown))}; it takes "
            f"{', '.join(spec.required + spec.optional)}."
        )
    if missing := [key for key in spec.required if key not in settings]:
        raise FixError(f"{where} needs the setting {', '.join(map(repr, missing))}.")
    for key, allowed in spec.choices.items():
        if key in settings and settings[key] not in allowed:
            raise FixError(f"{where}: {key}={settings[key]!r} is not supported; use one of {', '.join(allowed)}.")
    return spec


def register_fix(name: str, describe: Callable[[dict[str, Any]], str], **spec: Any) -> Callable:
    """Decorator: register a fix function under ``name`` with its description and allowed settings."""

    def decorate(function: Callable) -> Callable:
        _FIXES[name] = _FixSpec(function=function, describe=describe, **spec)
        return function

    return decorate


def quoted(columns: Any) -> str:
    """Column names in quotes, comma-separated: "'city', 'region'"."""
    names = columns if isinstance(columns, tuple) else (columns,)
    return ", ".join(f"'{name}'" for name in names)


def count_of(number: int, noun: str) -> str:
    """ "1 row", "2,345 rows": a count with its noun in the right number."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
