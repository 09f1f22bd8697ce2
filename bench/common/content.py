"""Deterministic thread content (seeded random), the same for every server measured."""

from __future__ import annotations

import datetime as dt
import random
import re

SEED = 20240201

SENTENCES = {
    "en": [
        "The letter is dated the 1st of February, but the press release quotes it a day earlier.",
        "Read the transcript again: the minister never said the talks were over, only paused.",
        "I do not see how anyone can read the third paragraph as a commitment to anything.",
        "This is exactly the wording lawyers write when they want to keep every option open.",
        "Can someone post the original PDF? The version on the ministry's site was edited.",
        "You are confusing the statement of the 2nd with the interview from the week before.",
        "Honestly, the timeline in the introduction is the most useful thing on this page.",
        "The question about sanctions was asked twice and answered zero times.",
        "My reading is simpler: they needed a headline for the evening news and got one.",
        "If the dates are right, the letter was sent before the meeting it claims to summarise.",
        "Nobody here has explained why the second document has no signature at all.",
        "Translation matters here; the original verb is much softer than 'demand'.",
        "I have followed this story for years and this is the first time the numbers add up.",
        "That is a fair point, although it ignores what the spokesman said at 8:15 that morning.",
    ],
    "pt": [
        "A carta tem data de 1 de fevereiro, mas o comunicado cita-a um dia antes.",
        "Leiam a transcrição outra vez: ninguém disse que as negociações tinham acabado.",
        "Não percebo como alguém lê o terceiro parágrafo como um compromisso.",
        "É exatamente o tipo de linguagem que os advogados usam para não se comprometerem.",
        "Alguém tem o PDF original? A versão no site do ministério foi alterada.",
        "Você está a confundir a declaração do dia 2 com a entrevista da semana anterior.",
        "A cronologia da introdução é, sinceramente, a parte mais útil desta página.",
        "A pergunta sobre as sanções foi feita duas vezes e nunca teve resposta.",
        "Se as datas estão certas, a carta foi enviada antes da reunião que resume.",
        "Concordo em parte, mas isso ignora o que o porta-voz disse naquela manhã.",
        "A tradução faz diferença: o verbo original é bem mais brando do que 'exigir'.",
    ],
    "sr": [
        "Pismo je datirano 1. februara, ali ga saopstenje citira dan ranije.",
        "Procitajte ponovo transkript: ministar nije rekao da su pregovori zavrseni.",
        "Ne vidim kako iko moze treci pasus da shvati kao obavezu bilo cega.",
        "To je bas onaj jezik koji advokati pisu kad zele da sve ostave otvoreno.",
        "Moze li neko da postavi originalni PDF? Verzija na sajtu ministarstva je izmenjena.",
        "Mesas izjavu od 2. februara sa intervjuom od prethodne nedelje.",
        "Iskreno, hronologija u uvodu je najkorisniji deo ove stranice.",
        "Pitanje o sankcijama postavljeno je dva puta i nijednom nije odgovoreno.",
        "Ako su datumi tacni, pismo je poslato pre sastanka koji navodno sazima.",
        "Prevod je ovde bitan; originalni glagol je mnogo blazi od 'zahtevati'.",
        "Niko ovde nije objasnio zašto drugi dokument uopšte nema potpis.",
    ],
    "ru": [
        "Письмо датировано первым февраля, но в пресс-релизе его цитируют на день раньше.",
        "Перечитайте стенограмму: министр не говорил, что переговоры закончены.",
        "Не понимаю, как третий абзац можно прочитать как какое-то обязательство.",
        "Это именно тот язык, которым юристы пишут, когда хотят оставить все варианты.",
        "Может кто-нибудь выложить оригинал PDF? Версию на сайте министерства поправили.",
        "Вы путаете заявление от второго числа с интервью неделей раньше.",
        "Хронология во введении, честно говоря, самое полезное на этой странице.",
        "Вопрос о санкциях задали дважды и ни разу на него не ответили.",
        "Если даты верны, письмо отправили до встречи, которую оно якобы подытоживает.",
        "Перевод здесь важен: исходный глагол гораздо мягче, чем «требовать».",
    ],
    "de": [
        "Der Brief ist vom 1. Februar, die Pressemitteilung zitiert ihn aber einen Tag früher.",
        "Lesen Sie das Protokoll noch einmal: Von einem Abbruch der Gespräche war nie die Rede.",
        "Ich verstehe nicht, wie man den dritten Absatz als Zusage lesen kann.",
        "Genau so formulieren Juristen, wenn sie sich alle Optionen offenhalten wollen.",
        "Hat jemand das Original-PDF? Die Fassung auf der Seite des Ministeriums wurde geändert.",
        "Sie verwechseln die Erklärung vom 2. mit dem Interview der Vorwoche.",
        "Die Chronologie in der Einleitung ist ehrlich gesagt das Nützlichste auf dieser Seite.",
        "Die Frage nach den Sanktionen wurde zweimal gestellt und keinmal beantwortet.",
        "Wenn die Daten stimmen, wurde der Brief vor dem Treffen verschickt, das er zusammenfasst.",
        "Die Übersetzung ist hier wichtig: Das Verb im Original ist viel weicher als „fordern“.",
    ],
}
LANG_WEIGHTS = {"en": 40, "pt": 15, "sr": 15, "ru": 15, "de": 15}
LINKS = [
    "https://example.org/files/letter-2022-02-01.pdf",
    "https://example.org/files/press-release-2022-02-02.pdf",
    "https://video.example.net/watch?v=Q4x8pT2",
    "https://news.example.com/2022/02/02/statement-full-text/",
    "https://archive.example.org/web/20220203/ministry.example.gov/transcript",
]
NAMES = [
    "John Carter",
    "Ana Souza",
    "Miloš Petrović",
    "Дмитрий Волков",
    "Jürgen Weber",
    "Emily Hart",
    "João Pereira",
    "Jelena Jovanovic",
    "Наталья Иванова",
    "Katrin Müller",
    "Marko",
    "Olga",
    "Pedro Alves",
    "Vuk Stankovic",
    "Lena Fischer",
    "Tom O'Neill",
    "Rafaela Lima",
    "Sergei K.",
    "Aleksandar Nikolić",
    "Grace Okafor",
    "Beatriz Costa",
    "Stefan Braun",
    "Ivana",
    "Mike R.",
    "Светлана",
    "Nenad Djordjevic",
    "Helga Schmidt",
    "Carlos Mendes",
    "Dragan",
    "Sarah Klein",
    "Андрей",
    "Luísa Rocha",
    "Paul W.",
    "Milica Ilic",
    "Friedrich",
    "Zoran Lukić",
    "Maria Helena",
    "Kevin",
    "Anja Horvat",
    "Old Reader",
]


def _author_table(rng: random.Random) -> list[dict]:
    authors = []
    for k, name in enumerate(NAMES):
        slug = re.sub(r"[^a-z]+", ".", name.lower()).strip(".") or f"reader{k}"
        authors.append(
            {
                "name": name,
                "email": f"{slug}{k}@example.org" if rng.random() < 0.4 else "",
                "website": (
                    f"https://{slug.replace('.', '')}{k}.example.net" if rng.random() < 0.15 else ""
                ),
                "ip": f"10.0.{k // 200}.{k % 200 + 1}",
            }
        )
    return authors


def make_body(rng: random.Random, *, mention: str | None = None) -> str:
    lang = rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]
    target = rng.randint(100, 800)
    paragraphs: list[str] = []
    current: list[str] = []
    length = 0
    if mention:
        current.append(f"@{mention}")
        length += len(mention) + 2
    per_paragraph = rng.randint(2, 4)
    while length < target:
        sentence = rng.choice(SENTENCES[lang])
        if rng.random() < 0.06:
            sentence = f"*{sentence}*"
        current.append(sentence)
        length += len(sentence) + 1
        if len(current) >= per_paragraph:
            paragraphs.append(" ".join(current))
            current, per_paragraph = [], rng.randint(2, 4)
            length += 1
    if current:
        paragraphs.append(" ".join(current))
    roll = rng.random()
    if roll < 0.06:
        paragraphs.append(f"Source: {rng.choice(LINKS)}")
    elif roll < 0.10:
        paragraphs.append(f"See [the original]({rng.choice(LINKS)}).")
    body = "\n\n".join(paragraphs)
    while len(body) > 800:  # drop whole sentences from the end, then words
        cut = max(body.rfind(". ", 0, 800), body.rfind("\n\n", 0, 800))
        body = body[: cut + 1] if cut >= 100 else body[:799].rsplit(" ", 1)[0]
    return body.strip()


def make_thread(size: int) -> dict:
    """`size` comments: ~30% top-level, replies up to 8 levels deep, oldest first."""
    rng = random.Random(SEED + size)
    authors = _author_table(random.Random(SEED))
    weights = [1 / (k + 1) ** 0.8 for k in range(len(authors))]
    created = dt.datetime(2022, 2, 1, 8, 0, tzinfo=dt.UTC).timestamp()
    comments: list[dict] = []
    for i in range(size):
        created += rng.randint(5, 240 if size >= 1000 else 900)
        author = authors[rng.choices(range(len(authors)), weights=weights)[0]]
        parent = None
        if i > 0 and rng.random() >= 0.30:
            pool = range(max(0, i - 40), i) if rng.random() < 0.7 else range(i)
            parent = rng.choice(pool)
            while comments[parent]["depth"] >= 7:  # deepest level is depth 7 (8 levels)
                parent = comments[parent]["parent"]
        mention = None
        if parent is not None and rng.random() < 0.12:
            mention = comments[parent]["name"]
        elif i > 5 and rng.random() < 0.03:
            mention = comments[rng.randrange(i)]["name"]
        comments.append(
            {
                "parent": parent,
                "root": i if parent is None else comments[parent]["root"],
                "depth": 0 if parent is None else comments[parent]["depth"] + 1,
                "name": author["name"],
                "email": author["email"],
                "website": author["website"],
                "ip": author["ip"],
                "created": float(created),
                "body": make_body(rng, mention=mention),
            }
        )
    slug = f"bench-thread-{size}"
    return {
        "size": size,
        "slug": slug,
        "uri": f"/posts/{slug}/",
        "title": f"Bench dossier with {size:,} comments",
        "introduction": "A letter, a press release and a transcript, and the argument under them.",
        "comments": comments,
    }


def post_bodies(count: int, salt: int) -> list[str]:
    rng = random.Random(SEED * 7 + salt)
    return [make_body(rng) for _ in range(count)]


# -- bench/search.py: a site's comments in six languages -----------------------------------------
# Parallel sentences: the i-th of every language says the same thing, so a comment's stored
# translation is its sentences in the other language. Names and places carry diacritics
# (Željko, São Paulo, Đorđe, Niš, Čačak) so that folded queries have something to find.

SEARCH_SENTENCES = {
    "en": [
        "Željko Petrović wrote the letter in São Paulo three days before the vote.",
        "The ministry published the press release without the annex.",
        "Who signed the agreement, and on what date?",
        "The spokesman in Niš refused to answer the question about the budget.",
        "The transcript shows that the delegation left the meeting early.",
        "Đorđe says the figures in the second table do not match the report.",
        "The committee will meet again in Čačak next month.",
        "I read the whole dossier twice and still cannot find the original source.",
        "The mayor of São Paulo called the decision a serious mistake.",
        "The election commission counted the votes again on Sunday.",
        "This comment was translated, so the meaning may be slightly different.",
        "Ask Željko: he was in the room when the minister spoke.",
    ],
    "pt": [
        "Željko Petrović escreveu a carta em São Paulo três dias antes da votação.",
        "O ministério publicou o comunicado de imprensa sem o anexo.",
        "Quem assinou o acordo, e em que data?",
        "O porta-voz em Niš recusou-se a responder à pergunta sobre o orçamento.",
        "A transcrição mostra que a delegação saiu cedo da reunião.",
        "Đorđe diz que os números da segunda tabela não batem com o relatório.",
        "A comissão volta a reunir-se em Čačak no próximo mês.",
        "Li o dossiê inteiro duas vezes e ainda não encontro a fonte original.",
        "O prefeito de São Paulo chamou a decisão de um erro grave.",
        "A comissão eleitoral voltou a contar os votos no domingo.",
        "Este comentário foi traduzido, por isso o sentido pode ser um pouco diferente.",
        "Perguntem ao Željko: ele estava na sala quando o ministro falou.",
    ],
    "sr": [
        "Željko Petrović je napisao pismo u Sao Paulu tri dana pre glasanja.",
        "Ministarstvo je objavilo saopštenje za medije bez priloga.",
        "Ko je potpisao sporazum, i kog datuma?",
        "Portparol u Nišu odbio je da odgovori na pitanje o budžetu.",
        "Transkript pokazuje da je delegacija ranije napustila sastanak.",
        "Đorđe kaže da se brojke u drugoj tabeli ne slažu sa izveštajem.",
        "Odbor će se ponovo sastati u Čačku sledećeg meseca.",
        "Pročitao sam ceo dosije dva puta i još uvek ne mogu da nađem originalni izvor.",
        "Gradonačelnik Sao Paula nazvao je odluku ozbiljnom greškom.",
        "Izborna komisija je u nedelju ponovo prebrojala glasove.",
        "Ovaj komentar je preveden, pa značenje može biti malo drugačije.",
        "Pitajte Željka: bio je u sobi kada je ministar govorio.",
    ],
    "ru": [
        "Желько Петрович написал письмо в Сан-Паулу за три дня до голосования.",
        "Министерство опубликовало пресс-релиз без приложения.",
        "Кто подписал соглашение и какого числа?",
        "Пресс-секретарь в Нише отказался отвечать на вопрос о бюджете.",
        "Стенограмма показывает, что делегация рано покинула встречу.",
        "Джордже говорит, что цифры во второй таблице не совпадают с отчётом.",
        "Комитет снова соберётся в Чачаке в следующем месяце.",
        "Я дважды прочитал всё досье и до сих пор не нахожу первоисточник.",
        "Мэр Сан-Паулу назвал это решение серьёзной ошибкой.",
        "Избирательная комиссия в воскресенье пересчитала голоса.",
        "Этот комментарий переведён, поэтому смысл может немного отличаться.",
        "Спросите Желько: он был в зале, когда выступал министр.",
    ],
    "de": [
        "Željko Petrović schrieb den Brief drei Tage vor der Abstimmung in São Paulo.",
        "Das Ministerium veröffentlichte die Pressemitteilung ohne den Anhang.",
        "Wer hat das Abkommen unterschrieben, und an welchem Tag?",
        "Der Sprecher in Niš weigerte sich, die Frage zum Haushalt zu beantworten.",
        "Das Protokoll zeigt, dass die Delegation das Treffen früh verließ.",
        "Đorđe sagt, die Zahlen in der zweiten Tabelle passen nicht zum Bericht.",
        "Der Ausschuss trifft sich nächsten Monat wieder in Čačak.",
        "Ich habe das ganze Dossier zweimal gelesen und finde die Originalquelle nicht.",
        "Der Bürgermeister von São Paulo nannte die Entscheidung einen schweren Fehler.",
        "Die Wahlkommission hat die Stimmen am Sonntag neu ausgezählt.",
        "Dieser Kommentar wurde übersetzt, die Bedeutung kann also leicht abweichen.",
        "Fragen Sie Željko: Er war im Raum, als der Minister sprach.",
    ],
    "es": [
        "Željko Petrović escribió la carta en São Paulo tres días antes de la votación.",
        "El ministerio publicó el comunicado de prensa sin el anexo.",
        "¿Quién firmó el acuerdo, y en qué fecha?",
        "El portavoz en Niš se negó a responder a la pregunta sobre el presupuesto.",
        "La transcripción muestra que la delegación abandonó pronto la reunión.",
        "Đorđe dice que las cifras de la segunda tabla no coinciden con el informe.",
        "El comité volverá a reunirse en Čačak el mes que viene.",
        "He leído el dossier entero dos veces y sigo sin encontrar la fuente original.",
        "El alcalde de São Paulo calificó la decisión de error grave.",
        "La comisión electoral volvió a contar los votos el domingo.",
        "Este comentario fue traducido, así que el sentido puede ser algo distinto.",
        "Pregúntenle a Željko: estaba en la sala cuando habló el ministro.",
    ],
}
# About one comment in a thousand says this: the rare words (`lighthouse`, `palagruza`).
SEARCH_RARE = {
    "en": "The archive also holds a telegram about the lighthouse keeper of Palagruža.",
    "pt": "O arquivo guarda também um telegrama sobre o faroleiro de Palagruža.",
    "sr": "Arhiv čuva i telegram o svetioničaru sa Palagruže.",
    "ru": "В архиве есть и телеграмма о смотрителе маяка на Палагруже.",
    "de": "Das Archiv bewahrt auch ein Telegramm über den Leuchtturmwärter von Palagruža.",
    "es": "El archivo guarda también un telegrama sobre el farero de Palagruža.",
}
SEARCH_RARE_SHARE = 0.001
# "sr-plain": Serbian Latin typed without its diacritics, as many readers write it.
SEARCH_LANG_WEIGHTS = {"en": 30, "pt": 15, "sr": 10, "sr-plain": 10, "ru": 12, "de": 12, "es": 11}
SEARCH_NAMES = [*NAMES, "Željko Petrović", "Đorđe Marković", "Zeljko P.", "Ana Gonçalves"]

_PLAIN_SERBIAN = str.maketrans(
    {"č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "dj", "Č": "C", "Ć": "C", "Š": "S", "Ž": "Z"}
    | {"Đ": "Dj"}
)


def without_diacritics(text: str) -> str:
    """Serbian Latin as it is typed on a keyboard without its letters (đ as dj)."""
    return text.translate(_PLAIN_SERBIAN)


# A sentence of a search comment: ("s", i) the i-th of SEARCH_SENTENCES, ("t", i) the i-th of
# SENTENCES (the thread bench's, where the language has them), ("r", 0) SEARCH_RARE.
Piece = tuple[str, int]


def search_comment(rng: random.Random) -> tuple[str, list[Piece]]:
    """A comment's language variant and its sentences (one to six)."""
    variant = rng.choices(list(SEARCH_LANG_WEIGHTS), weights=list(SEARCH_LANG_WEIGHTS.values()))
    language = variant[0]
    base = "sr" if language == "sr-plain" else language
    pieces: list[Piece] = []
    for _ in range(rng.randint(1, 6)):
        if base in SENTENCES and rng.random() < 0.5:
            pieces.append(("t", rng.randrange(len(SENTENCES[base]))))
        else:
            pieces.append(("s", rng.randrange(len(SEARCH_SENTENCES[base]))))
    if rng.random() < SEARCH_RARE_SHARE:
        pieces.insert(rng.randint(0, len(pieces)), ("r", 0))
    return language, pieces


def search_text(language: str, pieces: list[Piece]) -> str:
    """The Markdown of a comment's sentences in `language` (a variant of SEARCH_LANG_WEIGHTS
    or a plain language code): paragraphs of up to three sentences. For another language than
    the comment's own, this is its translation (the thread bench's sentences are matched by
    their position, which is near enough for a bench)."""
    base = "sr" if language == "sr-plain" else language
    out = []
    for kind, i in pieces:
        if kind == "r":
            out.append(SEARCH_RARE[base])
        elif kind == "t" and base in SENTENCES:
            out.append(SENTENCES[base][i % len(SENTENCES[base])])
        else:
            out.append(SEARCH_SENTENCES[base][i % len(SEARCH_SENTENCES[base])])
    if language == "sr-plain":
        out = [without_diacritics(s) for s in out]
    paragraphs = [" ".join(out[k : k + 3]) for k in range(0, len(out), 3)]
    return "\n\n".join(paragraphs)
