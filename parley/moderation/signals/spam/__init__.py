"""Spam: link spam and sales talk from first-time commenters, held before anyone sees it.

Inline: it runs while the comment is posted (and when it is edited). It looks at the
commenter's own words (not what they quote) and at where their links go, and adds up
evidence, each kind counted once:

- a shop phrase ("free shipping", "frete grátis", "besplatna dostava", "бесплатная
  доставка", "kostenloser Versand", "envío gratis", "casino bonus", ...): 0.5 each, up to 1.0;
- a sales word ("price", "discount", "oferta", "popust", "скидка", "Rabatt", ...): 0.2 each,
  up to 0.4 (heated comments about prices and deals use them too);
- money promised by the day, week or month ("$5,000 a week", "R$ 300 por dia"): 0.6;
- a phone number in international form, or a messenger (WhatsApp, Telegram, "chama no
  zap"): 0.4;
- generic praise with a link ("Great article, very informative!"): 0.4;
- a link to a shop (shop, sale, replica, casino... in its address): 0.4;
- an affiliate or referral parameter (?ref=, ?aff=, utm_...): 0.3;
- two links or more to one site: 0.4;
- links and almost no words of one's own (three words or fewer): 0.5;
- a link to the commenter's own website or e-mail domain: 0.3;
- a price ("$9.99", "990 din"): 0.3; a discount or bonus in per cent ("20% off",
  "bonus 300%"): 0.4; arrows or emoji pointing at the offer (👉, >>>, 🔥): 0.3;
- three exclamation marks or more: 0.2;
- an earlier comment of the same commenter held as spam or marked as spam: 0.5.

A comment with a link, or a phone number or messenger, that reaches HOLD_AT is held with the
reason "looks like spam", if its commenter is a first-time one: no comment of theirs was
published before, or one was rejected (people.has_history; a guest's typed e-mail address
counts only together with the network it posted from before). Trusted commenters
and accounts with a history are never held by this signal; moderators and the post's author
skip every signal. The evidence is kept beside the scores ("link_spam_evidence") for the
moderator who decides.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from parley.moderation import people, wordlists
from parley.moderation.signals.base import Result, Settings, Signal, Subject

HOLD_AT = 0.9
REASON = "looks like spam"
RESULT = "link_spam"
EVIDENCE = "link_spam_evidence"

PHRASE_WEIGHT, PHRASES_AT_MOST = 0.5, 1.0
WORD_WEIGHT, WORDS_AT_MOST = 0.2, 0.4
MONEY_WEIGHT = 0.6
CONTACT_WEIGHT = 0.4
PERCENT_OFF_WEIGHT = 0.4
PRICE_WEIGHT = 0.3
POINTING_WEIGHT = 0.3
PRAISE_WEIGHT = 0.4
SHOP_LINK_WEIGHT = 0.4
REFERRAL_WEIGHT = 0.3
SAME_SITE_WEIGHT = 0.4
LINK_ONLY_WEIGHT, LINK_ONLY_WORDS = 0.5, 3
OWN_SITE_WEIGHT = 0.3
EXCLAIM_WEIGHT, EXCLAIMS = 0.2, 3
EARLIER_SPAM_WEIGHT = 0.5

# Word-list syntax (wordlists.py): words and phrases match whole words in any case, with or
# without diacritics; /.../ is a regular expression on the folded text.
PHRASES = r"""
# English
free shipping
free delivery
shipping worldwide
worldwide shipping
best prices
lowest prices
lowest price
buy now
order now
shop now
order today
limited offer
limited time offer
special offer
exclusive offer
discount code
promo code
coupon code
luxury watches
replica watches
replica bags
designer bags
cheap watches
online pharmacy
viagra
cialis
online casino
casino bonus
free spins
welcome bonus
deposit bonus
first deposit
trading bot
crypto signals
guaranteed profit
guaranteed profits
passive income
work from home
make money online
earn money
click here
visit our website
visit our store
visit our shop
check out our
money back guarantee
join now
buy followers
seo services
payday loans
no credit check
/\b100\s*% (?:bonus|guaranteed|free)\b/
link in bio
backlinks
backlink
seo backlinks
/\b(?:code|codigo|código|kod|kodom|gutscheincode|rabattcode|cupom|cupón)\s+[a-z]+\d+\b/
/промокод\w*\s+[a-z]+\d+\b/
no experience needed
no experience required
top quality
essay writer
essay writing
no plagiarism
bitcoin doubler
recover lost
zero down
/\$\s?0 down/
free quote
free estimate
/\b(?:buy|get)\b[^.!?\n]{0,30}\b(?:followers|likes|subscribers)\b/
/\b(?:replica|replicas)\b/
# Portuguese
frete grátis
entrega grátis
envio grátis
melhor preço
melhores preços
menor preço
compre já
compre agora
peça já
oferta imperdível
oferta por tempo limitado
cupom de desconto
renda extra
ganhe dinheiro
trabalhe em casa
trabalho em casa
sem sair de casa
chama no zap
chama no whats
link na bio
clique aqui
acesse já
cassino
bônus de boas-vindas
primeiro depósito
lucro garantido
confira nossa loja
visite nossa loja
sem experiência
sem plágio
réplica
réplicas
sem entrada
simulação grátis
orçamento grátis
/\bcompre\b[^.!?\n]{0,30}\bseguidores\b/
/\b(?:corretora|broker)s? falsa/
# Serbian, Croatian, Bosnian (Latin; diacritics optional)
besplatna dostava
besplatnu dostavu
besplatna isporuka
najbolje cene
najbolje cijene
najniže cene
najniže cijene
kupite odmah
kupite sada
naručite odmah
naručite sada
poručite odmah
poručite sada
ograničena ponuda
akcijska cena
akcijska cijena
posetite naš sajt
posjetite našu stranicu
kliknite ovde
kliknite ovdje
zarada od kuće
rad od kuće
pasivni prihod
kazino
bonus dobrodošlice
prvi depozit
garantovana zarada
bez iskustva
bez plagijata
replike
replika
backlinkove
vrhunski kvalitet
bez učešća
besplatna procjena
besplatna procena
link u biografiji
/\bkupite\b[^.!?\n]{0,30}\bpratioc\w*/
/udvostru\w* (?:svoj )?bitcoin\w*/
/pozajmic\w* bez provere/
# Russian
/бесплатн\w* доставк\w*/
/лучш\w* цен\w*/
/низк\w* цен\w*/
/купи\w* сейчас/
/закаж\w* сейчас/
/закаж\w* прямо/
спецпредложение
/ограниченн\w* предложени\w*/
промокод
/заработ\w* в интернете/
/работ\w* на дому/
/пассивн\w* доход\w*/
/казино/
/бонус\w* за регистраци\w*/
/перв\w* депозит\w*/
/перейдите по ссылке/
/переходите по ссылке/
/пишите в (?:телеграм\w*|личку|whatsapp|вотсап)/
/гарантированн\w* доход\w*/
/без опыта/
/вечн\w* ссылк\w*/
/продвижени\w* сайт\w*/
/антиплагиат\w*/
/на заказ/
/реплик\w*/
/люкс\w* качеств\w*/
/без первого взноса/
/расч[её]т бесплатно/
/накрутк\w*/
/удвоени\w* биткоин\w*/
/куп\w* диплом\w*/
/верн\w* деньги/
/мошенническ\w* брокер\w*/
/ссылка в (?:профиле|био)/
# German
kostenloser versand
versandkostenfrei
gratis versand
kostenlose lieferung
beste preise
tiefstpreise
jetzt kaufen
jetzt bestellen
sonderangebot
begrenztes angebot
gutscheincode
rabattcode
geld verdienen
von zu hause aus arbeiten
nebenverdienst
passives einkommen
online casino
willkommensbonus
ersteinzahlung
klicken sie hier
besuchen sie unseren shop
keine erfahrung nötig
plagiatsfrei
replika
top-qualität
ohne anzahlung
kostenlose berechnung
link in der bio
/\bfollower\w* kaufen/
/bitcoin[ -]?verdoppler/
/betrugsbroker\w*/
ohne schufa
# Spanish
envío gratis
envío gratuito
mejores precios
mejor precio
compra ahora
compre ahora
pide ya
oferta limitada
oferta especial
código de descuento
gana dinero
ganar dinero
trabajo desde casa
trabaja desde casa
ingresos pasivos
casino online
bono de bienvenida
primer depósito
haz clic aquí
visita nuestra tienda
sin experiencia
sin plagio
réplicas
calidad aaa
sin entrada
estudio gratis
enlace en la bio
/\bcompra\b[^.!?\n]{0,30}\bseguidores\b/
/duplicador de bitcoin/
/br[oó]ker falso/
sin aval
"""

WORDS = r"""
price
prices
sale
discount
discounts
cheap
offer
deal
deals
shop
store
bonus
deposit
profit
luxury
preço
preços
oferta
grátis
empréstimo
ofertas
desconto
loja
barato
promoção
lucro
cena
cene
cijena
popust
popusti
prodaja
jeftino
ponuda
/цен[аы]/
/скидк\w*/
/дешев\w*/
/купить/
/акци[яи]/
/preis\w*/
angebot
rabatt
günstig
billig
precio
precios
descuento
descuentos
tienda
gratis
préstamo
préstamos
loan
loans
bitcoin
btc
crypto
kripto
kredit
/крипт\w*/
/биткоин\w*/
/бесплатн\w*/
/займ\w*/
/недорог\w*/
besplatno
besplatan
kostenlos
kostenlose
"""

PRAISE = r"""
great article
nice article
great post
nice post
awesome post
excellent article
very informative
thanks for sharing
thank you for sharing
ótimo artigo
excelente artigo
muito informativo
obrigado por compartilhar
odličan tekst
odličan članak
sjajan tekst
hvala na deljenju
/отличн\w* стать\w*/
/полезн\w* стать\w*/
toller artikel
sehr informativ
danke fürs teilen
excelente artículo
muy informativo
gracias por compartir
buen artículo
"""

CONTACTS = r"""
whatsapp
whats app
wpp
chama no zap
telegram
viber
/телеграм\w*/
/вайбер\w*/
/вотсап\w*/
dm me
pm me
inbox me
no direct
/\b(?:dm|direct|insta|instagram|telegram|telegu)\b[^.!?\n]{0,20}@\w{3,}/
/@\w{3,} (?:on|no|na|auf|en|в) (?:telegram|instagram|insta|телеграм\w*)/
/пиш\w* в (?:директ|телег\w*|личк\w*)/
"""

# Money by the day, week or month: "$5,000 a week", "R$ 3.000 por dia", "500 € am Tag".
_MONEY = re.compile(
    r"(?:(?:[$€£₽]|r\$|us\$)\s?\d[\d.,\s]*k?|\d[\d.,\s]*k?\s?(?:[$€£₽]|eur|euro|evra|usd|"
    r"dollars?|dolara|reais|rubl\w*|руб\w*|din(?:ara)?))\s*"
    r"(?:per|a|an|/|por|ao|am|pro|im|в|за|na|al|u)?\s*"
    r"(?:day|week|month|hour|dia|semana|mes|tag|woche|monat|stunde|день|неделю|месяц|час|"
    r"dan|dnevno|nedeljno|mesecno|mjesecno|hora)\b"
)
# A price: "$9.99", "R$ 29,90", "990 din", "9,99 €".
_PRICE = re.compile(
    r"(?:[$€£₽]|r\$|us\$)\s?\d|\d[\d.,]*\s?(?:[€£₽]|eur|din|dinara|reais|руб\w*)(?!\w)"
)
# A discount or bonus in per cent: "20% off", "bonus 300%", "popust 60%", "скидка 50%".
_OFF = (
    r"(?:off|de desconto|desconto|popust\w*|скидк\w*|rabatt|de descuento|descuento|bonus|"
    r"bonus\w*|bono|бонус\w*|willkommensbonus|günstiger|gunstiger|jeftinije|дешевле)"
)
_PERCENT_OFF = re.compile(rf"\d+\s?%\s?{_OFF}(?!\w)|(?<!\w){_OFF}\s(?:\w+\s){{0,2}}\d+\s?%")
# Arrows and emoji pointing at an offer.
_POINTING = re.compile("👉|>>>|➡|🔥|🚀|💰|💸|🤑")
# A phone number in international form: "+55 11 5555-0199", "+7 (900) 555-01-99".
_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?![\w])")
# Messengers' links.
_MESSENGER_HOSTS = ("wa.me", "t.me", "telegram.me", "viber.me", "chat.whatsapp.com")
# Words in an address (host or path) that say it is a shop.
_SHOP_WORDS = frozenset(
    "shop shops store stores sale sales buy deal deals discount discounts cheap replica "
    "replicas casino casinos bet bets bonus loan loans pills pharmacy outlet promo coupon "
    "coupons offer offers crypto forex wealth profit luxury loja tienda prodavnica "
    "magazin".split()
)
_SHOP_TLDS = frozenset("shop store sale deals bet casino loan click".split())
_REFERRAL_KEYS = frozenset(
    "ref aff affid affiliate partner promo coupon clickid subid utm_source utm_campaign "
    "utm_medium".split()
)
_ADDRESS_WORD = re.compile(r"[a-z0-9]+")
_URLISH = re.compile(r"(?:https?://|www\.)\S+|\S+\.[a-z]{2,}/\S*", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


def _patterns(entries: str) -> list[re.Pattern[str]]:
    return wordlists.compiled(entries, where="spam signal")


class _Lexicon:
    """The phrase lists, compiled once per process on first use."""

    def __init__(self) -> None:
        self.phrases = _patterns(PHRASES)
        self.words = _patterns(WORDS)
        self.praise = _patterns(PRAISE)
        self.contacts = _patterns(CONTACTS)


_lexicon: _Lexicon | None = None


def lexicon() -> _Lexicon:
    global _lexicon
    if _lexicon is None:
        _lexicon = _Lexicon()
    return _lexicon


def _found(patterns: list[re.Pattern[str]], text: wordlists.Folded) -> list[str]:
    """Each different match, folded."""
    seen: dict[str, None] = {}
    for pattern in patterns:
        for match in pattern.finditer(text.folded):
            if match.end() > match.start():
                seen.setdefault(re.sub(r"\s+", " ", match.group()), None)
    return list(seen)


def _host(url: str) -> str:
    if url.lower().startswith("mailto:"):
        return url.partition("@")[2].split("?")[0].lower()
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _shop_link(url: str, host: str) -> bool:
    if host.rsplit(".", 1)[-1] in _SHOP_TLDS:
        return True
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
    except ValueError:
        return False
    words = _ADDRESS_WORD.findall(f"{host} {parts.path} {parts.query}".lower())
    return any(word in _SHOP_WORDS for word in words)


def _referral(url: str) -> bool:
    try:
        query = urlsplit(url).query
    except ValueError:
        return False
    return any(key.lower() in _REFERRAL_KEYS for key, _value in parse_qsl(query))


def _own_domains(subject: Subject) -> set[str]:
    domains = set()
    if subject.website:
        domains.add(_host(subject.website if "://" in subject.website else "//" + subject.website))
    kind, _sep, value = subject.author_key.partition(":")
    if kind == "email" and "@" in value:
        domains.add(value.rsplit("@", 1)[1])
    return {domain.removeprefix("www.") for domain in domains if domain}


def evidence(subject: Subject) -> tuple[float, list[str], bool]:
    """(score, evidence in words, whether it has a way to reach the spammer: a link, a phone
    number or a messenger). What the commenter has done before is not looked at here."""
    text = wordlists.Folded(_URLISH.sub(" ", subject.text))
    words = lexicon()
    found: list[tuple[float, str]] = []

    phrases = _found(words.phrases, text)
    if phrases:
        weight = min(PHRASES_AT_MOST, PHRASE_WEIGHT * len(phrases))
        found.append((weight, "shop phrases: " + ", ".join(f"“{p}”" for p in phrases)))
    sales = [w for w in _found(words.words, text) if not any(w in p for p in phrases)]
    if sales:
        weight = min(WORDS_AT_MOST, WORD_WEIGHT * len(sales))
        found.append((weight, "sales words: " + ", ".join(f"“{w}”" for w in sales)))
    if _MONEY.search(text.folded):
        found.append((MONEY_WEIGHT, "money by the day, week or month"))
    if _PERCENT_OFF.search(text.folded):
        found.append((PERCENT_OFF_WEIGHT, "a discount or bonus in per cent"))
    if _PRICE.search(text.folded):
        found.append((PRICE_WEIGHT, "a price"))
    if _POINTING.search(subject.text):
        found.append((POINTING_WEIGHT, "arrows or emoji pointing at the offer"))

    hosts = [_host(url) for url in subject.urls]
    messenger = any(host in _MESSENGER_HOSTS for host in hosts)
    contact = bool(_PHONE.search(text.text)) or messenger or bool(_found(words.contacts, text))
    if contact:
        found.append((CONTACT_WEIGHT, "a phone number or messenger"))

    links = [(url, host) for url, host in zip(subject.urls, hosts, strict=True) if host]
    if links:
        if _found(words.praise, text):
            found.append((PRAISE_WEIGHT, "generic praise"))
        shops = sorted({host for url, host in links if _shop_link(url, host)})
        if shops:
            found.append((SHOP_LINK_WEIGHT, "links to a shop: " + ", ".join(shops)))
        if any(_referral(url) for url, _host_ in links):
            found.append((REFERRAL_WEIGHT, "a referral link"))
        repeated = sorted({host for _url, host in links if hosts.count(host) > 1})
        if repeated:
            found.append((SAME_SITE_WEIGHT, "repeated links to " + ", ".join(repeated)))
        own_words = _WORD.findall(_URLISH.sub(" ", subject.text))
        if len(own_words) <= LINK_ONLY_WORDS:
            found.append((LINK_ONLY_WEIGHT, "links and almost nothing else"))
        if _own_domains(subject) & {host for _url, host in links}:
            found.append((OWN_SITE_WEIGHT, "a link to the commenter's own site"))
    if subject.text.count("!") >= EXCLAIMS:
        found.append((EXCLAIM_WEIGHT, "exclamation marks"))
    score = sum(weight for weight, _why in found)
    return score, [why for _weight, why in found], bool(links) or contact


def _earlier_spam(subject: Subject) -> bool:
    """Whether the log holds an earlier comment of this commenter held or marked as spam."""
    from parley.moderation.models import Decision

    earlier = Decision.objects.filter(commenter=subject.author_key[:300])
    if subject.comment_id is not None:
        earlier = earlier.exclude(comment_id=subject.comment_id)
    return (
        earlier.filter(action=Decision.Action.SPAM).exists()
        or earlier.filter(action=Decision.Action.HOLD, reason__contains=REASON).exists()
    )


class SpamSignal(Signal):
    name = "spam"
    inline = True

    def score(self, subject: Subject, settings: Settings) -> list[Result]:
        if subject.author_trust in (people.TRUSTED, people.STAFF):
            return []
        score, why, reachable = evidence(subject)
        if not reachable or score < HOLD_AT - EARLIER_SPAM_WEIGHT:
            return []
        if score < HOLD_AT:
            if not _earlier_spam(subject):
                return []
            score += EARLIER_SPAM_WEIGHT
            why.append("an earlier comment held or marked as spam")
        known = people.has_history(
            subject.author_key,
            ip=subject.ip,
            before=subject.created_at,
            exclude=subject.comment_id,
        )
        if known:
            return []
        score = round(score, 3)
        return [
            Result(RESULT, min(1.0, score), [REASON], hold=True, kinds=("spam",)),
            Result(EVIDENCE, score, why),
        ]
