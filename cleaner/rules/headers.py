"""Page-header lines at the top of a document.

Scraped articles often start with a header block before the body: a
dateline, a breadcrumb trail glued to the title, the title itself (often
twice), and an image caption. This module finds that block and proposes:

* ``dateline``: a line that is only a date (weekday, month name, numbers),
* ``breadcrumb``: site navigation ("Home > News > ...", "HomeNewsTitle"),
* ``repeated-title``: later exact or near-exact copies of the title,
* ``caption``: short non-sentence lines or long photo captions directly
  under the title, only when the block shows other page chrome,
* ``byline``: author, date and reading-time lines ("By Jane Doe | March 3,
  2021", "Posted on 25 April 2024 by Staff Writer", "Jane Doe Published
  10:19am 19 December 2025", "5 min read"); relative
  dates ("Updated 3 hours ago") go as ``dateline``,
* ``masthead``: short non-sentence lines (a site name, a menu word) above a
  clear title that is followed by the body; separated items there
  ("World | Middle East | Opinion") go as ``breadcrumb``.

The header block ends at the first body paragraph: a line ending like a
sentence with 10 or more words, or any line of 60 or more words. When page
menus fill the top block, bylines and datelines are also looked for in the
few lines right above the first body paragraph, if a title-like line is there.
"""
from __future__ import annotations

import re
from functools import lru_cache
from difflib import SequenceMatcher

from ..document import Document, Edit, Line, line_span
from . import RuleContext
from .scripts import has_unspaced, word_count

MAX_HEADER_LINES = 10  # non-blank lines examined at the top
ARTICLE_HEADER_LINES = 6  # non-blank lines examined right above the first body paragraph

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
# Time zones a date line may end with (as in _NUMERIC_DATE_TIME).
_TIME_ZONES = "gmt utc cet cest est edt cst cdt mst mdt pst pdt bst ist et pt ct mt aest aedt jst kst".split()
# Words that may surround a date on a dateline.
_DATE_FILLER = frozenset("""
de del di da le der am on at the of el la il published updated posted last modified date
publié publie mis à jour le veröffentlicht aktualisiert stand publicado actualizado pubblicato
aggiornato atualizado em um uhr h am pm a.m. p.m.
""".split() + _TIME_ZONES)
_DATE_WORDS = set(_MONTHS) | set(_WEEKDAYS)
_TOKEN = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|\d+(?:st|nd|rd|th|er|e|º|°|\.)?|[^\W\d_][\w.\-]*", re.UNICODE)
_NUMERIC_DATE_TIME = (
    r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"((\s*[,|]?\s*|T)\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[ap]\.?m\.?)?"
    r"(\s*(z|[+-]\d{2}:?\d{2}|" + "|".join(_TIME_ZONES) + r"))?)?"
)
_NUMERIC_DATE = re.compile(r"^\s*" + _NUMERIC_DATE_TIME + r"\s*$", re.IGNORECASE)
# A numeric date is a date line anywhere once a publishing word stamps it ("Last Updated: 2025-02-22").
_STAMPED_NUMERIC_DATE = re.compile(
    r"^\s*(?:(?:last\s+)?(?:updated|published|posted|modified)(?:\s+on)?"
    # the same stamps in Chinese, Japanese and Korean
    r"|发布时间|發布時間|发表于|發表於|发布于|發佈於|更新时间|更新時間|更新于|日期|投稿日|公開日|更新日|配信日|掲載日"
    r"|입력|수정|등록|작성일|기사입력)\s*[:：]?\s*" + _NUMERIC_DATE_TIME + r"\s*$",
    re.IGNORECASE,
)
# A date written with the year, month and day signs of Chinese, Japanese and
# Korean ("2026年11月20日", "2019년 11월 20일"), and the weekday that may follow it.
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_CJK_WEEKDAY = re.compile(r"[(（]?(?:星期|周|週)[一二三四五六日天][)）]?|[(（][月火水木金土日월화수목금토일][)）]"
                          r"|[月火水木金土日]曜日|[월화수목금토일]요일")


_ASCII_DIGIT = re.compile(r"[0-9]")


def _holds_digit(text: str) -> bool:
    """Does ``text`` hold a character ``str.isdigit`` accepts (what
    :func:`is_dateline` counts as a number; wider than ``\\d``)?"""
    return bool(_ASCII_DIGIT.search(text)) if text.isascii() else any(map(str.isdigit, text))


# Cached: the line classifier asks about a line, then byline_rule about the
# same line again (as its one segment), and each cleaning round asks again.
@lru_cache(maxsize=1 << 16)
def is_dateline(text: str, allow_numeric: bool = False) -> bool:
    """Is the line nothing but a date (with weekday, time, "Updated" and the like)?"""
    s = text.strip()
    if not s or len(s) > 80:
        return False
    folded = s.casefold()
    if not _holds_digit(folded):  # a date needs a number; most lines hold none
        return False
    if not s.isascii() and _CJK_DATE.search(s):
        # (its signs name it a date, as a month's name does: numeric or not, read as 2026-11-20)
        s = _CJK_WEEKDAY.sub(" ", _CJK_DATE.sub(r"\1-\2-\3", s)).strip()
        if _NUMERIC_DATE.match(s) or _STAMPED_NUMERIC_DATE.match(s):
            return True
    if allow_numeric and _NUMERIC_DATE.match(s):
        return True
    if _STAMPED_NUMERIC_DATE.match(s):
        return True
    tokens = _TOKEN.findall(folded)
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


_WORD_RUN = re.compile(r"\w+")


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(_WORD_RUN.findall(text))


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


# ------------------------------------------------------------------ bylines

# Name particles that may sit between the capitalised words of a name.
_NAME_PARTICLES = {"de", "da", "das", "do", "dos", "del", "della", "di", "du", "van", "von",
                   "der", "den", "ter", "la", "le", "bin", "ibn", "al", "el", "y", "e"}
_NAME_WORD = re.compile(r"^(?:[^\W\d_]\.)+$|^[^\W\d_][\w'’.\-]*$")
# ("by:" too: "Written By: Jane Doe")
_BY = re.compile(r"^(?:(?P<pre>.*?)\s+)?by:?\s+(?P<names>\S.*)$", re.IGNORECASE | re.DOTALL)
_BY_PREFIX = {"posted", "published", "written", "words", "story", "text", "report", "reporting",
              "photos", "photo", "updated", "article", "edited", "reviewed", "compiled", "and",
              "analysis", "opinion", "commentary", "interview"}
_TIME_UNIT = r"(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|wks?|months?|years?|yrs?)"
_RELATIVE_TIME = re.compile(
    r"^(?:(?:last\s+)?(?:updated|posted|published|modified|edited)(?:\s+on)?\s*:?\s*)?"
    r"(?:(?:\d+|an?|one|two|three|few)\s*" + _TIME_UNIT + r"\s+ago|just\s+now|yesterday|today)$",
    re.IGNORECASE,
)
_READ_TIME = re.compile(
    r"^(?:(?:estimated\s+)?reading\s+time\s*:?\s*)?\d+\s*[-–]?\s*(?:min(?:ute)?s?|mins?)\.?"
    r"(?:\s+(?:read|reading(?:\s+time)?|to\s+read|read\s+time))?$",
    re.IGNORECASE,
)
# Pieces of a byline: "By Jane Doe | March 3, 2021", "Jane Doe, Staff Writer · 5 min read".
# (also a full stop after a number: "05 Nov 2025. 8 min read"; each piece must still be a date, a name...)
_BYLINE_SPLIT = re.compile(r"\s+[|·•—–\-/]\s+|\s*[|·•]\s*|(?<=\d)\.\s+")


# Lower-case job words that may follow the names in a byline ("Jane Doe, Times staff writer").
_STAFF_WORDS = {"staff", "writer", "reporter", "correspondent", "editor", "contributor", "columnist"}


def _is_name(text: str) -> bool:
    """A person's name, a team or a job title: 1-5 capitalised words."""
    words = text.split()
    if not 1 <= len(words) <= 6:
        return False
    capitals = 0
    for i, word in enumerate(words):
        if word.casefold() in _NAME_PARTICLES and 0 < i < len(words) - 1:
            continue
        if word in ("&",) and 0 < i < len(words) - 1:
            continue
        if word.casefold() in _STAFF_WORDS and i > 0:
            continue
        if not _NAME_WORD.match(word) or not word[0].isupper():
            return False
        capitals += 1
    return 1 <= capitals <= 5


_NAMES_SPLIT = re.compile(r",|\s+and\s+|\s+&\s+|\s+und\s+|\s+et\s+")


def _is_names(text: str) -> bool:
    """One or more names: "Jane Doe", "Jane Doe and John Roe", "Jane Doe, Staff Writer"."""
    parts = [p.strip() for p in _NAMES_SPLIT.split(text)]
    parts = [p for p in parts if p]
    return bool(parts) and len(parts) <= 4 and all(_is_name(p) for p in parts)


def _is_date(text: str) -> bool:
    return is_dateline(text, allow_numeric=True) or bool(_RELATIVE_TIME.match(text))


def is_dated(text: str) -> bool:
    """A line that dates something: a date or time alone, or a byline (author and date)."""
    s = text.strip()
    return bool(is_dateline(s, allow_numeric=True) or byline_rule(s))


_NAME_THEN_STAMP = re.compile(r"^(?P<n>.+?)\s+(?P<d>(?:last\s+)?(?:published|updated|posted)\b.*)$",
                              re.IGNORECASE)
_NAMES_DATE_SEPARATOR = re.compile(r"\s+on\s+|\s*,\s*")


def _names_before_date(text: str) -> str | None:
    """The names of "Jane Doe on March 3, 2021", "Jane Doe, Staff Writer, March 3, 2021"
    or "Jane Doe on Monday, March 3, 2021 at 11:04 a.m.": the names before the
    first "on" or comma that a date follows, else None."""
    for sep in _NAMES_DATE_SEPARATOR.finditer(text):
        names, date = text[:sep.start()], text[sep.end():].strip()
        if _holds_digit(date) and _is_date(date) and _is_names(names):
            return names
    return None


def _segment_kind(seg: str) -> str | None:
    """Classify one separated piece of a candidate byline."""
    seg = seg.strip(" ,;:")
    if not seg:
        return "empty"
    if _RELATIVE_TIME.match(seg):
        return "date"
    if is_dateline(seg, allow_numeric=True):
        return "date"
    if _READ_TIME.match(seg):
        return "readtime"
    m = _BY.match(seg)
    if m:
        pre, names = (m.group("pre") or "").strip(" ,"), m.group("names").strip(" ,")
        # "by Jane Doe on March 3, 2021" / "by Jane Doe, March 3, 2021"
        names = _names_before_date(names) or names
        pre_ok = (not pre or _is_date(pre)
                  or all(w.casefold().strip(":") in _BY_PREFIX for w in pre.split()))
        if pre_ok and _is_names(names):
            return "by"
        return None
    if _is_names(seg):
        return "name"
    # "Jane Doe, March 3, 2021": a name, then a date after the first comma
    head, _, rest = seg.partition(",")
    if rest and _is_names(head) and _is_date(rest.strip()):
        return "name+date"
    # "Jane Doe Published 10:19am 19 December 2025": a name, then a dated stamp
    # (two words or more: "Originally posted ...", "First published ..." name no one)
    stamp = _NAME_THEN_STAMP.match(seg)
    if (stamp and len(stamp.group("n").split()) >= 2 and _is_names(stamp.group("n"))
            and _is_date(stamp.group("d"))):
        return "name+date"
    return None


# A byline needs a piece that is a date, a reading time, "by ..." or a
# relative time; each holds a digit or one of these words (matched on the
# case-folded line: a superset of what the patterns' IGNORECASE matches).
_BYLINE_HINT = re.compile(r"by|ago|now|yesterday|today")


def _may_be_byline(s: str) -> bool:
    """Cheap test that rules out most lines (menus, headings, names alone)
    before the piece-by-piece parse of :func:`byline_rule`."""
    return _holds_digit(s) or bool(_BYLINE_HINT.search(s.casefold()))


# Cached: the line classifier and the header scan ask about the same lines,
# again in each cleaning round.
@lru_cache(maxsize=1 << 16)
def byline_rule(text: str) -> str | None:
    """"byline" for an author/date/reading-time line, "dateline" for a relative date, else None."""
    s = text.strip()
    if not s or len(s) > 120 or _words(s) > 16:
        return None
    if s.endswith(("!", "?", ":")):
        return None
    if not _may_be_byline(s):
        return None
    if _RELATIVE_TIME.match(s):
        return "dateline"
    kinds = set()
    for seg in _BYLINE_SPLIT.split(s):
        kind = _segment_kind(seg)
        if kind is None:
            return None
        kinds.add(kind)
    kinds.discard("empty")
    if kinds & {"by", "readtime", "name+date"}:
        return "byline"
    if "name" in kinds and "date" in kinds:
        return "byline"
    return None


# --------------------------------------------------------- section navigation

_NAV_SPLIT = re.compile(r"\s+(?:\||/|>|»|›|·|•|::|>>|→)\s+|\s*[|»›·•→]\s*")


def nav_parts(text: str) -> list[str]:
    """The items of a separated navigation line ("World | Middle East | Opinion"), else []."""
    s = text.strip()
    if not s or len(s) > 120 or _SENTENCE_END.search(s) or s.endswith(":"):
        return []
    parts = [p.strip() for p in _NAV_SPLIT.split(s)]
    if len(parts) < 2 or any(not p for p in parts[1:-1]):
        return []
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(_words(p) > 4 or p.endswith(",") for p in parts):
        return []
    return parts


def is_section_nav(text: str) -> bool:
    """Three or more short capitalised items joined by separators: navigation on its own."""
    parts = nav_parts(text)
    return len(parts) >= 3 and all(_words(p) <= 3 and (p[0].isupper() or p[0].isdigit()) for p in parts)


# ---------------------------------------------------------------- the block

_SENTENCE_END = re.compile(r"[.!?…。！？]['\"”’»)\]」』]*\s*$")
_QUOTED = re.compile(r"^\s*['\"“‘«„].*['\"”’»]\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*•·–]|\d{1,3}[.)])\s+\S")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


_words = word_count  # (split at spaces; Chinese and Japanese runs in pseudo-words)


def is_body(text: str) -> bool:
    """Does the line look like the first paragraph of the article body?"""
    n = _words(text)
    if n >= 60:
        return True
    if _ELLIPSIS.search(text):
        return False  # a truncated title (breadcrumb, teaser), not a paragraph
    return n >= 10 and bool(_SENTENCE_END.search(text)) and not _QUOTED.match(text)


def _scan_header(lines: list[Line]) -> tuple[list[Line], bool]:
    """The header block and whether a body paragraph follows it directly."""
    block: list[Line] = []
    for line in lines:
        if line.blank:
            continue
        if is_body(line.text):
            return block, True
        if len(block) >= MAX_HEADER_LINES:
            return block, False
        block.append(line)
    return block, False


def _header_lines(lines: list[Line]) -> list[Line]:
    """The non-blank lines before the body starts (at most MAX_HEADER_LINES)."""
    return _scan_header(lines)[0]


SAME_TITLE_RATIO = 0.92  # difflib similarity of two renderings of one title


def _same_title(a: str, b: str) -> bool:
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if min(len(na), len(nb)) < 12:
        return False
    matcher = SequenceMatcher(None, na, nb, autojunk=False)
    # real_quick_ratio() >= quick_ratio() >= ratio() (difflib's contract: the
    # same 2*count/total over ever tighter counts), so the cheap bounds rule
    # out most pairs without the quadratic matching and with the same answer.
    return (matcher.real_quick_ratio() >= SAME_TITLE_RATIO and matcher.quick_ratio() >= SAME_TITLE_RATIO
            and matcher.ratio() >= SAME_TITLE_RATIO)


_SPACED_DASH = re.compile(r"\s[-–—|]\s")


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
    cues += "," in s or bool(_SPACED_DASH.search(s))
    cues += n >= 10
    return 0.0 if cues == 0 else 0.5 + 0.1 * cues


def _short_chrome(text: str) -> bool:
    """A short non-sentence line: a site name, a menu word, a section label."""
    s = text.strip()
    return (0 < _words(s) <= 8 and len(s) <= 80 and not _SENTENCE_END.search(s)
            and not s.endswith(":") and not _QUOTED.match(s) and not _LIST_ITEM.match(s))


def _title_like(text: str) -> bool:
    """Could the line be an article title (a headline, not a sentence or a label)?"""
    s = text.strip()
    n = _words(s)
    if not 4 <= n <= 30 or len(s) > 250:
        return False
    if s.endswith((".", ":", ";", ",", "。", "：", "；", "，")) or _QUOTED.match(s) or _LIST_ITEM.match(s):
        return False
    if nav_parts(s):
        return False
    # (Chinese and Japanese have no capitals: any letter may start a title)
    return s[0].isupper() or s[0].isdigit() or s[0] in "'\"“‘«„「『" or (has_unspaced(s[0]) and s[0].isalpha())


_MINOR_WORDS = set("""
a an the and or but nor for of on in at to by with from as per via vs vs. into onto over than
de la le les des du el los las y e et und der die das den von zu di il lo gli da del
""".split())


_TITLE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


def _title_case(text: str) -> bool:
    """Are (nearly) all the major words capitalised, as in "Leaders Meet in Brussels"?"""
    major = [w for w in _TITLE_WORD.findall(text) if w.casefold() not in _MINOR_WORDS]
    if len(major) < 2:
        return bool(major) and major[0][0].isupper()
    caps = sum(1 for w in major if w[0].isupper())
    return caps / len(major) >= 0.8


def _masthead_line(text: str) -> bool:
    """May this line above a clear title be page chrome rather than a short title?"""
    if not _short_chrome(text):
        return False
    if nav_parts(text) or _words(text) <= 3:
        return True
    return not _title_case(text)


def _after_title_ok(text: str) -> bool:
    """A line that may sit between a title and the body: a standfirst or a caption."""
    return bool(_SENTENCE_END.search(text)) or caption_score(text, True) > 0


def _clear_title(block: list[Line], pos: int, pending: list[int], marks: dict, confirmed: bool) -> bool:
    """Is ``block[pos]`` clearly the title, so that the short lines above it are chrome?

    It must be title-like (unless a breadcrumb or a repeat confirms it), longer
    than every pending line above it, and followed by the body with at most a
    standfirst or a caption in between.
    """
    text = block[pos].text
    if not confirmed:
        if not (_title_like(text) and _title_case(text)) or text.rstrip().endswith(("?", "!")):
            return False
        if _words(text) <= max(_words(block[p].text) for p in pending):
            return False
    rest = [block[p].text for p in range(pos + 1, len(block)) if p not in marks]
    return all(_after_title_ok(r) for r in rest)


def _scan(block: list[Line], body_follows: bool, allow_masthead: bool):
    """Mark chrome lines in the header block; return (marks, title position)."""
    marks: dict[int, tuple[str, str, float]] = {}
    pending: list[int] = []  # short lines that are chrome if a clear title follows
    title_pos: int | None = None
    confirmed = False  # a breadcrumb ends with the title, or the title repeats
    for pos, line in enumerate(block):
        text = line.text
        if title_pos is None:
            if is_dateline(text, allow_numeric=pos == 0):
                marks[pos] = ("dateline", "date line above the article", 0.95)
                continue
            following = [l.text for l in block[pos + 1:pos + 4]]
            crumb = breadcrumb_score(text, following)
            if crumb:
                marks[pos] = ("breadcrumb", "site navigation trail above the title", crumb)
                confirmed = confirmed or _ends_with_title(text, following[:1])
                continue
            rule = byline_rule(text)
            if rule:
                marks[pos] = (rule, f"{rule} above the title", 0.85)
                continue
            if is_section_nav(text):
                marks[pos] = ("breadcrumb", "section navigation above the title", 0.8)
                continue
            if allow_masthead and body_follows and _masthead_line(text):
                pending.append(pos)
                continue
            title_pos = pos
            continue
        if _same_title(text, block[title_pos].text):
            marks[pos] = ("repeated-title", "the title repeated", 0.95)
            confirmed = True
            continue
        if is_dateline(text):
            marks[pos] = ("dateline", "date line in the article header", 0.9)
            continue
        rule = byline_rule(text)
        if rule:
            marks[pos] = (rule, f"{rule} in the article header", 0.85)
            continue
    if pending:
        if title_pos is None or not _clear_title(block, title_pos, pending, marks, confirmed):
            return None  # no clear title below the short lines: scan without mastheads
        for pos in pending:
            if nav_parts(block[pos].text):
                marks[pos] = ("breadcrumb", "section navigation above the title", 0.75)
            else:
                marks[pos] = ("masthead", "site name or menu line above the title", 0.7)
    if title_pos is None:
        # No title: keep only what stands on its own without one.
        marks = {p: m for p, m in marks.items() if m[0] in ("dateline", "breadcrumb")}
    return marks, title_pos


def _article_header(lines: list[Line], block: list[Line]) -> list[tuple[Line, tuple[str, str, float]]]:
    """Bylines and datelines in the article header right above the first body paragraph.

    Scraped pages often put menus first, so the title, byline and date sit
    after the top block. Only the lines directly before the body (and after
    the top block) are looked at, and only when a title-like line is among them.
    """
    seen = {line.index for line in block}
    window: list[Line] = []
    for line in lines:
        if line.blank:
            continue
        if is_body(line.text):
            break
        window.append(line)
    else:
        return []  # no body paragraph at all
    window = [l for l in window[-ARTICLE_HEADER_LINES:] if l.index not in seen]
    found = []
    has_title = False
    for line in window:
        rule = "dateline" if is_dateline(line.text) else byline_rule(line.text)
        if rule:
            found.append((line, (rule, f"{rule} above the article body", 0.8)))
        elif _title_like(line.text) and not _SENTENCE_END.search(line.text):
            has_title = True
    return found if has_title else []


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    lines = doc.lines()
    block, body_follows = _scan_header(lines)
    if not block:
        return []
    scanned = _scan(block, body_follows, allow_masthead=True) or _scan(block, body_follows, False)
    marks, title_pos = scanned

    if not body_follows:
        marks_after = _article_header(lines, block)
    else:
        marks_after = []

    edits: list[Edit] = []

    def remove(line: Line, rule: str, reason: str, score: float) -> None:
        start, end = line_span(line, doc.text)
        edits.append(Edit(start, end, rule, reason, round(score, 3)))

    for pos in sorted(marks):
        remove(block[pos], *marks[pos])
    for line, mark in marks_after:
        remove(line, *mark)
    if title_pos is None:
        return edits

    # Captions: the run of caption-like lines right after the title block.
    chrome_seen = bool(marks)
    last_title_pos = max([title_pos] + [p for p, m in marks.items() if m[0] == "repeated-title"])
    for pos in range(last_title_pos + 1, len(block)):
        if pos in marks:
            continue
        score = caption_score(block[pos].text, chrome_seen)
        if not score:
            break
        remove(block[pos], "caption", "image caption under the title", score)
    return edits
