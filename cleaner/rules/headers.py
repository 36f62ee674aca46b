"""Page-header lines at the top of a document.

Scraped articles often start with a header block before the body: a
dateline, a breadcrumb trail glued to the title, the title itself (often
twice), and an image caption. This module finds that block and proposes:

* ``dateline``: a line that is only a date (weekday, month name, numbers),
* ``breadcrumb``: site navigation ("Home > News > ...", "HomeNewsTitle"),
* ``repeated-title``: later exact or near-exact copies of the title,
* ``caption``: short non-sentence lines or long photo captions directly
  under the title, only when the block shows other page chrome.

The header block ends at the first body paragraph: a line ending like a
sentence with 10 or more words, or any line of 60 or more words.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..document import Document, Edit, Line, line_span
from . import RuleContext

MAX_HEADER_LINES = 10  # non-blank lines examined at the top

# ---------------------------------------------------------------- datelines

_MONTHS = """
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre
janv févr fév avr juil déc
januar februar märz maerz april juni juli oktober dezember jän jänner mär okt dez
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
ene abr ago dic
gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre gen mag giu lug ott
janeiro fevereiro março marco maio junho julho setembro outubro novembro dezembro fev
januari februari maart mei augustus
""".split()
_WEEKDAYS = """
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
lundi mardi mercredi jeudi vendredi samedi dimanche
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
lunes martes miércoles miercoles jueves viernes sábado sabado domingo
lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica
segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
""".split()
# Words that may surround a date on a dateline.
_DATE_FILLER = """
de del di da le der am on at the of el la il published updated posted last modified date
publié publie mis à jour le veröffentlicht aktualisiert stand publicado actualizado pubblicato
aggiornato atualizado em um uhr h am pm a.m. p.m. gmt utc cet cest est edt pst pdt bst ist et
""".split()
_DATE_WORDS = set(_MONTHS) | set(_WEEKDAYS)
_TOKEN = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|\d+(?:st|nd|rd|th|er|e|º|°|\.)?|[^\W\d_][\w.\-]*", re.UNICODE)
_NUMERIC_DATE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"(\s*[,|]?\s*\d{1,2}:\d{2}(:\d{2})?(\s*[ap]\.?m\.?)?)?\s*$",
    re.IGNORECASE,
)


def is_dateline(text: str, allow_numeric: bool = False) -> bool:
    """Is the line nothing but a date (with weekday, time, "Updated" and the like)?"""
    s = text.strip()
    if not s or len(s) > 80:
        return False
    if allow_numeric and _NUMERIC_DATE.match(s):
        return True
    tokens = _TOKEN.findall(s.casefold())
    if not tokens:
        return False
    has_word = has_number = False
    for tok in tokens:
        word = tok.rstrip(".")
        if word in _DATE_WORDS:
            has_word = True
        elif tok[0].isdigit():
            if ":" not in tok:
                has_number = True
        elif word in _DATE_FILLER or tok in _DATE_FILLER:
            continue
        else:
            return False
    # A weekday or month name plus a number ("April 17, 2024", "Mittwoch, 17.")
    return has_word and has_number


# --------------------------------------------------------------- breadcrumbs

_HOME = r"(?:Home(?:\s?page)?|Start(?:seite)?|Accueil|Inicio|Início|Inizio|Portada|Главная|Ana Sayfa|خانه|الرئيسية)"
_GLUED_HOME = re.compile(r"^\s*" + _HOME + r"(?=[A-ZÀ-ÝА-Я])")
_SEPARATORS = re.compile(r"\s+(?:>|»|›|/|\||→|::|>>)\s+|\s*[»›→]\s*")
_HOME_FIRST = re.compile(r"^\s*" + _HOME + r"\s*$", re.IGNORECASE)
_GLUE = re.compile(r"[a-zà-ÿ)\.&][A-ZÀ-Ý]")
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(re.findall(r"\w+", text))


def _ends_with_title(crumb: str, titles: list[str]) -> bool:
    """Does the breadcrumb end with (or with a truncated copy of) a nearby line?"""
    tail = _ELLIPSIS.sub("", crumb).rstrip()
    truncated = tail != crumb.rstrip()
    ntail = _norm(tail)
    for title in titles:
        nt = _norm(title)
        if len(nt) < 8:
            continue
        if ntail.endswith(nt):
            return True
        if truncated:
            # "...Should Inspire Support..." against the full title
            for cut in range(len(nt), 11, -1):
                if ntail.endswith(nt[:cut].rstrip()):
                    return True
    return False


def breadcrumb_score(text: str, following: list[str]) -> float:
    """0 when ``text`` is no breadcrumb, else a confidence."""
    s = text.strip()
    if not s or len(s) > 400:
        return 0.0
    near_title = _ends_with_title(s, following)
    if _GLUED_HOME.match(s):
        glued = len(_GLUE.findall(s))
        if near_title and glued >= 1:
            return 0.95
        if glued >= 2:
            return 0.8
        return 0.0
    parts = [p for p in _SEPARATORS.split(s) if p is not None and p.strip()]
    if len(parts) < 2:
        return 0.0
    if _HOME_FIRST.match(parts[0]):
        return 0.95 if near_title else 0.85
    short_parts = all(len(p.split()) <= 4 for p in parts[:-1])
    if len(parts) >= 3 and short_parts and near_title:
        return 0.85
    return 0.0


# ---------------------------------------------------------------- the block

_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)\]]*\s*$")
_QUOTED = re.compile(r"^\s*['\"“‘«„].*['\"”’»]\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*•·–]|\d{1,3}[.)])\s+\S")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _words(text: str) -> int:
    return len(text.split())


def is_body(text: str) -> bool:
    """Does the line look like the first paragraph of the article body?"""
    n = _words(text)
    if n >= 60:
        return True
    if _ELLIPSIS.search(text):
        return False  # a truncated title (breadcrumb, teaser), not a paragraph
    return n >= 10 and bool(_SENTENCE_END.search(text)) and not _QUOTED.match(text)


def _header_lines(lines: list[Line]) -> list[Line]:
    """The non-blank lines before the body starts (at most MAX_HEADER_LINES)."""
    block: list[Line] = []
    for line in lines:
        if line.blank:
            continue
        if is_body(line.text) or len(block) >= MAX_HEADER_LINES:
            break
        block.append(line)
    return block


def _same_title(a: str, b: str) -> bool:
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if min(len(na), len(nb)) < 12:
        return False
    return SequenceMatcher(None, na, nb, autojunk=False).ratio() >= 0.92


def caption_score(text: str, chrome_seen: bool) -> float:
    """How much a line right under the title looks like a photo caption."""
    s = text.strip()
    n = _words(s)
    if not chrome_seen or n < 3 or _LIST_ITEM.match(s) or _QUOTED.match(s):
        return 0.0
    if s.endswith(("?", ":")):
        return 0.0  # a question or a lead-in heading
    if n >= 20:
        # A long descriptive line under the title: a photo caption unless it
        # ends like a sentence (then it is the standfirst or the body).
        return 0.0 if _SENTENCE_END.search(s) else 0.7
    if _SENTENCE_END.search(s):
        return 0.0
    cues = 0
    cues += bool(_YEAR.search(s))
    cues += "," in s or bool(re.search(r"\s[-–—|]\s", s))
    cues += n >= 10
    return 0.0 if cues == 0 else 0.5 + 0.1 * cues


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    lines = doc.lines()
    block = _header_lines(lines)
    if not block:
        return []
    edits: list[Edit] = []

    def remove(line: Line, rule: str, reason: str, score: float) -> None:
        start, end = line_span(line, doc.text)
        edits.append(Edit(start, end, rule, reason, round(score, 3)))

    title: Line | None = None
    last_title_pos = -1
    chrome_seen = False
    for pos, line in enumerate(block):
        text = line.text
        if title is None:
            if is_dateline(text, allow_numeric=pos == 0):
                remove(line, "dateline", "date line above the article", 0.95)
                chrome_seen = True
                continue
            following = [l.text for l in block[pos + 1:pos + 4]]
            crumb = breadcrumb_score(text, following)
            if crumb:
                remove(line, "breadcrumb", "site navigation trail above the title", crumb)
                chrome_seen = True
                continue
            title = line
            last_title_pos = pos
            continue
        if _same_title(text, title.text):
            remove(line, "repeated-title", "the title repeated", 0.95)
            chrome_seen = True
            last_title_pos = pos
            continue
        if is_dateline(text):
            remove(line, "dateline", "date line in the article header", 0.9)
            chrome_seen = True
            continue
    if title is None:
        return edits

    # Captions: the run of caption-like lines right after the title block.
    for line in block[last_title_pos + 1:]:
        if any(e.start == line.start for e in edits):
            continue
        score = caption_score(line.text, chrome_seen)
        if not score:
            break
        remove(line, "caption", "image caption under the title", score)
    return edits
