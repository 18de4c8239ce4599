"""Language data the matcher relies on: look-alike letters, leetspeak, stop words, negators, suffixes.

These are properties of the languages, not rules: rule packs (YAML) say *what* is a problem, this
module says how English, Dutch and German text is read.
"""

from __future__ import annotations

# Cyrillic and Greek letters (lower case, after case folding) that look like Latin ones; spammers swap
# them in to dodge keyword filters ("саsino" with a Cyrillic "с"). Letters without a Unicode
# decomposition (ł, ø, đ, ı) are mapped here too so diacritics removal is complete.
LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ɡ": "g", "ɩ": "i", "ο": "o", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "η": "n", "ϲ": "c", "ϳ": "j", "ł": "l", "ø": "o", "đ": "d", "ı": "i",
    "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th",
}

# Typographic punctuation folded to ASCII so regex patterns can be written with plain quotes/dashes.
PUNCTUATION = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
               "–": "-", "—": "-", "‑": "-", "‐": "-", "−": "-", "…": "...", "\u00a0": " ", "\u202f": " "}

# Leetspeak, applied only inside a word that also has letters, so "5% APR" keeps its number while
# "c4s1n0" reads "casino". "1" is ambiguous (i or l): the matcher also tries the "l" reading.
LEET = {"4": "a", "@": "a", "0": "o", "1": "i", "3": "e", "5": "s", "$": "s", "7": "t", "!": "i"}
LEET_ONE_ALTERNATIVE = "l"

# Inflection endings a plain term may carry (in collapsed form: doubled letters written once).
SUFFIXES = {
    "en": frozenset({"s", "es"}),
    "nl": frozenset({"s", "en", "e", "n", "tje", "tjes", "je", "jes"}),
    "de": frozenset({"e", "en", "n", "s", "es", "er", "ern", "em", "ns"}),
}

# A word ending in one of these right after a term frees the text from it: "alcoholvrij",
# "alkoholfrei", "zinslos", "rentevrije" (compared against the collapsed remainder of the word).
FREE_SUFFIXES = ("vrij", "frei", "fre", "los", "lose", "lo")
# ... and as a separate word joined by a hyphen: "alcohol-free", "interest-free", "zins-frei" ("-los" is
# left out: "Lotterie-Los" is a lottery ticket).
FREE_WORDS = frozenset({"free", "vrij", "vrije", "frei", "freie", "freies", "freien", "freier"})

# Words that negate or warn against what follows within the negation window ("no gambling",
# "geen gokken", "kein Glücksspiel", "addicted to gambling", "instead of interest"). Dutch "tegen" and
# German "gegen" are left out: "tegen een lage rente" means "at a low rate".
NEGATORS = frozenset({
    # English
    "no", "not", "never", "without", "non", "nor", "neither", "zero", "avoid", "avoids", "avoiding", "stop",
    "stopping", "quit", "quitting", "against", "anti", "ban", "bans", "banned", "addicted", "addiction",
    "instead", "free",
    # Dutch
    "geen", "niet", "nooit", "zonder", "stoppen", "verslaafd", "verslaving", "plaats", "vrij",
    # German
    "kein", "keine", "keinen", "keinem", "keiner", "keines", "nicht", "nie", "niemals", "ohne", "statt",
    "anstatt", "anstelle", "stopp", "suchtig", "sucht", "verzicht", "verzichte", "verzichten",
})
# "free" and "vrij" negate only as "free of" / "vrij van"; "plaats" only as "in plaats van".
NEGATORS_NEEDING_NEXT = {"free": "of", "vrij": "van", "plaats": "van", "instead": "of"}
NEGATION_WINDOW = 3
# English contractions ("don't" is read as the words "don" + "t") negate only the word right after them:
# "don't gamble" is a warning, but "don't miss our casino night" is a promotion.
CONTRACTED_NEGATIONS = frozenset({
    "don", "doesn", "didn", "won", "can", "isn", "aren", "wasn", "weren", "shouldn", "wouldn", "couldn", "mustn",
    "needn", "haven", "hasn", "hadn",
})
APOSTROPHE_LESS_NEGATIONS = frozenset({"dont", "doesnt", "didnt", "wont", "cant", "isnt", "arent", "shouldnt"})
# A question answered by a lone "No" ("Summer wines? No - try our elderflower spritz") rejects what it asked
# about; "No problem" or "No credit check" after a question does not ("Need a loan? No problem!").
ANSWER_NEGATORS = frozenset({"no", "nope", "nee", "nein", "never", "nooit", "niemals"})
ANSWER_POLITENESS = frozenset({"thanks", "thank", "bedankt", "dank", "danke", "hoor"})
QUESTION_REACH = 12

# "0 %" right before a term means "free of it": "0 % Zinsen" is "zinsfrei", "0% rente" is "rentevrij",
# "0,0 % alcohol" is alcohol-free (written for light text: lower case, ASCII digits).
ZERO_RATE = (r"(?<![\d.,])0+(?:[.,]0+)?\s?(?:%|procent|prozent|percent|per cent)"
             r"|\b(?:zero|null|nul)[- ]?(?:%|procent|prozent|percent|per cent)")

# Characters between two words that end a clause: negation does not reach across them. A dash with
# spaces around it ("ohne Diät - Erfolg garantiert") ends a clause too; a hyphen inside a word does not.
CLAUSE_BREAKS = frozenset(".!?;:\n")
SENTENCE_BREAKS = frozenset(".!?\n")
# A comma ends a negation's reach ("zonder dieet, 100% gegarandeerd resultaat") unless it continues a
# list of hits ("no alcohol, gambling or pork").
PHRASE_BREAKS = frozenset(",")

# Stop words for language detection: frequent function words that are distinctive for each language
# (written after normalisation: no diacritics, "ß" as "ss").


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = {
    "en": _word_list("""the and you your for with are this that our now get only all from will have has can
        more its of to be on at by we us off just what when here there today new best than who which was
        were been would could should their they them these those"""),
    "nl": _word_list("""de het een en van je jouw jij voor met zijn nu niet op ook wij we onze ons bij naar
        dit deze geen wordt alleen nog maar dan als wat wie waar hier daar vandaag nieuwe beste kun kunt
        heb hebt heeft er uw u ze zij hun tot uit over"""),
    "de": _word_list("""der die das und ist sie ihr ihre fur mit nicht jetzt nur ein eine einen auf bei zu
        von wir unsere unser dein deine kein keine noch den dem des im vom zum zur auch sich sind wird
        werden hier heute neue beste oder aber wenn wie was wer dich dir"""),
}
