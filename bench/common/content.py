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
