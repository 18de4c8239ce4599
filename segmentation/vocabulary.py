"""Words and value shapes that reveal what a column holds, in English, Dutch and German.

Column-name keywords use a tiny syntax so short words do not fire inside longer ones:
``"email"`` matches anywhere in the compact name (separators removed), ``"=age"`` only a whole
word, and ``"alters*"`` a word that starts with ``alters``. Names are compared after accent
folding, camelCase splitting and lower-casing, so "E-Mail-Adresse", "eMailAdresse" and
"email_adresse" all read the same. Value words are lower-case and accent-free as well.
The value patterns and the vectorised checks that run them over a column live in
:mod:`segmentation.value_shapes`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# --- column-name keywords per concept ---------------------------------------------------------


def _keys(text: str) -> tuple[str, ...]:
    """Keywords written as one space-separated string (order kept: the first match names the reason)."""
    return tuple(text.split())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> frozenset[str]:
    """Values that may contain spaces, written as one comma-separated string."""
    return frozenset(part.strip() for part in text.split(","))


SPECIAL_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "religion": _keys(
        "religi geloof faith konfession confession bekenntnis denominat kirche kerkgenootschap =kerk church "
        "glaube belief* levensbeschouw weltanschauung mosque moskee moschee =halal =kosher =koscher"
    ),
    "health": _keys(
        "health gezondheid gesundheit medic medisch medizin diagnos disab handicap behinder beperking pregnan "
        "zwanger schwanger allerg illness disease ziekte krankheit erkrank =bmi bloodtype bloedgroep blutgruppe "
        "diabet chronic chronisch therap patient ziekenhuis krankenhaus hospital"
    ),
    "ethnicity": _keys(
        "ethni etni =race =ras =rasse herkunft afkomst herkomst nationalit staatsangeh citizenship burgerschap "
        "migrat geboorteland geburtsland birthcountry countryofbirth landvangeboorte huidskleur hautfarbe "
        "skincolo"
    ),
    "political_opinion": _keys(
        "politi partei partymember partyaffiliation =vote =voting stemvoorkeur stemgedrag wahlverhalten "
        "wahlabsicht votingintention"
    ),
    "trade_union": _keys("tradeunion vakbond gewerkschaft unionmember labourunion laborunion =union"),
    "sexual_orientation": _keys("sexual sexue seksue geaardheid lgbt lhbt sexleven"),
    "biometric": _keys(
        "biometr fingerprint vingerafdruk fingerabdruck faceprint faceid gezichtsherkenning gesichtserkennung "
        "=iris retina voiceprint stemafdruk"
    ),
    "genetic": _keys("genetic genetisch =dna genom genoom erbgut"),
    "criminal_record": _keys("crimin krimin strafblad vorstraf conviction veroordeling strafregister"),
}

CONSENT_NAME_WORDS = _keys(
    "consent toestemming einwilligung optin optout permission zustimmung newsletter nieuwsbrief subscribed "
    "unsubscrib =subscriber gdpr dsgvo =avg donotcontact donotcall donotmail donotemail belmeniet robinson "
    "marketingallowed contactallowed allowcontact akkoord =opt"
)

# Words that turn an identifier-looking name into a count or rate ("email_opens", "phone_calls").
METRIC_NAME_WORDS = _keys(
    "=open =opens =opened =clicks =click =clicked bounce =sent =count =cnt aantal anzahl =rate =ctr =calls =domain"
)

# Words that mark a "name" column as something other than a person's name.
NOT_A_PERSON_WORDS = _keys(
    "product item artikel article campaign campagne kampagne store shop winkel filia brand merk marke file "
    "bestand datei categor kategor segment channel kanaal kanal city stad plaats host server domain tier level "
    "plan tarif list lijst team department afdeling abteilung event evenement course cursus kurs device bank "
    "street straat strasse"
)

IDENTIFIER_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "email": _keys("email =mail mailadres mailaddress"),
    "phone": _keys(
        "phone telefoon telefon =tel =telnr telnummer handy mobiel =mobile mobilenumber mobilnummer =mobil =gsm "
        "=cell cellphone =fax whatsapp"
    ),
    "iban": _keys(
        "iban bankrekening rekeningnummer kontonummer bankverbindung bankaccount accountnumber creditcard "
        "kreditkarte cardnumber kaartnummer kartennummer"
    ),
    "national_id": _keys(
        "=bsn burgerservicenummer sofinummer =sofi =ssn socialsecurity nationalid nationalinsurance =nino "
        "steuerid steueridentifikation steuernummer taxid =tin taxnumber rijksregister =insz =nir personalausweis "
        "ausweis passport paspoort reisepass passnummer idcard identiteitskaart idkaart identitycard driverlicen "
        "driverslicen rijbewijs fuhrerschein fuehrerschein sozialversicherung =svnr documentnumber documentnummer"
    ),
    "online_id": _keys(
        "ipaddress ipadres =ip =ipv4 =ipv6 macaddress macadres deviceid cookieid =cookie advertisingid =idfa "
        "=gaid =imei username gebruikersnaam benutzername"
    ),
    "address": _keys(
        "address adres =street straat strasse =str huisnummer hausnummer housenumber houseno huisnr housenr "
        "postbus postfach"
    ),
    "person_name": _keys(
        "name naam =nom =prenom =fname =lname =initials voorletters tussenvoegsel contactperson ansprechpartner"
    ),
}

ID_NAME_WORDS = _keys(
    "=id =ids klantnummer klantnr kundennummer kundennr kundenid customerno customernumber customernr "
    "clientnumber clientnr klantcode relatienummer relationnumber debiteurnummer debitorennummer membernumber "
    "membershipnumber lidnummer mitgliedsnummer mitgliedsnr =uuid =guid =key =pk =rowid invoiceno invoicenumber "
    "factuurnummer rechnungsnummer ordernumber ordernummer bestelnummer bestellnummer transactienummer =nr =no "
    "=nummer"
)

# Age, exact or banded ("age_band", "leeftijdsgroep", "Altersgruppe"): a demographic feature with kind "age".
AGE_NAME_WORDS = _keys(
    "=age =ages leeftijd =alter lebensalter agegroup ageband agebracket agerange altersgruppe altersklasse "
    "altersstufe alterskategorie altersband"
)

QUASI_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "birth_date": _keys("birth =dob geboorte geburt verjaardag"),
    "postcode": _keys("postcode postalcode =postal =zip zipcode =plz postleitzahl =pc6 codepostal"),
    "coordinates": _keys("=latitude =lat =longitude =lon =lng coordinat geolocation gpsloc"),
    "life_event_date": _keys(
        "weddingdate trouwdatum huwelijksdatum hochzeit deathdate dateofdeath overlijden sterbedatum todestag "
        "divorce scheidingsdatum scheidungsdatum movingdate verhuisdatum umzugsdatum"
    ),
}

# Words that turn a postcode name into a coarse, less identifying area ("pc4", "postcode_area").
BANDED_NAME_WORDS = _keys(
    "group groep gruppe band klasse class categ kategor range cohort bucket bracket segment area gebied gebiet "
    "region regio district =pc4 =pc2 =pc3 prefix digit cijfer stellig"
)

TRANSACTION_DATE_NAME_WORDS = _keys(
    "invoicedate orderdate transactiondate purchasedate aankoopdatum besteldatum factuurdatum transactiedatum "
    "kaufdatum bestelldatum rechnungsdatum transaktionsdatum buchungsdatum boekingsdatum bookingdate paymentdate "
    "betaaldatum zahlungsdatum saledate verkoopdatum verkaufsdatum =date =datum =timestamp =datetime"
)
# A date that summarises a customer ("last purchase", "klant sinds", "signup date") is a behavioural feature.
SUMMARY_DATE_WORDS = _keys(
    "=first =last eerste laatste =erste =letzte =letzter recent since sinds =seit signup registr anmeld aanmeld "
    "inschrijf =joined =created"
)

TRANSACTION_AMOUNT_NAME_WORDS = _keys(
    "amount bedrag betrag =price unitprice prijs preis ordervalue orderwaarde bestellwert =paid betaald bezahlt"
)
# Customer-level money words: behavioural, promoted to transaction_amount in a transactions table.
REVENUE_NAME_WORDS = _keys("revenue omzet umsatz =sales =total totaal =summe spend spent")
AVERAGE_NAME_WORDS = _keys("average gemiddeld durchschnitt =avg =mean lifetime")

FREE_TEXT_NAME_WORDS = _keys(
    "comment remark opmerking notitie =note =notes notiz bemerkung anmerkung kommentar feedback toelichting "
    "freetext freitext vrijetekst =message bericht nachricht =memo klacht complaint beschwerde =text =tekst"
)
DESCRIPTION_NAME_WORDS = _keys("description omschrijving beschrijving beschreibung =desc")
TECHNICAL_NAME_WORDS = _keys("unnamed* =index =rownumber =rownr =row =level0 =merge")

FEATURE_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "demographic": _keys(
        "=age leeftijd alters* =alter gender =sex geslacht geschlecht income inkomen einkommen gehalt salary "
        "salaris =loon =wage education opleiding bildung schulabschluss =degree occupation =job =jobs beroep "
        "beruf profession =functie jobtitle employ werkgever arbeitgeber marital burgerlijkestaat familienstand "
        "civilstatus =married household huishoud haushalt gezin familysize =children kinderen =kinder =kids "
        "customertype klanttype kundentyp kundenart =language =taal =sprache voertaal lifestage levensfase "
        "lebensphase generation generatie =title =aanhef =anrede salutation homeowner eigenwoning wohneigentum "
        "housing woonsituatie wohnsituation =student socialclass socialeklasse =ses companysize bedrijfsgrootte "
        "unternehmensgr =industry branche sector"
    ),
    "geographic": _keys(
        "=city =town =stad =plaats woonplaats =ort wohnort =stadt gemeente gemeinde municipal region =regio "
        "provin bundesland =state =land landcode country =nation district =wijk stadtteil stadsdeel neighbo "
        "=buurt =kreis landkreis county =area gebied urban stedelijk =continent timezone =pc4 =pc2 =pc3 "
        "postcodearea postcodegebied postcode4 plzregion plzgebiet =geo location locatie standort distance "
        "afstand entfernung =nuts"
    ),
    "behavioural": _keys(
        "order bestelling bestellung purchase aankoop kauf kaeufe revenue omzet umsatz spend spent uitgave "
        "ausgabe =sales =total totaal verkoop recency frequen haufigkeit haeufigkeit monetary visit bezoek besuch "
        "click klik klick session sessie =open =opens openrate bounce loyal treue =tier =level niveau stufe "
        "=points punten punkte =status channel kanaal =kanal tenure since sinds =seit signup registr anmeld churn "
        "basket winkelmand warenkorb =cart return retour rucksend product artikel =item =items category categorie "
        "kategorie quantity =qty aantal anzahl menge duration =duur =dauer campaign campagne kampagne =pdays "
        "previous poutcome outcome response respons balance saldo kontostand credit krediet kredit =loan =loans "
        "lening darlehen mortgage hypothe =default =contact =day =month =dag =maand =tag =monat =weekday payment "
        "betaal zahlung subscription abonnement device apparaat gerat geraet usage gebruik nutzung =clv =ltv "
        "lifetime =score =rfm stockcode =sku =ean coupon voucher gutschein discount korting rabatt promo"
    ),
    "psychographic": _keys(
        "lifestyle levensstijl lebensstil leefstijl =values waarden =werte wertvorstellung interest interesse "
        "hobby hobbies personality persoonlijkheid personlichkeit attitude houding einstellung opinion mening "
        "meinung motivat =persona mindset preference voorkeur vorliebe praferenz taste smaak geschmack "
        "satisfaction tevreden zufrieden =nps passion passie leidenschaft sustainab duurzaam nachhaltig =diet "
        "dieet ernahrung ernaehrung"
    ),
}

# --- value words (lower-case, accent-free) ---------------------------------------------------------

SPECIAL_VALUE_WORDS: dict[str, frozenset[str]] = {
    "religion": _words(
        "agnost agnostic agnostiker agnostisch alevi alevitisch anglicaans anglican atheism atheisme atheismus "
        "atheist atheistisch baptist baptistisch boeddhisme boeddhist boeddhistisch buddhism buddhismus buddhist "
        "buddhistisch catholic christelijk christen christendom christentum christian christianity christlich "
        "evangelical evangelisch gereformeerd halal hervormd hindoe hindoeisme hindoeistisch hindu hinduism "
        "hinduismus hinduistisch humanist humanistisch islam islamic islamisch islamitisch jehovah jew jewish "
        "jodendom jood joods judaism jude judentum judisch juedisch katholiek katholisch konfessionslos koscher "
        "kosher lutheran lutherisch luthers methodist mormon moslim moslima moslims muslim muslima muslimisch "
        "muslims orthodox orthodoxe pentecostal pinkstergemeente pkn protestant protestantisch protestants rk "
        "roomskatholiek schiit shia shiite sikh sikhism sjiiet soenniet sunni sunniet"
    ),
    "health": _words(
        "adhd adipositas aids allergie allergisch allergy alzheimer asthma astma autism autisme autismus "
        "autistisch behindert blind bluthochdruck burnout cancer celiac chronic chronisch coeliakie copd covid "
        "deaf dementia dementie demenz depressie depression depressiv diabetes diabetic diabetisch disabled doof "
        "epilepsie epilepsy gehandicapt gehorlos handicap hiv hypertension kanker krebs migraine migrane obesitas "
        "obesity overgewicht parkinson pregnancy pregnant reuma rheuma schwanger ubergewicht zoliakie zwanger"
    ),
    "ethnicity": _words(
        "aboriginal allochtoon autochtoon biracial caucasian hispanic indigenous inheems latina latino latinx "
        "migratieachtergrond migrationshintergrund sinti"
    ),
    "political_opinion": _words(
        "afd bsw cda cdu christenunie conservatives csu d66 democrat democrats ecolo fdp fvd groenlinks ja21 "
        "labour libdem nsc nva ptb pvda pvdd pvv republican sgp snp spd tories tory ukip vvd"
    ),
    "sexual_orientation": _words(
        "aseksueel asexual asexuell biseksueel bisexual bisexuell gay hetero heteroseksueel heterosexual "
        "heterosexuell homo homoseksueel homosexual homosexuell lesbian lesbienne lesbisch lgbt lgbtq lhbt lhbti "
        "panseksueel pansexual queer"
    ),
    "trade_union": _words("abvv aclvb acv cnv dgb fnv gmb unison verdi"),
}
SPECIAL_VALUE_PHRASES: dict[str, tuple[str, ...]] = {
    "religion": ("rooms katholiek", "roman catholic", "romisch katholisch"),
    "health": ("hoge bloeddruk", "high blood pressure", "heart disease"),
    "ethnicity": (
        "african american",
        "afro american",
        "mixed race",
        "white british",
        "black british",
        "niet westers",
        "westerse migratie",
    ),
    "political_opinion": (
        "die linke",
        "die grunen",
        "freie wahler",
        "lib dem",
        "liberal democrats",
        "reform uk",
        "green party",
        "vlaams belang",
        "open vld",
        "partij voor de dieren",
    ),
    "trade_union": ("ig metall", "ver di"),
}
# Answers that say nothing either way; they do not count for or against a special category.
NEUTRAL_VALUES = _phrases(
    ", -, none, geen, keine, kein, no, nee, nein, other, overig, overige, anders, andere, sonstige, sonstiges, "
    "unknown, onbekend, unbekannt, n/a, na, nvt, n.v.t., prefer not to say, zeg ik liever niet, keine angabe, "
    "not specified, niet opgegeven"
)
TRUE_WORDS = _phrases(
    "yes, y, ja, j, true, t, 1, 1.0, waar, wahr, oui, si, x, opted in, opt-in, optin, akkoord, "
    "agreed, granted, subscribed"
)
FALSE_WORDS = _phrases(
    "no, n, nee, nein, false, f, 0, 0.0, onwaar, falsch, non, opted out, opt-out, optout, "
    "declined, refused, unsubscribed, withdrawn"
)

_COUNTRY_NAMES = {  # ISO-2 code: the ways a country column may write it (folded, words joined by spaces)
    "NL": ("nl", "nld", "netherlands", "the netherlands", "nederland", "niederlande", "holland"),
    "BE": ("be", "bel", "belgium", "belgie", "belgien", "belgique"),
    "DE": ("de", "deu", "ger", "germany", "duitsland", "deutschland", "allemagne"),
    "FR": ("fr", "fra", "france", "frankrijk", "frankreich"),
    "GB": (
        "gb",
        "uk",
        "gbr",
        "united kingdom",
        "great britain",
        "england",
        "scotland",
        "wales",
        "verenigd koninkrijk",
        "grossbritannien",
        "vereinigtes konigreich",
    ),
    "AT": ("at", "aut", "austria", "oostenrijk", "osterreich"),
    "CH": ("ch", "che", "switzerland", "zwitserland", "schweiz", "suisse"),
    "LU": ("lu", "lux", "luxembourg", "luxemburg"),
}
COUNTRY_ALIASES: dict[str, str] = {alias: code for code, aliases in _COUNTRY_NAMES.items() for alias in aliases}


class NormalisedName(NamedTuple):
    """A column name as words and as one compact string, accent-free and lower-case."""

    tokens: tuple[str, ...]
    compact: str


def fold_text(text: str) -> str:
    """Lower-case ``text`` and strip accents ("Atheïst" → "atheist", "Straße" → "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def normalise_name(name: object) -> NormalisedName:
    """Split a column name into words (separators, camelCase, accents and case ignored)."""
    text = str(name).replace("ß", "ss")
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    tokens = tuple(re.findall(r"[a-z0-9]+", fold_text(text)))
    return NormalisedName(tokens, "".join(tokens))


def keyword_matches(keyword: str, name: NormalisedName) -> bool:
    """True when ``keyword`` (in the syntax described at the top of this module) fits ``name``."""
    if keyword.startswith("="):
        return keyword[1:] in name.tokens
    if keyword.endswith("*"):
        return any(token.startswith(keyword[:-1]) for token in name.tokens)
    return keyword in name.compact


def first_keyword(keywords: tuple[str, ...], name: NormalisedName) -> str | None:
    """The first keyword that fits ``name``, without its syntax marks, or None."""
    for keyword in keywords:
        if keyword_matches(keyword, name):
            return keyword.strip("=*")
    return None


def value_words(value: str) -> tuple[str, ...]:
    """Accent-free lower-case words of one value, for looking them up in the value vocabularies."""
    return tuple(re.findall(r"[a-z0-9]+", fold_text(value)))
