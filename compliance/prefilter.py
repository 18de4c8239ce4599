"""Skip regex patterns that cannot match: each pattern's required literals, found with one Aho-Corasick pass.

For every pattern we derive a set of literal strings such that any match must contain at least one of
them (``\\bonly\\s+\\d+ … left\\b`` needs "only" or "left"; ``(?:apr|aer)`` needs one of the two). A
message whose light text contains none of a pattern's literals cannot match it, so the regex is not run.
Most marketing messages match no pattern, so this turns ~100 regex scans per message into a handful.
Patterns whose literals cannot be derived (or are too short to be selective) always run.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

import ahocorasick

try:  # the regex parser is internal to the re module; without it, every pattern simply always runs
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

EXACT_LIMIT = 64
# How selective a literal is: letters and digits count 1, characters that are rare in marketing copy 3,
# other punctuation and spaces 0.5. A pattern runs unconditionally when its best literal scores < 2.5.
RARE_CHARACTERS = frozenset("*#|~^$@!?+=<>[]{}\\/")
MIN_SELECTIVITY = 2.5
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}
_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}

Strings = frozenset[str] | None
_second = itemgetter(1)


def _concat(left: Strings, right: Strings) -> Strings:
    if left is None or right is None or len(left) * len(right) > EXACT_LIMIT:
        return None
    return frozenset(a + b for a in left for b in right)


def _selectivity(literal: str) -> float:
    return sum(1.0 if c.isalnum() else 3.0 if c in RARE_CHARACTERS else 0.5 for c in literal)


def _score(literals: frozenset[str]) -> tuple[float, int]:
    return min(map(_selectivity, literals)), -len(literals)


def _better(current: Strings, candidate: Strings) -> Strings:
    """The more selective of two literal sets (best worst literal, then fewer literals)."""
    if not candidate or "" in candidate:
        return current
    if current is None:
        return candidate
    return candidate if _score(candidate) > _score(current) else current


def _sequence(items: Sequence[tuple]) -> tuple[Strings, Strings]:
    """(every string the sequence can match if few, literals one of which every match contains)."""
    exact: Strings = frozenset({""})
    run: Strings = frozenset({""})
    best: Strings = None
    for op, argument in items:
        node_exact, node_required = _node(op, argument)
        exact = _concat(exact, node_exact)
        if node_exact is not None:
            joined = _concat(run, node_exact)
            if joined is None:
                best = _better(best, run)
                joined = node_exact
            run = joined
        else:
            best = _better(_better(best, run), node_required)
            run = frozenset({""})
    return exact, _better(best, run)


def _node(op: object, argument: object) -> tuple[Strings, Strings]:
    if op == sre_constants.LITERAL:
        literal = frozenset({chr(argument).lower()})  # type: ignore[arg-type]
        return literal, literal
    if op in _ZERO_WIDTH:
        return frozenset({""}), None
    if op == sre_constants.IN:
        chars = _class_chars(argument)  # type: ignore[arg-type]
        return chars, chars
    if op == sre_constants.SUBPATTERN:
        return _sequence(argument[-1])  # type: ignore[index]
    if op == getattr(sre_constants, "ATOMIC_GROUP", None):
        return _sequence(argument)  # type: ignore[arg-type]
    if op == sre_constants.BRANCH:
        results = [_sequence(alternative) for alternative in argument[1]]  # type: ignore[index]
        exact: Strings = frozenset()
        required: Strings = frozenset()
        for alternative_exact, alternative_required in results:
            exact = None if exact is None or alternative_exact is None else exact | alternative_exact
            chosen = _better(alternative_required, alternative_exact)
            required = None if required is None or chosen is None else required | chosen
        if exact is not None and len(exact) > EXACT_LIMIT:
            exact = None
        return exact, required
    if op in _REPEATS:
        low, high, item = argument  # type: ignore[misc]
        item_exact, item_required = _sequence(item)
        if low == 0:
            optional = frozenset({""}) | item_exact if high == 1 and item_exact is not None else None
            return optional, None
        return (item_exact if low == high == 1 else None), _better(item_required, item_exact)
    return None, None


def _class_chars(items: Sequence[tuple]) -> Strings:
    chars: set[str] = set()
    for op, argument in items:
        if op == sre_constants.LITERAL:
            chars.add(chr(argument).lower())
        elif op == sre_constants.RANGE and argument[1] - argument[0] < 10:
            chars.update(chr(code).lower() for code in range(argument[0], argument[1] + 1))
        else:
            return None
    return frozenset(chars) if len(chars) <= 10 else None


def required_literals(source: str) -> frozenset[str] | None:
    """Literals one of which every match of ``source`` contains (None: cannot tell, always run it)."""
    try:
        parsed = sre_parse.parse(source)
        literals = _sequence(list(parsed))[1]
    except Exception:  # noqa: BLE001 - analysis is an optimisation; any surprise means "always run"
        return None
    if not literals or _score(literals)[0] < MIN_SELECTIVITY:
        return None
    return literals


def starts_with_boundary(source: str) -> bool:
    """True when the whole pattern is ``\\b`` followed by the rest (no top-level alternation)."""
    try:
        items = list(sre_parse.parse(source))
    except Exception:  # noqa: BLE001 - unknown means "keep the pattern as written"
        return False
    return bool(items) and items[0] == (sre_constants.AT, sre_constants.AT_BOUNDARY)


class PatternPrefilter:
    """One automaton over all patterns' required literals; tells which patterns may match a text."""

    def __init__(self, sources: Sequence[str]) -> None:
        self.always: list[int] = []
        keyed: dict[str, set[int]] = {}
        for index, source in enumerate(sources):
            literals = required_literals(source)
            if literals is None:
                self.always.append(index)
            else:
                for literal in literals:
                    keyed.setdefault(literal, set()).add(index)
        self.automaton = ahocorasick.Automaton()
        for literal, indexes in keyed.items():
            self.automaton.add_word(literal, frozenset(indexes))
        self.size = len(keyed)
        if self.size:
            self.automaton.make_automaton()

    def candidates(self, light_text: str) -> list[int]:
        """Indexes of the patterns that may match ``light_text``, in pattern order."""
        if not self.size:
            return list(self.always)
        return sorted(set(self.always).union(*map(_second, self.automaton.iter(light_text))))
