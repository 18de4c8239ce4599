"""Deterministic generator of realistic marketing messages (English, Dutch, German) for the screening benchmark.

Each message is a greeting plus product, offer and service sentences with varied names, products, prices,
dates and cities, 40-600 characters long; about one in ten carries a planted problem sentence (gambling,
riba, false scarcity, a misleading claim, alcohol, adult content, dating, occult or hate), some of them
obfuscated the way spammers do it. The same seed always gives the same messages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LANGUAGES = ("en", "nl", "de")
MIN_LENGTH = 40
MAX_LENGTH = 600


@dataclass(frozen=True)
class MarketingMessage:
    """One generated message; `problem` names the planted category, None for a clean message."""

    text: str
    lang: str
    problem: str | None


FILLERS = {
    "name": ["Sarah", "Fatima", "Jan", "Aylin", "Mohammed", "Sophie", "Lukas", "Emma", "Yusuf", "Noah", "Lina"],
    "price": ["9.99", "14.95", "19.99", "24.50", "39", "49.90", "79", "129", "249"],
    "discount": ["10", "15", "20", "25", "30", "40"],
    "code": ["WELCOME10", "SPRING25", "THANKS15", "EID20", "FAMILY10", "AUTUMN30"],
    "number": ["2", "3", "4", "5", "6", "12"],
    "time": ["02:59:59", "01:14:07", "00:45:12", "05:30:00"],
    "order": ["48213", "50177", "61290", "73302", "80451"],
}
LANGUAGE_FILLERS = {
    "en": {
        "product": ["linen shirt", "wool scarf", "trench coat", "ceramic mug set", "bamboo toothbrush pack",
                    "running shoes", "wireless headphones", "prayer mat", "leather backpack", "recipe box"],
        "colour": ["navy", "sand", "olive", "burgundy", "charcoal", "sky blue"],
        "city": ["Leeds", "Manchester", "Bristol", "Glasgow", "Cardiff"],
        "day": ["Monday", "Thursday", "Friday", "Saturday", "Sunday"],
        "date": ["31 December", "15 January", "30 June", "4 May", "1 September"],
    },
    "nl": {
        "product": ["linnen overhemd", "wollen sjaal", "regenjas", "keramische mokkenset", "hardloopschoenen",
                    "draadloze koptelefoon", "gebedskleed", "leren rugzak", "maaltijdbox", "fietstas"],
        "colour": ["marineblauw", "zandkleur", "olijfgroen", "bordeaux", "antraciet", "hemelsblauw"],
        "city": ["Utrecht", "Rotterdam", "Eindhoven", "Groningen", "Antwerpen"],
        "day": ["maandag", "donderdag", "vrijdag", "zaterdag", "zondag"],
        "date": ["31 december", "15 januari", "30 juni", "4 mei", "1 september"],
    },
    "de": {
        "product": ["Leinenhemd", "Wollschal", "Trenchcoat", "Keramiktassen-Set", "Laufschuhe",
                    "kabellose Kopfhörer", "Gebetsteppich", "Lederrucksack", "Kochbox", "Fahrradtasche"],
        "colour": ["Marineblau", "Sand", "Olivgrün", "Bordeaux", "Anthrazit", "Himmelblau"],
        "city": ["Köln", "Hamburg", "Leipzig", "München", "Wien"],
        "day": ["Montag", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
        "date": ["31. Dezember", "15. Januar", "30. Juni", "4. Mai", "1. September"],
    },
}

GREETINGS = {
    "en": ["Hi {name},", "Hello {name}!", "Dear {name},", "Good news, {name}:"],
    "nl": ["Hoi {name},", "Hallo {name}!", "Beste {name},", "Goed nieuws, {name}:"],
    "de": ["Hallo {name},", "Liebe/r {name},", "Guten Tag {name},", "Gute Nachrichten, {name}:"],
}
BODY = {
    "en": [
        "Our new {product} in {colour} is now in store for €{price}.",
        "Enjoy {discount}% off your next order with code {code}.",
        "Free returns within 30 days, no questions asked.",
        "Visit our shop in {city} this {day} and meet the team.",
        "Our winter sale runs until {date}, with up to {discount}% off selected items.",
        "Every {product} is made from recycled materials and built to last.",
        "Track your parcel in our app and choose a delivery slot that suits you.",
        "Your order #{order} has shipped and will arrive on {day}.",
        "Members collect points on every purchase: 250 points give €5 off.",
        "Read what other customers say in our verified reviews.",
        "Pay in three interest-free instalments at checkout.",
        "We donate 1% of every purchase to the local food bank.",
        "Questions? Our customer service team is happy to help by chat.",
        "Discover the {colour} edition of our best-loved {product}.",
    ],
    "nl": [
        "Onze nieuwe {product} in {colour} ligt nu in de winkel voor €{price}.",
        "Krijg {discount}% korting op je volgende bestelling met code {code}.",
        "Gratis retourneren binnen 30 dagen, zonder vragen.",
        "Kom deze {day} langs in onze winkel in {city} en maak kennis met het team.",
        "Onze wintersale loopt tot {date}, met tot {discount}% korting op geselecteerde artikelen.",
        "Elke {product} is gemaakt van gerecycled materiaal en gaat jaren mee.",
        "Volg je pakket in onze app en kies een bezorgmoment dat jou uitkomt.",
        "Je bestelling #{order} is verzonden en wordt op {day} bezorgd.",
        "Leden sparen punten bij elke aankoop: 250 punten geven €5 korting.",
        "Lees wat andere klanten zeggen in onze geverifieerde reviews.",
        "Betaal in drie termijnen zonder rente bij het afrekenen.",
        "We doneren 1% van elke aankoop aan de voedselbank.",
        "Vragen? Onze klantenservice helpt je graag via de chat.",
        "Ontdek de {colour} editie van onze geliefde {product}.",
    ],
    "de": [
        "Unser neues Modell {product} in {colour} ist jetzt für {price} € im Laden.",
        "Sparen Sie {discount} % bei Ihrer nächsten Bestellung mit dem Code {code}.",
        "Kostenlose Rücksendung innerhalb von 30 Tagen.",
        "Besuchen Sie diesen {day} unsere Filiale in {city} und lernen Sie das Team kennen.",
        "Unser Winterschlussverkauf läuft bis zum {date}, mit bis zu {discount} % auf ausgewählte Artikel.",
        "Jedes Stück ({product}) besteht aus recyceltem Material und hält jahrelang.",
        "Verfolgen Sie Ihr Paket in unserer App und wählen Sie ein passendes Lieferfenster.",
        "Ihre Bestellung Nr. {order} wurde versandt und kommt am {day} an.",
        "Mitglieder sammeln bei jedem Einkauf Punkte: 250 Punkte ergeben 5 € Rabatt.",
        "Lesen Sie, was andere Kunden in unseren verifizierten Bewertungen sagen.",
        "Zahlen Sie bequem in drei zinsfreien Raten.",
        "Wir spenden 1 % jedes Einkaufs an die Tafel.",
        "Fragen? Unser Kundenservice hilft Ihnen gern im Chat.",
        "Entdecken Sie die Edition in {colour} unseres beliebten Klassikers ({product}).",
    ],
}
PROBLEMS = {
    "en": {
        "gambling": ["Double your deposit at our online casino tonight.", "Get 50 free spins on our new slots.",
                     "Place your bets on the derby with the best odds in town.", "Play at the c4sino and win big."],
        "riba": ["Personal loans from 6.9% APR, approved in minutes.",
                 "Earn 4% interest on our savings account.", "0% intro APR for 6 months, then 19.9% variable."],
        "false_scarcity": ["Only {number} left in stock!", "{number} people are viewing this right now.",
                           "Offer ends in {time}, hurry!"],
        "misleading_claim": ["Guaranteed to lose 10 kg in 30 days.",
                             "A risk-free investment with 15% monthly returns."],
        "alcohol": ["Two cocktails for the price of one at happy hour.", "A case of red wine for €{price}."],
        "adult_content": ["Discreet delivery of sex toys, {discount}% off."],
        "dating": ["Meet local singles on our dating app tonight."],
        "occult": ["Book a tarot reading with our psychic today."],
        "hate_violence": ["Immigrants are vermin, get our stickers now."],
    },
    "nl": {
        "gambling": ["Speel vanavond in ons online casino en verdubbel je storting.",
                     "Nieuwe gokkast met 50 gratis spins.",
                     "Plaats je weddenschappen op de klassieker.", "Online g0kken met live dealers."],
        "riba": ["Persoonlijke lening vanaf 5,9% rente.", "Spaarrekening met 3% rente per jaar.",
                 "Hypotheek met 10 jaar rentevast voor 3,7%."],
        "false_scarcity": ["Nog maar {number} op voorraad!", "{number} mensen bekijken dit product nu.",
                           "Aanbieding eindigt over {time}, wees er snel bij!"],
        "misleading_claim": ["Gegarandeerd 10 kilo afvallen in een maand.", "100% gratis* (abonnement vereist)."],
        "alcohol": ["Wijnproeverij: proef 8 Franse wijnen.", "Speciaalbier van de maand, 4 halen 3 betalen."],
        "adult_content": ["Erotische films zonder reclame, {discount}% korting."],
        "dating": ["Singles in jouw buurt op onze datingsite."],
        "occult": ["Bel onze waarzegster voor je horoscoop."],
        "hate_violence": ["Nieuwe T-shirts 'Buitenlanders eruit' in de webshop."],
    },
    "de": {
        "gambling": ["Sportwetten auf die Bundesliga mit 100 € Einzahlungsbonus.", "Online-Casino mit 200 Freispielen.",
                     "Besuchen Sie unser Wettbüro am Bahnhof.", "W.e.t.t.e.n ohne Steuer."],
        "riba": ["Ratenkredit ab 3,99 % effektiver Jahreszins.", "Tagesgeld mit 3,5 % Zinsen p. a.",
                 "Baufinanzierung zum Zinssatz von 3,6 %."],
        "false_scarcity": ["Nur noch {number} auf Lager!", "{number} Personen sehen sich diesen Artikel gerade an.",
                           "Angebot endet in {time}, schnell sein!"],
        "misleading_claim": ["Garantiert 10 Kilo abnehmen in 30 Tagen.", "Risikolos investieren mit 15 % Rendite."],
        "alcohol": ["Weinprobe am Samstag mit 8 Weinen.", "Ein Kasten Weißbier für {price} €."],
        "adult_content": ["Sexspielzeug diskret verpackt, {discount} % Rabatt."],
        "dating": ["Singles in deiner Nähe auf unserer Dating-App."],
        "occult": ["Ihr persönliches Horoskop von unserer Wahrsagerin."],
        "hate_violence": ["'Ausländer raus'-Aufkleber jetzt im Shop."],
    },
}
SHORT_CLOSINGS = {"en": "See you soon!", "nl": "Tot snel!", "de": "Bis bald!"}


def _fill(template: str, lang: str, rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in FILLERS.items()}
    values.update({key: rng.choice(options) for key, options in LANGUAGE_FILLERS[lang].items()})
    return template.format(**values)


def _message(rng: random.Random, problem_rate: float, min_length: int, max_length: int) -> MarketingMessage:
    lang = rng.choice(LANGUAGES)
    target = rng.randint(min_length, max_length)
    sentences = [_fill(rng.choice(GREETINGS[lang]), lang, rng)]
    body = rng.sample(BODY[lang], len(BODY[lang]))  # no sentence twice in one message
    while body and len(" ".join(sentences)) < target:
        sentences.append(_fill(body.pop(), lang, rng))
    problem = None
    if rng.random() < problem_rate:
        problem = rng.choice(sorted(PROBLEMS[lang]))
        problem_sentence = _fill(rng.choice(PROBLEMS[lang][problem]), lang, rng)
        sentences.insert(rng.randint(1, len(sentences)), problem_sentence)
    else:
        problem_sentence = None
    # Trim from the end (never the greeting or the planted problem) until the message fits.
    while len(" ".join(sentences)) > max_length:
        removable = [index for index, sentence in enumerate(sentences[1:], start=1) if sentence != problem_sentence]
        if not removable:
            break
        sentences.pop(removable[-1])
    while len(" ".join(sentences)) < min_length:
        sentences.append(SHORT_CLOSINGS[lang])
    return MarketingMessage(" ".join(sentences), lang, problem)


def generate_messages(count: int = 10_000, seed: int = 20250630, problem_rate: float = 0.10,
                      min_length: int = MIN_LENGTH, max_length: int = MAX_LENGTH) -> list[MarketingMessage]:
    """Generate `count` messages deterministically from `seed`; about `problem_rate` of them carry a problem."""
    if not 0 <= problem_rate <= 1:
        raise ValueError(f"problem_rate={problem_rate}: expected a fraction between 0 and 1")
    if not 0 < min_length <= max_length or max_length < 150:
        raise ValueError(f"min_length={min_length}, max_length={max_length}: "
                         "need 0 < min_length <= max_length and max_length >= 150 (room for a problem sentence)")
    rng = random.Random(seed)
    return [_message(rng, problem_rate, min_length, max_length) for _ in range(count)]


if __name__ == "__main__":
    for message in generate_messages(8, problem_rate=0.5):
        print(f"[{message.lang}] [{message.problem or 'clean'}] ({len(message.text)}) {message.text}")
