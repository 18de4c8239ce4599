"""Reference data for the demo-data generator: names, places, label sets and archetype profiles.

Everything here is plain data. Names are common given names and surnames of each country (so the demo
looks realistic) combined at random, so no row describes a real person. Places carry real city,
region and postcode ranges; the phone and postcode digits generated from them are random.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

COUNTRIES: tuple[str, ...] = ("NL", "BE", "DE", "FR", "GB")
COUNTRY_SHARES: tuple[float, ...] = (0.34, 0.12, 0.26, 0.15, 0.13)

SETTLEMENTS: tuple[str, ...] = ("urban", "suburban", "university", "rural")

# Only example.com, example.net, example.org and their subdomains are reserved (RFC 2606), so no demo
# email can reach a real mailbox; "example.nl" or "example.de" are registrable. A country subdomain
# keeps the customer's country recognisable, like a national provider next to a global one.
COUNTRY_EMAIL_DOMAIN: dict[str, str] = {
    "NL": "nl.example.com",
    "BE": "be.example.com",
    "DE": "de.example.com",
    "FR": "fr.example.com",
    "GB": "uk.example.com",
}
GENERIC_EMAIL_DOMAIN = "example.com"

# '#' is a random digit. Formats follow each country's mobile numbering; the digits are random.
PHONE_TEMPLATES: dict[str, str] = {
    "NL": "+31 6 ########",
    "BE": "+32 4## ## ## ##",
    "DE": "+49 15# ########",
    "FR": "+33 6 ## ## ## ##",
    "GB": "+44 7### ######",
}

COUNTRY_LANGUAGE: dict[str, str] = {"NL": "nl", "BE": "nl", "DE": "de", "FR": "fr", "GB": "en"}


@dataclass(frozen=True)
class Place:
    """A city with its region, settlement type, relative size and postcode range.

    `postcodes` is an inclusive (low, high) numeric range for NL/BE/DE/FR and a tuple of outward
    codes ("SW1A", "M1") for GB.
    """

    country: str
    city: str
    region: str
    settlement: str
    weight: float
    postcodes: tuple


PLACES: tuple[Place, ...] = (
    Place("NL", "Amsterdam", "Noord-Holland", "urban", 9, (1011, 1109)),
    Place("NL", "Rotterdam", "Zuid-Holland", "urban", 7, (3011, 3089)),
    Place("NL", "Den Haag", "Zuid-Holland", "urban", 6, (2491, 2599)),
    Place("NL", "Eindhoven", "Noord-Brabant", "urban", 3, (5611, 5658)),
    Place("NL", "Utrecht", "Utrecht", "university", 4, (3511, 3585)),
    Place("NL", "Groningen", "Groningen", "university", 3, (9711, 9747)),
    Place("NL", "Leiden", "Zuid-Holland", "university", 2, (2311, 2334)),
    Place("NL", "Nijmegen", "Gelderland", "university", 2, (6511, 6546)),
    Place("NL", "Maastricht", "Limburg", "university", 2, (6211, 6229)),
    Place("NL", "Amersfoort", "Utrecht", "suburban", 3, (3811, 3829)),
    Place("NL", "Almere", "Flevoland", "suburban", 4, (1311, 1363)),
    Place("NL", "Zoetermeer", "Zuid-Holland", "suburban", 3, (2711, 2729)),
    Place("NL", "Hoofddorp", "Noord-Holland", "suburban", 2, (2131, 2136)),
    Place("NL", "Houten", "Utrecht", "suburban", 1, (3991, 3995)),
    Place("NL", "Dokkum", "Friesland", "rural", 1, (9101, 9104)),
    Place("NL", "Staphorst", "Overijssel", "rural", 1, (7950, 7951)),
    Place("NL", "Coevorden", "Drenthe", "rural", 1, (7741, 7742)),
    Place("NL", "Goes", "Zeeland", "rural", 1, (4461, 4465)),
    Place("NL", "Venray", "Limburg", "rural", 1, (5801, 5809)),
    Place("NL", "Barneveld", "Gelderland", "rural", 1, (3771, 3781)),
    Place("BE", "Bruxelles", "Brussels-Capital", "urban", 8, (1000, 1210)),
    Place("BE", "Antwerpen", "Flanders", "urban", 6, (2000, 2660)),
    Place("BE", "Liège", "Wallonia", "urban", 3, (4000, 4102)),
    Place("BE", "Gent", "Flanders", "university", 4, (9000, 9052)),
    Place("BE", "Leuven", "Flanders", "university", 2, (3000, 3012)),
    Place("BE", "Louvain-la-Neuve", "Wallonia", "university", 1, (1348, 1348)),
    Place("BE", "Mechelen", "Flanders", "suburban", 2, (2800, 2812)),
    Place("BE", "Hasselt", "Flanders", "suburban", 2, (3500, 3512)),
    Place("BE", "Waterloo", "Wallonia", "suburban", 1, (1410, 1410)),
    Place("BE", "Namur", "Wallonia", "suburban", 2, (5000, 5101)),
    Place("BE", "Diksmuide", "Flanders", "rural", 1, (8600, 8600)),
    Place("BE", "Poperinge", "Flanders", "rural", 1, (8970, 8978)),
    Place("BE", "Bastogne", "Wallonia", "rural", 1, (6600, 6600)),
    Place("BE", "Durbuy", "Wallonia", "rural", 1, (6940, 6941)),
    Place("DE", "Berlin", "Berlin", "urban", 9, (10115, 14199)),
    Place("DE", "München", "Bayern", "urban", 6, (80331, 81929)),
    Place("DE", "Hamburg", "Hamburg", "urban", 6, (20095, 22769)),
    Place("DE", "Köln", "Nordrhein-Westfalen", "urban", 4, (50667, 51149)),
    Place("DE", "Frankfurt am Main", "Hessen", "urban", 3, (60306, 60599)),
    Place("DE", "Heidelberg", "Baden-Württemberg", "university", 2, (69115, 69126)),
    Place("DE", "Göttingen", "Niedersachsen", "university", 1, (37073, 37085)),
    Place("DE", "Münster", "Nordrhein-Westfalen", "university", 2, (48143, 48167)),
    Place("DE", "Leipzig", "Sachsen", "university", 3, (4103, 4357)),
    Place("DE", "Potsdam", "Brandenburg", "suburban", 2, (14467, 14482)),
    Place("DE", "Bergisch Gladbach", "Nordrhein-Westfalen", "suburban", 2, (51427, 51469)),
    Place("DE", "Fürth", "Bayern", "suburban", 2, (90762, 90768)),
    Place("DE", "Ludwigsburg", "Baden-Württemberg", "suburban", 2, (71634, 71642)),
    Place("DE", "Garmisch-Partenkirchen", "Bayern", "rural", 1, (82467, 82467)),
    Place("DE", "Cloppenburg", "Niedersachsen", "rural", 1, (49661, 49661)),
    Place("DE", "Prenzlau", "Brandenburg", "rural", 1, (17291, 17291)),
    Place("DE", "Sigmaringen", "Baden-Württemberg", "rural", 1, (72488, 72488)),
    Place("DE", "Bitburg", "Rheinland-Pfalz", "rural", 1, (54634, 54634)),
    Place("DE", "Annaberg-Buchholz", "Sachsen", "rural", 1, (9456, 9456)),
    Place("FR", "Paris", "Île-de-France", "urban", 9, (75001, 75020)),
    Place("FR", "Lyon", "Auvergne-Rhône-Alpes", "urban", 4, (69001, 69009)),
    Place("FR", "Marseille", "Provence-Alpes-Côte d'Azur", "urban", 4, (13001, 13016)),
    Place("FR", "Lille", "Hauts-de-France", "urban", 2, (59000, 59046)),
    Place("FR", "Toulouse", "Occitanie", "university", 3, (31000, 31500)),
    Place("FR", "Montpellier", "Occitanie", "university", 2, (34000, 34090)),
    Place("FR", "Rennes", "Bretagne", "university", 2, (35000, 35200)),
    Place("FR", "Versailles", "Île-de-France", "suburban", 2, (78000, 78000)),
    Place("FR", "Boulogne-Billancourt", "Île-de-France", "suburban", 2, (92100, 92100)),
    Place("FR", "Villeurbanne", "Auvergne-Rhône-Alpes", "suburban", 2, (69100, 69100)),
    Place("FR", "Aurillac", "Auvergne-Rhône-Alpes", "rural", 1, (15000, 15000)),
    Place("FR", "Guéret", "Nouvelle-Aquitaine", "rural", 1, (23000, 23000)),
    Place("FR", "Quimperlé", "Bretagne", "rural", 1, (29300, 29300)),
    Place("FR", "Millau", "Occitanie", "rural", 1, (12100, 12100)),
    Place("FR", "Langres", "Grand Est", "rural", 1, (52200, 52200)),
    Place("GB", "London", "London", "urban", 9, ("SW1A", "SW3", "SE1", "E1", "E14", "N1", "NW3", "W1", "EC1")),
    Place("GB", "Manchester", "North West", "urban", 3, ("M1", "M4", "M13", "M20")),
    Place("GB", "Birmingham", "West Midlands", "urban", 3, ("B1", "B5", "B15")),
    Place("GB", "Edinburgh", "Scotland", "urban", 2, ("EH1", "EH3", "EH8")),
    Place("GB", "Oxford", "South East", "university", 1, ("OX1", "OX2", "OX4")),
    Place("GB", "Cambridge", "East of England", "university", 1, ("CB1", "CB2", "CB4")),
    Place("GB", "Leeds", "Yorkshire and the Humber", "university", 2, ("LS2", "LS6")),
    Place("GB", "Milton Keynes", "South East", "suburban", 2, ("MK9", "MK10")),
    Place("GB", "Solihull", "West Midlands", "suburban", 1, ("B91", "B92")),
    Place("GB", "Stockport", "North West", "suburban", 1, ("SK1", "SK4")),
    Place("GB", "Reading", "South East", "suburban", 1, ("RG1", "RG4")),
    Place("GB", "Kendal", "North West", "rural", 1, ("LA9",)),
    Place("GB", "Bude", "South West", "rural", 1, ("EX23",)),
    Place("GB", "Brecon", "Wales", "rural", 1, ("LD3",)),
    Place("GB", "Pitlochry", "Scotland", "rural", 1, ("PH16",)),
    Place("GB", "Thirsk", "Yorkshire and the Humber", "rural", 1, ("YO7",)),
)

FIRST_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "NL": {
        "female": ("Emma", "Julia", "Sophie", "Anna", "Lotte", "Sanne", "Lisa", "Fleur", "Eva", "Sara", "Noor",
                   "Anouk", "Iris", "Femke", "Maaike", "Ingrid", "Petra", "Marieke", "Willemijn", "Fatima",
                   "Yasmina", "Zoë", "Esther", "Karin", "Wilma"),
        "male": ("Daan", "Sem", "Lucas", "Levi", "Bram", "Thijs", "Jesse", "Ruben", "Lars", "Tim", "Jeroen",
                 "Pieter", "Willem", "Henk", "Kees", "Gerrit", "Jan", "Mohammed", "Youssef", "Stijn", "Joost",
                 "Bas", "Sven", "Koen", "Mehmet"),
    },
    "BE": {
        "female": ("Marie", "Louise", "Emma", "Olivia", "Elise", "Lina", "Julie", "Laura", "Charlotte",
                   "Nathalie", "Sofie", "Els", "Ann", "Inge", "Chloé", "Camille", "Manon", "Hanne", "Lien",
                   "Amira"),
        "male": ("Lucas", "Louis", "Arthur", "Noah", "Liam", "Jules", "Victor", "Wout", "Pieter", "Thomas",
                 "Maxime", "Nicolas", "Jan", "Luc", "Marc", "Koen", "Bart", "Tom", "Mathis", "Karim"),
    },
    "DE": {
        "female": ("Mia", "Emma", "Hannah", "Sophia", "Lena", "Lea", "Anna", "Laura", "Julia", "Katharina",
                   "Sabine", "Petra", "Ursula", "Monika", "Claudia", "Stefanie", "Nina", "Johanna", "Leonie",
                   "Ayşe", "Elif", "Marie", "Charlotte", "Greta", "Franziska"),
        "male": ("Ben", "Paul", "Leon", "Finn", "Jonas", "Elias", "Lukas", "Felix", "Maximilian", "Alexander",
                 "Thomas", "Michael", "Andreas", "Stefan", "Klaus", "Jürgen", "Wolfgang", "Tobias", "Florian",
                 "Mehmet", "Emre", "Jan", "Matthias", "Sebastian", "Moritz"),
    },
    "FR": {
        "female": ("Emma", "Jade", "Louise", "Alice", "Chloé", "Léa", "Manon", "Camille", "Inès", "Sarah",
                   "Juliette", "Lucie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Céline", "Aurélie",
                   "Amélie", "Claire", "Fatima", "Yasmine", "Élise", "Margaux", "Pauline"),
        "male": ("Gabriel", "Léo", "Raphaël", "Louis", "Arthur", "Jules", "Adam", "Lucas", "Hugo", "Nathan",
                 "Thomas", "Nicolas", "Julien", "Pierre", "Philippe", "Michel", "Alain", "François", "Antoine",
                 "Mathieu", "Karim", "Mehdi", "Olivier", "Sébastien", "Théo"),
    },
    "GB": {
        "female": ("Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace",
                   "Emily", "Charlotte", "Sarah", "Emma", "Rebecca", "Hannah", "Laura", "Jessica", "Claire",
                   "Helen", "Susan", "Margaret", "Priya", "Aisha", "Zara"),
        "male": ("Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Muhammad", "Jack", "Charlie", "Oscar",
                 "James", "William", "Thomas", "Daniel", "Matthew", "David", "Richard", "Paul", "Andrew",
                 "Michael", "Christopher", "Rajesh", "Arjun", "Callum", "Ewan"),
    },
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "NL": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
           "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden",
           "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "Yilmaz", "El Amrani",
           "Bouzid", "Kaya", "Postma", "Hoekstra", "Koster", "Prins"),
    "BE": ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
           "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leroy", "Vermeulen",
           "Van Damme", "De Clercq", "Hermans", "Michiels", "Lemaire", "Renard", "Pauwels", "Desmet", "Aerts",
           "Van den Broeck", "El Idrissi", "Benali"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
           "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
           "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause",
           "Meier", "Lehmann", "Yılmaz", "Öztürk", "Kaya", "Nowak", "Kowalski", "Huber", "Kaiser", "Fuchs",
           "Peters", "Vogel"),
    "FR": ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
           "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
           "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure",
           "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Benali", "Haddad",
           "Nguyen", "Da Silva"),
    "GB": ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
           "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
           "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
           "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Khan", "Ali", "Murphy", "O'Brien",
           "MacDonald", "Campbell"),
}

LIFESTYLES: tuple[str, ...] = (
    "career-driven", "family-focused", "student", "active retiree", "traditional", "entrepreneurial",
    "health & fitness", "eco-conscious", "budget-conscious",
)
PERSONAL_VALUES: tuple[str, ...] = (
    "ambition", "convenience", "family", "security", "tradition", "community", "sustainability", "quality",
    "value for money", "independence",
)
INTERESTS: tuple[str, ...] = (
    "technology", "fitness", "travel", "dining out", "fashion", "gaming", "music", "festivals", "parenting",
    "home & garden", "cooking", "DIY", "gardening", "culture", "reading", "local sports", "cycling",
    "business", "networking", "nature",
)
PRODUCT_CATEGORIES: tuple[str, ...] = (
    "electronics", "fashion", "groceries", "home & garden", "books & media", "sports & outdoors",
    "toys & baby", "beauty & health", "office supplies", "travel",
)
# Relative price level per product category (same order), used to scale order amounts.
CATEGORY_PRICE_FACTORS: tuple[float, ...] = (2.0, 0.9, 0.5, 1.3, 0.4, 1.0, 0.8, 0.6, 1.1, 3.0)

RELIGIONS: tuple[str, ...] = ("None", "Christianity", "Islam", "Judaism", "Hinduism", "Prefer not to say")
# Religion weights per settlement type (same order as SETTLEMENTS): weak, region-linked differences
# so a proxy-discrimination check has something real but modest to detect.
RELIGION_WEIGHTS_BY_SETTLEMENT: tuple[tuple[float, ...], ...] = (
    (0.44, 0.26, 0.13, 0.012, 0.03, 0.108),
    (0.44, 0.38, 0.06, 0.005, 0.015, 0.10),
    (0.52, 0.26, 0.08, 0.008, 0.02, 0.112),
    (0.34, 0.52, 0.03, 0.002, 0.005, 0.103),
)


def email_local_part(text: str) -> str:
    """Fold a name to the ASCII letters an email address would carry ("van der Meer" → "vandermeer")."""
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ı", "i"))
    return "".join(char for char in folded.lower() if char.isascii() and char.isalnum())


@dataclass(frozen=True)
class Archetype:
    """A latent customer type: the distributions every generated attribute is drawn from.

    Probability tuples follow the order of the matching label tuple (INCOME_BANDS, SETTLEMENTS,
    PREFERRED_CHANNELS, CONSENT_CHANNELS); dicts weight labels by name and give every
    label not named a small floor weight, so archetypes overlap as real segments do.
    """

    name: str
    share: float
    age: tuple[float, float, float]  # triangular (youngest, most common, oldest) in years
    income: tuple[float, ...]
    settlement: tuple[float, ...]
    channel: tuple[float, ...]
    consent: tuple[float, float, float]
    lifestyle: dict[str, float]
    personal_values: dict[str, float]
    interests: dict[str, float]
    categories: dict[str, float]
    orders_per_year: float
    basket_eur: float
    tenure_years: float
    lapse_rate: float  # share of long-standing customers without a purchase in the last year
    no_order_rate: float  # registered but never bought
    business_rate: float


INCOME_BANDS: tuple[str, ...] = ("<20k", "20-40k", "40-60k", "60-80k", "80-100k", ">100k")
PREFERRED_CHANNELS: tuple[str, ...] = ("email", "sms", "push", "post")
CONSENT_CHANNELS: tuple[str, ...] = ("email", "sms", "push")

ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        "young urban professionals", 0.20, (23, 29, 40), (0.02, 0.13, 0.35, 0.30, 0.13, 0.07),
        (0.72, 0.12, 0.14, 0.02), (0.45, 0.10, 0.43, 0.02), (0.65, 0.20, 0.60),
        {"career-driven": 6, "health & fitness": 3, "eco-conscious": 1},
        {"ambition": 5, "convenience": 4, "independence": 2, "sustainability": 1},
        {"technology": 5, "fitness": 4, "travel": 4, "dining out": 4, "music": 2, "networking": 2},
        {"electronics": 4, "fashion": 4, "sports & outdoors": 2, "travel": 2, "beauty & health": 2},
        orders_per_year=2.5, basket_eur=75, tenure_years=2.5, lapse_rate=0.12, no_order_rate=0.03,
        business_rate=0.01,
    ),
    Archetype(
        "young families", 0.22, (27, 36, 48), (0.03, 0.20, 0.37, 0.25, 0.10, 0.05),
        (0.15, 0.62, 0.05, 0.18), (0.55, 0.20, 0.22, 0.03), (0.75, 0.45, 0.40),
        {"family-focused": 7, "budget-conscious": 2, "health & fitness": 1},
        {"family": 6, "security": 3, "value for money": 3, "convenience": 2},
        {"parenting": 6, "home & garden": 4, "cooking": 4, "cycling": 2, "nature": 2},
        {"toys & baby": 5, "groceries": 4, "home & garden": 3, "fashion": 2},
        orders_per_year=2.5, basket_eur=90, tenure_years=3.5, lapse_rate=0.10, no_order_rate=0.02,
        business_rate=0.01,
    ),
    Archetype(
        "students", 0.13, (16, 20, 27), (0.70, 0.25, 0.05, 0.0, 0.0, 0.0),
        (0.25, 0.03, 0.70, 0.02), (0.15, 0.20, 0.63, 0.02), (0.45, 0.35, 0.75),
        {"student": 7, "budget-conscious": 2, "eco-conscious": 1},
        {"independence": 4, "value for money": 4, "sustainability": 3, "community": 1},
        {"gaming": 5, "music": 5, "festivals": 4, "fashion": 3, "fitness": 2},
        {"books & media": 4, "fashion": 4, "electronics": 3, "groceries": 2},
        orders_per_year=1.2, basket_eur=28, tenure_years=1.2, lapse_rate=0.25, no_order_rate=0.10,
        business_rate=0.0,
    ),
    Archetype(
        "affluent seniors", 0.15, (60, 68, 92), (0.0, 0.07, 0.18, 0.30, 0.25, 0.20),
        (0.22, 0.45, 0.05, 0.28), (0.40, 0.08, 0.02, 0.50), (0.55, 0.15, 0.05),
        {"active retiree": 7, "traditional": 2, "health & fitness": 1},
        {"quality": 6, "security": 3, "tradition": 2},
        {"travel": 5, "culture": 5, "gardening": 4, "reading": 4, "cycling": 1},
        {"travel": 4, "home & garden": 3, "books & media": 3, "beauty & health": 2},
        orders_per_year=1.8, basket_eur=140, tenure_years=5.0, lapse_rate=0.15, no_order_rate=0.02,
        business_rate=0.01,
    ),
    Archetype(
        "rural traditional", 0.18, (35, 55, 82), (0.10, 0.42, 0.33, 0.11, 0.03, 0.01),
        (0.02, 0.12, 0.01, 0.85), (0.30, 0.35, 0.03, 0.32), (0.35, 0.40, 0.05),
        {"traditional": 7, "budget-conscious": 3, "family-focused": 1},
        {"tradition": 6, "community": 4, "value for money": 3, "family": 1},
        {"gardening": 5, "DIY": 5, "local sports": 4, "cooking": 3, "nature": 3},
        {"home & garden": 5, "groceries": 4, "sports & outdoors": 2},
        orders_per_year=0.8, basket_eur=50, tenure_years=4.5, lapse_rate=0.35, no_order_rate=0.05,
        business_rate=0.02,
    ),
    Archetype(
        "small-business buyers", 0.12, (26, 45, 68), (0.02, 0.08, 0.20, 0.28, 0.22, 0.20),
        (0.40, 0.35, 0.05, 0.20), (0.80, 0.08, 0.07, 0.05), (0.85, 0.20, 0.15),
        {"entrepreneurial": 7, "career-driven": 2},
        {"convenience": 4, "quality": 4, "independence": 3, "ambition": 2},
        {"business": 6, "networking": 5, "technology": 4, "travel": 1},
        {"office supplies": 7, "electronics": 4, "home & garden": 1},
        orders_per_year=5.0, basket_eur=320, tenure_years=3.5, lapse_rate=0.08, no_order_rate=0.02,
        business_rate=0.9,
    ),
)
ARCHETYPE_NAMES: tuple[str, ...] = tuple(archetype.name for archetype in ARCHETYPES)
