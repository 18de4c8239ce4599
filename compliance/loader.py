"""Read rule packs and profiles from YAML, resolve `extends`, apply overlays, and cache compiled rule sets.

A profile (``compliance/profiles/<name>.yaml``) lists ``packs`` by name (``compliance/packs/<name>.yaml``),
may ``extends`` other profiles (cycles refused) and may carry an ``overlay``. ``load_ruleset`` returns a
compiled `RuleSet`, cached per (profile, packs dir, overlay) so compiling happens once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from compliance.overlay import Overlay, apply_overlay
from compliance.rules import Pack, Problem, Rule, RulePackError
from compliance.ruleset import RuleSet
from compliance.schema import build_pack, check_pack_data, parse_yaml

PACKAGE_DIR = Path(__file__).resolve().parent
PACKS_DIR = PACKAGE_DIR / "packs"
PROFILES_DIR = PACKAGE_DIR / "profiles"
PROFILE_KEYS = ("description", "extends", "packs", "overlay")
ALL_PACKS = "all"


def display_path(path: Path) -> str:
    """A short path for messages: relative to the package for shipped files, else as given."""
    resolved = path.resolve()
    for base in (PACKAGE_DIR, Path.cwd()):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(path)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulePackError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise RulePackError(f"{display_path(path)}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read ({exc.strerror})") from None


def _problems_to_error(problems: Sequence[Problem]) -> RulePackError:
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return RulePackError(f"{problems[0]}{more}")


def read_pack(path: str | Path) -> Pack:
    """Load and validate one pack file; the first problem is raised as a RulePackError."""
    path = Path(path)
    shown = display_path(path)
    data = parse_yaml(_read_text(path), shown)
    problems = check_pack_data(data, shown)
    if problems:
        raise _problems_to_error(problems)
    return build_pack(data, shown, path.stem)


def validate_pack(path_or_text: str | Path) -> list[str]:
    """Every problem of a pack given as a file path or as YAML text (empty list: valid)."""
    is_path = isinstance(path_or_text, Path) or ("\n" not in path_or_text and
                                                 path_or_text.strip().endswith((".yaml", ".yml")))
    try:
        if is_path:
            shown = display_path(Path(path_or_text))
            data = parse_yaml(_read_text(Path(path_or_text)), shown)
        else:
            shown = "<text>"
            data = parse_yaml(str(path_or_text), shown)
    except RulePackError as exc:
        return [str(exc)]
    return [str(problem) for problem in check_pack_data(data, shown)]


def export_pack_yaml(pack: Pack | Sequence[Rule], *, category: str | None = None, description: str = "") -> str:
    """A pack (or a list of rules of one category) as YAML text that `read_pack` reads back unchanged."""
    if isinstance(pack, Pack):
        rules, category, description = pack.rules, pack.category, description or pack.description
    else:
        rules = tuple(pack)
        categories = {rule.category for rule in rules}
        if category is None:
            if len(categories) != 1:
                raise RulePackError(f"export: rules of {len(categories)} categories; a pack holds exactly one")
            category = categories.pop()
    document: dict[str, Any] = {"category": category}
    if description:
        document["description"] = description
    document["rules"] = [rule.to_dict() for rule in rules]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def _profile_path(name: str, relative_to: Path | None) -> Path:
    if name.endswith((".yaml", ".yml")):
        path = Path(name)
        return path if path.is_absolute() or relative_to is None else relative_to / path
    for directory in ([relative_to] if relative_to else []) + [PROFILES_DIR]:
        candidate = directory / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    available = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
    raise RulePackError(f"unknown profile '{name}' (available: {available}, or a path to a profile .yaml)")


def _profile_data(path: Path) -> dict[str, Any]:
    shown = display_path(path)
    data = parse_yaml(_read_text(path), shown)
    if not isinstance(data, dict):
        raise RulePackError(f"{shown}: expected a mapping with {', '.join(PROFILE_KEYS)}")
    for key in data:
        if key not in PROFILE_KEYS:
            raise RulePackError(f"{shown}: unknown key '{key}' (expected {', '.join(PROFILE_KEYS)})")
    for key in ("extends", "packs"):
        value = data.get(key, [])
        if isinstance(value, str):
            data[key] = [value]
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RulePackError(f"{shown}: {key}: expected a name or a list of names")
    return data


def _collect(path: Path, chain: tuple[Path, ...]) -> tuple[list[tuple[str, Path]], list[tuple[Any, str]]]:
    """Pack references and overlays of a profile and everything it extends, parents first."""
    if path.resolve() in chain:
        names = " -> ".join(p.stem for p in (*chain, path.resolve()))
        raise RulePackError(f"{display_path(path)}: extends cycle: {names}")
    chain = (*chain, path.resolve())
    data = _profile_data(path)
    packs: list[tuple[str, Path]] = []
    overlays: list[tuple[Any, str]] = []
    for parent in data.get("extends", []):
        parent_packs, parent_overlays = _collect(_profile_path(parent, path.parent), chain)
        packs += [p for p in parent_packs if p not in packs]
        overlays += parent_overlays
    packs += [(name, path) for name in data.get("packs", []) if (name, path) not in packs]
    if data.get("overlay") is not None:
        overlays.append((data["overlay"], f"{display_path(path)}: overlay"))
    return packs, overlays


def _pack_file(name: str, profile: Path | None, packs_dir: Path) -> Path:
    if name.endswith((".yaml", ".yml")):
        return (profile.parent / name) if profile is not None else Path(name)
    candidate = packs_dir / f"{name}.yaml"
    if not candidate.is_file():
        available = ", ".join(sorted(p.stem for p in packs_dir.glob("*.yaml")))
        where = f"{display_path(profile)}: " if profile is not None else ""
        raise RulePackError(f"{where}pack '{name}' not found in {display_path(packs_dir)} (available: {available})")
    return candidate


def _build(profile: str, packs_dir: Path, overlay_json: str) -> RuleSet:
    if profile == ALL_PACKS:
        files = sorted(packs_dir.glob("*.yaml"))
        if not files:
            raise RulePackError(f"{display_path(packs_dir)}: no .yaml packs found")
        references: list[tuple[str, Path | None]] = [(str(f), None) for f in files]
        overlays: list[tuple[Any, str]] = []
        name = ALL_PACKS
    else:
        profile_file = _profile_path(profile, None)
        collected, overlays = _collect(profile_file, ())
        references = list(collected)
        name = profile_file.stem
    seen: set[Path] = set()
    packs = []
    for reference, owner in references:
        file = _pack_file(reference, owner, packs_dir).resolve()
        if file not in seen:
            seen.add(file)
            packs.append(read_pack(file))
    effective: tuple[Pack, ...] = tuple(packs)
    for data, where in overlays:
        effective = apply_overlay(effective, data, where)
    effective = apply_overlay(effective, json.loads(overlay_json), "overlay")
    return RuleSet.from_packs(name, effective)


_build_cached = lru_cache(maxsize=32)(_build)


def load_ruleset(profile: str = "default", *, packs_dir: str | Path | None = None,
                 overlay: Overlay | Mapping[str, Any] | None = None) -> RuleSet:
    """The compiled rule set of a profile (a shipped name, a profile .yaml path, or "all" packs in packs_dir).

    ``packs_dir`` replaces the shipped packs folder; ``overlay`` is an organisation's tuning applied last.
    Results are cached, so calling this per message is cheap.
    """
    overlay_json = json.dumps(Overlay.from_mapping(overlay).to_dict(), sort_keys=True)
    directory = Path(packs_dir).resolve() if packs_dir is not None else PACKS_DIR
    if not directory.is_dir():
        raise RulePackError(f"{packs_dir}: packs folder not found")
    name = str(profile)
    if name.endswith((".yaml", ".yml")):
        name = str(Path(name).resolve())  # the cache key must not depend on the working directory
    return _build_cached(name, directory, overlay_json)


def load_rules_path(path: str | Path, profile: str | None = None) -> RuleSet:
    """Rules from a path given on the command line: a pack file, a profile file, or a folder of packs."""
    path = Path(path)
    if path.is_dir():
        return load_ruleset(profile or ALL_PACKS, packs_dir=path)
    if not path.is_file():
        raise RulePackError(f"{path}: no such file or folder")
    data = parse_yaml(_read_text(path), display_path(path))
    if isinstance(data, dict) and "rules" in data:
        return RuleSet.from_packs(path.stem, [read_pack(path)])
    return load_ruleset(str(path.resolve()))


@lru_cache(maxsize=1)
def default_ruleset() -> RuleSet:
    """The shipped default profile, compiled once per process."""
    return load_ruleset()


def clear_cache() -> None:
    """Forget compiled rule sets (after pack files changed on disk)."""
    _build_cached.cache_clear()
    default_ruleset.cache_clear()
