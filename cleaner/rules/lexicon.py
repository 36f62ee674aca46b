"""Small word lists and word-level features shared by the spam and language rules.

* ``STOPWORDS``: function words per language (articles, pronouns,
  prepositions, conjunctions, auxiliaries). Short lines are judged by them:
  a line holding French function words and no English ones is French prose.
* ``content_stems`` / ``TopicModel``: how much a line shares content words
  with the rest of its document. An inserted headline, scam message or
  unrelated paragraph shares almost none.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

_LISTS = {
    "en": """a an the and or but if then so of to in on at by for with from as is are was were be been
        being it its this that these those he she they we you i me my our your their his her them us
        not no do does did have has had will would can could should may might must than too very just
        also about into over after before up down out off more most some any all each other such only
        own same which who whom what when where why how there here""",
    "fr": """le la les un une des du de d l et ou mais donc car ni que qui quoi dont où ce cet cette ces
        il elle ils elles on nous vous je tu me te se lui leur leurs son sa ses mon ma mes ton ta tes
        notre votre nos vos au aux en dans par pour sur sous avec sans chez entre vers est sont était
        été être avoir a ont avait ne pas plus très aussi comme si y c s n qu j""",
    "de": """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern dass
        wenn als wie wo wer was ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihnen
        mein dein sein unser euer nicht kein keine keinen ist sind war waren wurde wurden werden hat
        haben hatte auch noch schon sehr nur zu zum zur im in am an auf aus bei mit nach von vor über
        unter für durch gegen ohne um bis seit""",
    "es": """el la los las un una unos unas y o u pero sino que quien quién cual cuál donde cuando
        como cómo de del al a en con sin por para sobre entre hasta desde es son era eran fue fueron
        ser estar está están ha han había se me te le les lo nos os su sus mi mis tu tus muy más ya
        también no sí este esta estos estas ese esa eso""",
    "it": """il lo la i gli le un uno una e ed o ma però che chi cui dove quando come di del dello della
        dei degli delle a al allo alla ai agli alle da dal dallo dalla dai dagli dalle in nel nello
        nella nei negli nelle con su sul sulla per tra fra è sono era erano stato stata essere ha
        hanno aveva si mi ti ci vi non più molto anche già questo questa questi queste quello quella
        suo sua suoi sue mio mia""",
    "pt": """o a os as um uma uns umas e ou mas que quem qual onde quando como de do da dos das ao à
        aos às em no na nos nas num numa com sem por pelo pela pelos pelas para entre até é são era
        eram foi foram ser estar está estão tem têm há se me te lhe lhes nos vos seu sua seus suas
        meu minha não sim muito mais também já este esta isto esse essa isso""",
    "nl": """de het een en of maar dat die dit deze wie wat waar wanneer hoe van in op aan met voor door
        naar bij uit over onder tegen zonder tot om is zijn was waren wordt werd worden heeft hebben
        had ik jij je hij zij ze wij we jullie u hem haar ons hun mijn jouw niet geen ook nog al
        zeer erg er hier daar zich""",
    "sv": """och eller men att som det den de en ett i på av för med till från om är var varit vara
        har hade blir blev jag du han hon vi ni dem oss mig dig sig min din sin inte ingen också
        mycket här där när hur vad vem""",
    "da": """og eller men at som det den de en et i på af for med til fra om er var været være har
        havde bliver blev jeg du han hun vi i dem os mig dig sig min din sin ikke ingen også meget
        her der når hvordan hvad hvem""",
    "no": """og eller men at som det den de en et ei i på av for med til fra om er var vært være har
        hadde blir ble jeg du han hun vi dere dem oss meg deg seg min din sin ikke ingen også mye
        her der når hvordan hva hvem""",
    "pl": """i oraz lub albo ale że który która które jest są był była było być ma mają nie tak też
        już w we z ze na do od po za przez dla przy o u się to ten ta te jak gdy co kto""",
    "ro": """și sau dar că care este sunt era fost fi are au nu da foarte mai și în la de din pe cu
        pentru prin despre un o unui unei al ale lui ei el ea ei noi voi se""",
    "ca": """el la els les un una i o però que qui on quan com de del dels a al als en amb sense per
        per a entre és són era eren ha han es em et li ens us no sí molt més també aquest aquesta""",
    "tr": """ve veya ama ile için gibi kadar daha çok bir bu şu o da de mi mı mu mü ne değil var yok
        olan olarak ise ki ben sen biz siz onlar""",
    "id": """dan atau tetapi yang di ke dari pada untuk dengan dalam oleh adalah ini itu tidak juga
        akan sudah telah ada saya kami kita mereka dia ia""",
}
STOPWORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in _LISTS.items()}
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


# Cached: the spam and language rules ask for the words of one line up to
# five times (scam cues, headline case, topic stems, function words).
@lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """Alphabetic words of ``text`` (apostrophes kept inside a word)."""
    return tuple(WORD.findall(text))


def stopwords_for(lang: str | None) -> frozenset[str]:
    if not lang:
        return frozenset()
    code = lang.lower().split("-")[0].split("_")[0]
    if code in ("nb", "nn"):
        code = "no"
    return STOPWORDS.get(code, frozenset())


_APOSTROPHE = re.compile(r"['’]")


def function_words(tokens: Sequence[str], lang: str | None) -> list[str]:
    """The tokens (lower-cased, with elided forms like l'/d' split) that are
    function words of ``lang``."""
    stop = stopwords_for(lang)
    found = []
    for tok in tokens:
        low = tok.lower()
        for part in _APOSTROPHE.split(low):
            if part in stop:
                found.append(part)
    return found


@lru_cache(maxsize=64)
def _topic_stopwords(lang: str | None) -> frozenset[str]:
    return stopwords_for(lang) | STOPWORDS["en"]


# Cached: the spam rule asks about every line of a document, again in each
# cleaning round, and a site's template lines recur across documents.
@lru_cache(maxsize=1 << 16)
def content_stems(text: str, lang: str | None = None) -> frozenset[str]:
    """Crude stems (first five letters) of the content words of ``text``.

    Words shorter than three letters and function words (of ``lang`` and of
    English, the web's lingua franca) are left out.
    """
    stop = _topic_stopwords(lang)
    return frozenset([low[:5] for low in map(str.lower, words(text)) if len(low) >= 3 and low not in stop])


class TopicModel:
    """Content stems of every line of a document, to ask how much one line
    shares with the rest.

    ``excluded(index)``: whether a line does not count as "the rest" (a
    suspect line: several inserted scam lines share their vocabulary with one
    another, not with the article). Asked one line at a time, only where it
    matters: whether a stem of the line judged occurs in another line that is
    not excluded. Deciding that a line is excluded (a suspect) costs more
    than the rest of the model, and most lines share no stem with the few
    lines judged, or are not asked once an earlier line settled their stems.
    """

    def __init__(self, lines: list[str], lang: str | None, excluded: Callable[[int], bool]):
        self.stems = [content_stems(t, lang) for t in lines]
        self.excluded = excluded
        self.lines_of: dict[str, list[int]] = {}  # stem -> the lines holding it, in order
        for index, stems in enumerate(self.stems):
            for stem in stems:
                self.lines_of.setdefault(stem, []).append(index)

    def overlap(self, index: int) -> float | None:
        """Share of line ``index``'s content stems found in another
        (non-excluded) line; None when it has fewer than three."""
        own = self.stems[index]
        if len(own) < 3:
            return None
        # A stem is shared when another line holding it is not excluded (asked in order until one is not).
        shared = 0
        for stem in own:
            holders = self.lines_of[stem]
            if len(holders) > 1 and any(other != index and not self.excluded(other) for other in holders):
                shared += 1
        return shared / len(own)
