"""Brand consistency: does a segment's message still carry the campaign's core message?

The seed article asks for "een duidelijke kernboodschap en merkwaarden die in alle communicatie,
ongeacht het segment, terugkomen": the wording may vary per segment, the core may not. Two signals:

- similarity (0–1): the mean of rapidfuzz's token-set ratio (word overlap, order-free, so a message
  that contains the whole core message scores high however much it adds) and the cosine similarity
  of TF-IDF vectors of character 3–5-grams within words (robust to inflection: "transparant" /
  "transparante", "Vertrauen" / "vertrauensvoll"), which works the same for en, nl and de;
- missing key terms: the content words of the core message (en/nl/de stop words removed) that the
  message does not contain in any inflected form.

A message has drifted when its similarity is below the threshold or it lacks more than half of the
key terms. Both texts should be in the same language: no translation happens here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

__all__ = ["DEFAULT_THRESHOLD", "MAX_MISSING_SHARE", "STOP_WORDS", "BrandCheck", "BrandInputError", "brand_check",
           "key_terms"]

DEFAULT_THRESHOLD = 0.35  # below this the message reads as a different message (tuned on en/nl/de examples in tests)
MAX_MISSING_SHARE = 0.5  # losing more than half of the core's key terms is drift whatever the similarity
_MIN_TERM_LENGTH = 3
_MIN_SHARED_PREFIX = 5  # "transparant" matches "transparante", "vertrauen" matches "vertrauensvoll"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")



def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words in folded form (lower case, no accents, ß as ss): texts are folded before lookup.
STOP_WORDS: frozenset[str] = _word_set("""
a about after all also an and any are as at be because been before being but by can could do does for from
get gets got had has have he her here his how i if in into is it its just let like make makes more most my
new no not now of off on only or other our ours out over own same she so some such than that the their them
then there these they this those through to too up us very was we were what when where which while who why
will with without would you your yours today best every each
aan af al alle alles als altijd ben bij daar dan dat de der des deze die dit doch doen door dus een eens
en er ga gaan geen had heb hebben hebt heeft het hier hij hoe hun ik in is ja je jij jou jouw jullie kan
kun kunnen kunt maar me meer men met mij mijn moet na naar niet niets nog nu of om onder ons onze ook op
over per te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wie wij wil worden
wordt zal ze zelf zich zij zijn zo zonder zou vandaag nieuwe nieuw beste elk elke ieder iedere
ab aber alle allem allen aller alles als also am an auch auf aus bei beim bin bis bist da dadurch damit
dann das dass dein deine dem den der des dich die dies diese diesem diesen dieser dir doch dort du durch
ein eine einem einen einer eines er es euch euer eure fur hat hatte hier ich ihr ihre ihrem ihren ihrer
im in ist ja jede jedem jeden jeder jetzt kann kein keine konnen mehr mein meine mit muss nach nicht noch
nun nur ob oder ohne sehr sein seine sich sie sind so uber um und uns unser unsere unter vom von vor war
waren was weil wenn werden wie wir wird zu zum zur heute neu neue neuen beste jeden
""")


class BrandInputError(ValueError):
    """A brand check that cannot run (no core message); the message says what to fill in."""


@dataclass(frozen=True)
class BrandCheck:
    """How close a segment message stays to the core message, which key terms it lost, and what to do."""

    similarity: float
    missing_terms: tuple[str, ...]
    drifted: bool
    advice: str


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def key_terms(core: str) -> tuple[str, ...]:
    """The content words of `core` in order of first appearance: stop words and words under 3 letters removed."""
    terms = [word for word in _words(core) if len(word) >= _MIN_TERM_LENGTH and word not in STOP_WORDS]
    return tuple(dict.fromkeys(terms))


def _present(term: str, words: set[str]) -> bool:
    """True when `term` occurs in `words` as is or inflected (shared stem of ≥ 5 letters, or a close spelling)."""
    if term in words:
        return True
    for word in words:
        shorter, longer = sorted((term, word), key=len)
        if len(shorter) >= _MIN_TERM_LENGTH + 1 and longer.startswith(shorter) and len(longer) - len(shorter) <= 3:
            return True  # a short word with an ending: "fair" / "faire", "halal" / "halals"
        if len(shorter) >= _MIN_SHARED_PREFIX and longer.startswith(shorter[:max(_MIN_SHARED_PREFIX,
                                                                                  len(shorter) - 2)]):
            return True
        if len(shorter) >= _MIN_SHARED_PREFIX and fuzz.ratio(term, word) >= 85:
            return True
    return False


def _similarity(core: str, message: str) -> float:
    folded_core, folded_message = " ".join(_words(core)), " ".join(_words(message))
    if not folded_core or not folded_message:
        return 0.0
    overlap = fuzz.token_set_ratio(folded_core, folded_message) / 100
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectors = vectorizer.fit_transform([folded_core, folded_message])
    cosine = float(cosine_similarity(vectors[0], vectors[1])[0, 0])
    return round((overlap + cosine) / 2, 4)


def brand_check(core: str, message: str, *, threshold: float = DEFAULT_THRESHOLD) -> BrandCheck:
    """Compare a segment message with the campaign's core message; see the module docstring for the rule.

    Raises BrandInputError when `core` has no words (the campaign's core message is not written yet).
    """
    if not 0.0 <= threshold <= 1.0:
        raise BrandInputError(f"threshold={threshold!r} must lie between 0 and 1.")
    if not _words(core or ""):
        raise BrandInputError("The campaign has no core message yet; write it on the campaign before checking "
                              "segment messages against it.")
    terms = key_terms(core)
    message_words = set(_words(message or ""))
    missing = tuple(term for term in terms if not _present(term, message_words))
    similarity = _similarity(core, message or "")
    lost_most = bool(terms) and len(missing) / len(terms) > MAX_MISSING_SHARE
    drifted = similarity < threshold or lost_most
    shown = ", ".join(f"'{term}'" for term in missing[:6]) + (" …" if len(missing) > 6 else "")
    if drifted:
        reason = (f"similarity {similarity:.2f} is below {threshold:.2f}" if similarity < threshold
                  else f"{len(missing)} of {len(terms)} key terms are missing")
        advice = (f"The message has drifted from the core message ({reason}). Bring back the core message"
                  + (f" and its key terms: {shown}." if missing else "."))
    elif missing:
        advice = f"Consistent with the core message; consider also using {shown}."
    else:
        advice = "Consistent with the core message: all key terms are there."
    return BrandCheck(similarity, missing, drifted, advice)
