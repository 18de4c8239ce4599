"""Skip regex patterns that cannot match: each pattern's required literals, found with one Aho-Corasick pass.

For every pattern we derive a set of literal strings such that any match must contain at least one of
them (``\\bonly\\s+\\d+ … left\\b`` needs "only" or "left"; ``(?:apr|aer)`` needs one of the two). A
message whose light text contains none of a pattern's literals cannot match it, so the regex is not run.
Most marketing messages match no pattern, so this turns ~100 regex scans per message into a handful.
Patterns whose literals cannot be derived (or are too short to be selective) always run.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import itemgetter, or_

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
MAX_REQUIREMENTS = 3  # literal sets checked per pattern: the most selective ones
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}
_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}

Strings = frozenset[str] | None
_SPACE = frozenset({" "})
_MAYBE_SPACE = frozenset({"", " "})
_second = itemgetter(1)


def _concat(left: Strings, right: Strings) -> Strings:
    if left is None or right is None or len(left) * len(right) > EXACT_LIMIT:
        return None
    # The automaton scans text whose white space runs are folded to one space, so "a" + " " + " "
    # is looked for as "a ".
    return frozenset((a + b).replace("  ", " ") for a in left for b in right)


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


def _best(requirements: Sequence[frozenset[str]]) -> Strings:
    best: Strings = None
    for literals in requirements:
        best = _better(best, literals)
    return best


def _sequence(items: Sequence[tuple]) -> tuple[Strings, list[frozenset[str]]]:
    """(every string the sequence can match if few, literal sets each of which every match meets).

    Every match contains at least one literal of each returned set; the sets come from different
    parts of the sequence, so together they are a stronger filter than the best one alone.
    """
    exact: Strings = frozenset({""})
    run: Strings = frozenset({""})
    requirements: list[frozenset[str]] = []
    for op, argument in items:
        node_exact, node_requirements = _node(op, argument)
        exact = _concat(exact, node_exact)
        if node_exact is not None:
            joined = _concat(run, node_exact)
            if joined is None:
                requirements.append(run)
                joined = node_exact
            run = joined
        else:
            requirements += [run, *node_requirements]
            run = frozenset({""})
    requirements.append(run)
    return exact, [literals for literals in requirements if literals and "" not in literals]


def _node(op: object, argument: object) -> tuple[Strings, list[frozenset[str]]]:
    if op == sre_constants.LITERAL:
        char = chr(argument)  # type: ignore[arg-type]
        literal = _SPACE if char.isspace() else frozenset({char.lower()})
        return literal, [literal]
    if op in _ZERO_WIDTH:
        return frozenset({""}), []
    if op == sre_constants.IN:
        chars = _class_chars(argument)  # type: ignore[arg-type]
        return chars, [chars] if chars else []
    if op == sre_constants.SUBPATTERN:
        return _sequence(argument[-1])  # type: ignore[index]
    if op == getattr(sre_constants, "ATOMIC_GROUP", None):
        return _sequence(argument)  # type: ignore[arg-type]
    if op == sre_constants.BRANCH:
        exact: Strings = frozenset()
        required: Strings = frozenset()
        for alternative in argument[1]:  # type: ignore[index]
            alternative_exact, alternative_requirements = _sequence(alternative)
            exact = None if exact is None or alternative_exact is None else exact | alternative_exact
            chosen = _better(_best(alternative_requirements), alternative_exact)
            required = None if required is None or chosen is None else required | chosen
        if exact is not None and len(exact) > EXACT_LIMIT:
            exact = None
        return exact, [required] if required else []
    if op in _REPEATS:
        low, high, item = argument  # type: ignore[misc]
        item_exact, item_requirements = _sequence(item)
        if item_exact == _SPACE:  # any run of white space is one space in folded text
            return (_SPACE if low else _MAYBE_SPACE), []
        if low == 0:
            optional = frozenset({""}) | item_exact if high == 1 and item_exact is not None else None
            return optional, []
        whole = [item_exact] if item_exact and "" not in item_exact else []
        return (item_exact if low == high == 1 else None), item_requirements + whole
    return None, []


def _class_chars(items: Sequence[tuple]) -> Strings:
    chars: set[str] = set()
    for op, argument in items:
        if op == sre_constants.CATEGORY and argument == sre_constants.CATEGORY_DIGIT:
            chars.update("0123456789")  # light text writes every digit in ASCII
        elif op == sre_constants.CATEGORY and argument == sre_constants.CATEGORY_SPACE:
            chars.add(" ")  # folded text writes every white space run as one space
        elif op == sre_constants.LITERAL and chr(argument).isspace():
            chars.add(" ")
        elif op == sre_constants.LITERAL:
            chars.add(chr(argument).lower())
        elif op == sre_constants.RANGE and argument[1] - argument[0] < 10:
            chars.update(chr(code).lower() for code in range(argument[0], argument[1] + 1))
        else:
            return None
    return frozenset(chars) if len(chars) <= 10 else None


def required_literal_sets(source: str) -> tuple[frozenset[str], ...]:
    """Selective literal sets, most selective first, such that every match of ``source`` contains a
    literal of each set (empty: cannot tell, always run the pattern)."""
    try:
        requirements = _sequence(list(sre_parse.parse(source)))[1]
    except Exception:  # noqa: BLE001 - analysis is an optimisation; any surprise means "always run"
        return ()
    selective = {literals for literals in requirements if _score(literals)[0] >= MIN_SELECTIVITY}
    return tuple(sorted(selective, key=lambda literals: (_score(literals), sorted(literals)),
                        reverse=True)[:MAX_REQUIREMENTS])


def required_literals(source: str) -> frozenset[str] | None:
    """Literals one of which every match of ``source`` contains (None: cannot tell, always run it)."""
    sets = required_literal_sets(source)
    return sets[0] if sets else None


def starts_with_boundary(source: str) -> bool:
    """True when the whole pattern is ``\\b`` followed by the rest (no top-level alternation)."""
    try:
        items = list(sre_parse.parse(source))
    except Exception:  # noqa: BLE001 - unknown means "keep the pattern as written"
        return False
    return bool(items) and items[0] == (sre_constants.AT, sre_constants.AT_BOUNDARY)


def fold_white_space(text: str) -> str:
    """``text`` with every run of white space written as one space (what the automaton scans)."""
    if "  " not in text and text.isprintable():  # the common case: single spaces only (" " is printable,
        return text                               # every other white space character is not)
    # A run at either end stays one space: a literal such as " left" may start the text.
    return (" " if text[:1].isspace() else "") + " ".join(text.split()) + (" " if text[-1:].isspace() else "")


class PatternPrefilter:
    """One automaton over all patterns' required literals; tells which patterns may match a text.

    Each required literal set of each pattern is one bit; a literal's automaton value is the mask of
    the sets it belongs to. A text's hits are OR-ed into one integer, and a pattern is a candidate when
    all its bits are set — a handful of integer operations per message instead of set unions.
    """

    def __init__(self, sources: Sequence[str]) -> None:
        self.always: list[int] = []
        self._needed: list[int] = [0] * len(sources)
        self._owner: list[int] = []  # pattern index of each bit
        first_bits = 0
        keyed: dict[str, int] = {}
        for index, source in enumerate(sources):
            requirements = required_literal_sets(source)
            if not requirements:
                self.always.append(index)
                continue
            for position, literals in enumerate(requirements):
                bit = 1 << len(self._owner)
                self._owner.append(index)
                self._needed[index] |= bit
                if position == 0:
                    first_bits |= bit
                for literal in literals:
                    keyed[literal] = keyed.get(literal, 0) | bit
        self._first_bits = first_bits
        self.automaton = ahocorasick.Automaton()
        for literal, mask in keyed.items():
            self.automaton.add_word(literal, mask)
        self.size = len(keyed)
        if self.size:
            self.automaton.make_automaton()

    def candidates(self, light_text: str) -> list[int]:
        """Indexes of the patterns that may match ``light_text``, in pattern order."""
        if not self.size:
            return list(self.always)
        found = reduce(or_, map(_second, self.automaton.iter(fold_white_space(light_text))), 0)
        first = found & self._first_bits
        if not first:
            return list(self.always)
        chosen = []
        needed, owner = self._needed, self._owner
        while first:
            lowest = first & -first
            index = owner[lowest.bit_length() - 1]
            if needed[index] & found == needed[index]:
                chosen.append(index)
            first ^= lowest
        return sorted(chosen + self.always) if self.always else chosen
