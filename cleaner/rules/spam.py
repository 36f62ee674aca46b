"""Link-bait and spam lines inserted into articles.

Three kinds:

* ``link-bait``: a "read this too" prefix followed by a separator and a
  headline ("Also read : ...", "Lesen Sie auch - ...", "Related | ...").
  A sentence that merely starts with "Read more about ..." has no
  separator and stays; so does the prefix alone on its line (a page's own
  section label, not an insertion).
* ``spam-line``: dating, casino, pharmacy, loan, crypto, follower-selling
  and premium-SMS lines, scored from a few weighted cues; weaker cues
  suffice when the line is off-topic (shares almost no content words
  with the rest of the document).
* ``link-bait`` (bare): a headline in all-words-capitalised click-bait
  style ("22 Things That Will Make You ...") standing alone in the body,
  more surely so when it is off-topic.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..document import Document, Edit, line_span
from . import RuleContext
from .lexicon import TopicModel, words

# "Read this too" prefixes, several languages. Matched case-insensitively at
# the start of a line, before a separator.
_PREFIXES = [
    # English
    r"also read", r"read also", r"also see", r"see also", r"read more", r"read next",
    r"must read", r"don'?t miss", r"do not miss", r"topic to read", r"related",
    r"related (?:article|articles|post|posts|story|stories|news|reading|content|topic)s?",
    r"recommended(?: for you| reading)?", r"trending(?: now)?", r"more on this(?: topic)?",
    r"more from [\w.'’&-]+(?: [\w.'’&-]+){0,3}", r"you (?:may|might) also like", r"suggested(?: reading| article)?",
    r"popular(?: now)?", r"editor'?s pick", r"check (?:this|it) out", r"click here",
    r"further reading", r"top stories?", r"sponsored", r"advertisement",
    r"more", r"watch", r"listen",
    # French
    r"(?:à|a) lire aussi", r"lire aussi", r"lire (?:la )?suite", r"voir aussi",
    r"sur le même sujet", r"(?:à|a) voir aussi", r"(?:à|a) d(?:é|e)couvrir(?: aussi)?",
    # German
    r"lesen sie auch", r"lesen sie mehr", r"mehr zum thema", r"siehe auch", r"auch interessant",
    r"das k(?:ö|o)nnte sie auch interessieren", r"weiterlesen", r"empfohlen",
    # Spanish
    r"lee también", r"leer también", r"lea también", r"ver también", r"te puede interesar",
    r"también te puede interesar", r"noticias relacionadas", r"relacionad[oa]s?", r"leer más",
    # Italian
    r"leggi anche", r"vedi anche", r"potrebbe interessarti", r"leggi di più", r"correlati",
    # Portuguese
    r"leia também", r"leia mais", r"veja também", r"saiba mais", r"relacionad[oa]s?",
    # Dutch
    r"lees ook", r"zie ook",
    # Persian, Arabic, Russian, Korean, Turkish, Polish
    r"بیشتر بخوانید", r"بخوانید", r"مطالب مرتبط", r"اقرأ أيضا", r"اقرأ أيضاً", r"اقرأ المزيد",
    r"читайте также", r"читайте еще", r"смотрите также", r"관련 ?기사", r"함께 볼 ?만한 기사",
    r"ayrıca oku", r"ayrıca bakınız", r"czytaj też", r"czytaj także", r"zobacz też",
]
# Prefixes that are ordinary words (kept for reference: all prefixes need a
# separator and a headline after it).
_WEAK = {r"more", r"watch", r"listen", r"related", r"popular(?: now)?", r"trending(?: now)?",
         r"sponsored", r"advertisement", r"relacionad[oa]s?", r"recommended(?: for you| reading)?",
         r"empfohlen", r"correlati", r"weiterlesen", r"click here", r"top stories?"}

_SEP = r"(?:\s*(?:[:：|»›>~•→⇒]+)\s*|\s+[-–—]+\s*|\s*[-–—]+\s+)"
_PREFIX_RE = re.compile(
    r"^\s*[\[(«\"“]?\s*(?P<prefix>" + "|".join(_PREFIXES) + r")\s*[\])»\"”]?"
    r"(?P<sep>" + _SEP + r")(?P<rest>\S.*)?$",
    re.IGNORECASE,
)
# Spam cues: (pattern, weight, triggers). A line scoring >= 1.0 is spam.
#
# Triggers make scoring cheap: a cue is tried only on a lower-cased line that
# holds one of its triggers, and most lines hold none. A trigger made of word
# characters must be there as a whole word (a maximal run of \w, as
# ``_WORD_RUN`` finds them); any other trigger as a substring; ``\d`` stands
# for any digit. Every trigger set is sound: each string the pattern can
# match holds one of the triggers, as the comment above each cue argues
# from the pattern (a word between \b, spaces or punctuation is a whole
# word). tests/test_rules_spam.py checks it over the dev sets' lines.
_CUES = [
    # dating
    # starts with one of these words ("hook ?up": hook or hookup)
    (r"\b(connect|chat|meet|date|hook ?up)\b.{0,30}\b(amazing|beautiful|hot|sexy|lonely|local|single|real|"
     r"mature|russian|asian)\b.{0,20}\b(wom[ae]n|girls?|m[ae]n|singles?|ladies|milfs?)\b", 1.0,
     "connect chat meet date hook hookup"),
    # ends with one of these words ("no sign-?up": sign or signup)
    (r"\b(singles?|wom[ae]n|girls?|m[ae]n)\b.{0,25}\b(near|in) (you|your area|[A-Z]\w+)\b.{0,40}"
     r"\b(tonight|for free|free|now|no sign-?up)\b", 0.8, "tonight free now sign signup"),
    # each alternative holds one of these words ("sex ?chat": sex or sexchat)
    (r"\b(dating (site|app|service)|hookups?|adult (chat|dating)|sex ?chat|webcam girls|escort)\b", 0.8,
     "dating hookup hookups adult sex sexchat webcam escort"),
    # casino, betting
    # each alternative holds one of these words ("sports ?betting": betting or sportsbetting)
    (r"\b(online casino|casino bonus(es)?|free spins|slot machines?|online slots?|"
     r"(play|win) (roulette|poker|blackjack|slots)|sports ?betting|betting tips|"
     r"no deposit bonus|jackpot)\b", 1.0,
     "casino spins slot slots roulette poker blackjack betting sportsbetting deposit jackpot"),
    (r"\bwin real money\b", 0.8, "money"),
    # pharmacy
    (r"\b(viagra|cialis|levitra|xanax|valium|tramadol|oxycodone|phentermine|ambien|kamagra)\b", 0.8,
     "viagra cialis levitra xanax valium tramadol oxycodone phentermine ambien kamagra"),
    # "(buy|order) (cheap |generic )+": cheap or generic
    (r"\b(without (a )?prescription|no prescription needed|online pharmacy|"
     r"(buy|order) (cheap |generic )+\w+)\b", 0.6, "prescription pharmacy cheap generic"),
    # loans, money
    (r"\b(payday loans?|need a loan|instant (loan|cash)|get approved in|loan approved)\b", 1.0,
     "payday loan instant approved"),
    (r"\b(fast cash|bad credit)\b", 0.5, "cash credit"),
    # "work from home and earn" has no \b after earn: work
    (r"\b(double your (money|bitcoin|investment)|invest in (bitcoin|ethereum|crypto\w*)|"
     r"crypto signals|guaranteed (returns|profit)|make \$?\d[\d,]* (a|per) (day|week)|"
     r"work from home and earn|earn \$\d)", 1.0, "double invest crypto guaranteed make work earn"),
    # selling followers, SEO
    (r"\bbuy (cheap |real |instant )*(instagram |twitter |tiktok |youtube |facebook )?"
     r"(followers|likes|views|subscribers|backlinks|reviews)\b", 1.0, "buy"),
    (r"\b(cheap backlinks|guest post(ing)? service|rank (#?1|first) on google)\b", 1.0, "backlinks guest google"),
    (r"\b(seo services|backlinks)\b", 0.5, "seo backlinks"),
    # warez link farms (hacked sites' footers): whole lines such as "Download Premium WordPress Themes Free",
    # "download huawei firmware", "udemy paid course free download"; each holds "download" or "nulled"
    (r"^(?=.*\b(download|nulled)\b)(free |download |premium |nulled )*(wordpress|wp|joomla|drupal|magento|opencart) "
     r"(themes?|plugins?|templates?)( free| download)*$"
     r"|^(free )?download (\w+ ){0,2}(firmware|stock rom|flash file)( free)?$|^(\w+ ){0,2}firmware (free )?download$"
     r"|^(udemy|lynda|coursera|skillshare|paid|premium)( \w+){0,2} courses? (free )?download( free)?$"
     r"|^(free )?download (udemy|lynda|coursera|skillshare|paid|premium) (\w+ )?courses?( free)?$"
     r"|\bnulled (scripts?|themes?|plugins?)\b", 1.0, "download nulled"),
    # premium SMS and prize scams
    (r"\b(txt|text|reply|send) (stop|win|yes|no|pix|[A-Z]{3,})\b.{0,15}\bto \d{4,}", 1.0, "txt text reply send"),
    (r"\b(call|ring|txt|text)\b.{0,20}\b0\d{9,}\b", 0.8, "call ring txt text"),
    (r"\b0[89]\d{8,}\b", 0.5, r"\d"),
    # "£\d" holds a digit too
    (r"\b\d{3,4}p\b|\b\d{2,3}p ?/ ?(min|msg|minute)\b|£\d", 0.4, r"\d"),
    # "you have (won|been selected)": have; "you've won", "won a \S+ (prize|award)": won;
    # "claim (your|ur)", "to claim": claim; "urgent!", "winner!": urgent, winner;
    # "free entry": entry; "cash prize": prize
    (r"\b(you have (won|been selected)|you've won|claim (your|ur) (prize|reward|award)|"
     r"guaranteed (prize|cash)|urgent!|congratulations!? (you|ur)|free entry|"
     r"winner!|won a \S+ (prize|award)|cash prize|to claim)\b", 0.6,
     "have won claim guaranteed urgent congratulations entry winner prize"),
    # "t ?& ?cs?": &; "18\+": 18; "opt ?out": opt or optout; "stop to \d+": stop;
    # "msg ?rate", "per msg", "msgs?": msg, msgrate or msgs; "mob(ile)? no": mob or mobile;
    # "u r": u; "4 ?u": 4 or 4u; "c u": c
    (r"\b(ringtones?|t ?& ?cs?|18\+|unsubscribe|opt ?out|stop to \d+|msg ?rate|"
     r"per msg|msgs?|mob(ile)? no|txt|u r|ur|2nite|4 ?u|c u)\b", 0.3,
     "ringtone ringtones & 18 unsubscribe opt optout stop msg msgrate msgs mob mobile txt u ur 2nite 4 4u c"),
    (r"(free|win|claim|cash|prize|offer)!", 0.3, "!"),
    # premium-rate pricing, shortcodes, service numbers
    (r"\b\d+(\.\d+)?\s?(p|pence|gbp)\s?(/|per)\s?(min|minute|msg|wk|week|day|month)\b|"
     r"\d+p/\w+|\b\d+(\.\d+)? ?gbp\b", 0.6, r"\d"),
    (r"\b0[3589]\d{2} ?\d{3} ?\d{2} ?\d{2,}\b|\b0[89]\d{8,}", 0.5, r"\d"),
    (r"\b(to|on) \d{5}\b", 0.3, r"\d"),
    # "free ?msg", "free-message", "free message": free or freemsg
    (r"\b(free ?msg|free-message|free message)\b", 0.6, "free freemsg"),
    # "t ?& ?c'?s?", "t&cs?": &; the 16+ and 18+ forms: +
    (r"\b(t ?& ?c'?s?|t&cs?|1[68] ?\+ ?only|\(1[68]\+\)|1[68]\+)", 0.4, "& +"),
    # "line ?rental": line or linerental; "poly(phonic)? tones?": poly or polyphonic;
    # "mobile (club|update|music)": mobile; "tones (each|every|per)": tones
    (r"\b(line ?rental|camera (mobile|phone)s?|latest (colour )?(camera )?(mobile|phone)s?|ringtones?|"
     r"poly(phonic)? tones?|wallpapers?|mobile (club|update|music)|tones (each|every|per))\b", 0.4,
     "line linerental camera latest ringtone ringtones poly polyphonic wallpaper wallpapers mobile tones"),
    # "you have been billed", "billed \d+p": billed; "po box \d+": box
    (r"\b(you have been billed|billed \d+p|po box \d+)\b", 0.5, "billed box"),
    (r"\b(specially )?selected (2|to) (receive|win)\b", 0.6, "selected"),
    # "hit the link": link; "www\.": www
    (r"\bhit the link\b|\bwww\.\S+\.(co\.uk|com|net)\b", 0.2, "link www"),
    # starts with one of these words
    (r"\b(ur|u|gr8|wk|2nite|2day|4u|txt)\b.*\b(ur|u|gr8|wk|2nite|2day|4u|txt|2)\b", 0.3,
     "ur u gr8 wk 2nite 2day 4u txt"),
    (r"\bclaim (your|ur) (exclusive |free )?(reward|prize|bonus|gift|voucher)", 0.6, "claim"),
    (r"\bclick here to\b", 0.5, "click"),
    # SEO listicles and advertorials
    # the second word is one of these
    (r"^\d+ (proven|best|top|easy|simple|essential|effective|quick|secret) (tips|ways|strategies|"
     r"steps|tricks|secrets|hacks)\b", 1.0, "tips ways strategies steps tricks secrets hacks"),
    (r"\bhow i made \$?\d[\d,]*", 1.0, "made"),
    # the first word is one of these ("maximi[sz]ing": maximising or maximizing)
    (r"^(maximi[sz]ing|unlocking|boosting|mastering|unleashing)\b.{0,60}:", 0.5,
     "maximising maximizing unlocking boosting mastering unleashing"),
    # ends with one of these words
    (r"\b(ultimate|definitive|complete|essential)\b.{0,40}\b(guide|handbook|checklist)\b", 0.5,
     "guide handbook checklist"),
]


class _Guarded:
    """A pattern tried only where ``needed`` is found, a cheaper pattern that
    every match of it holds. A pattern that starts with \\b or \\d makes
    Python's re try every position of a line; one that starts with a literal
    is found by a fast scan."""

    def __init__(self, pattern: re.Pattern, needed: str):
        self.regex = pattern
        self.pattern = pattern.pattern
        self.needed = re.compile(needed, pattern.flags)

    def search(self, text: str) -> re.Match | None:
        return self.regex.search(text) if self.needed.search(text) else None


# Matched against the lower-cased line without IGNORECASE (about twice as
# fast in Python's re): a letter class is written [a-z] there.
_CUE_RES: list[tuple[re.Pattern | _Guarded, float]] = [
    (re.compile(p.replace("[A-Z]", "[a-z]")), w) for p, w, _ in _CUES]

_WORD_RUN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_WORD_TRIGGERS: dict[str, list[int]] = {}  # a whole-word trigger -> the cues it may start
_TEXT_TRIGGERS: dict[str, list[int]] = {}  # a substring trigger -> the cues it may start
_DIGIT_CUES: list[int] = []  # cues that need a digit
for _index, (_, _, _triggers) in enumerate(_CUES):
    for _trigger in _triggers.split():
        if _trigger == r"\d":
            _DIGIT_CUES.append(_index)
        elif _WORD_RUN.fullmatch(_trigger):
            _WORD_TRIGGERS.setdefault(_trigger, []).append(_index)
        else:
            _TEXT_TRIGGERS.setdefault(_trigger, []).append(_index)
_WORD_TRIGGER_SET = frozenset(_WORD_TRIGGERS)


def possible_cues(low: str) -> list[int]:
    """Indices (ascending) of the cues that may match the lower-cased line
    ``low``: those with a trigger in it. Every cue that matches is among them."""
    found: set[int] = set()
    for word in _WORD_TRIGGER_SET.intersection(_WORD_RUN.findall(low)):
        found.update(_WORD_TRIGGERS[word])
    for text, cues in _TEXT_TRIGGERS.items():
        if text in low:
            found.update(cues)
    if _DIGIT.search(low):
        found.update(_DIGIT_CUES)
    return sorted(found)


# What each digit cue (in the order of _DIGIT_CUES) needs in a line, tried first:
_DIGIT_CUE_NEEDS = [
    r"0[89]\d{8}",  # \b0[89]\d{8,}\b
    r"\dp|£\d",  # \d{3,4}p, \d{2,3}p ?/ ..., £\d
    r"\d\s?[pg]",  # a number, then p, pence or gbp (the last digit right before it, a space between at most)
    r"0[3589]\d\d",  # 0[3589]\d{2} ..., 0[89]\d{8,}
    r"(?:to|on) \d{5}",  # \b(to|on) \d{5}\b
]
assert len(_DIGIT_CUE_NEEDS) == len(_DIGIT_CUES)
for _index, _needed in zip(_DIGIT_CUES, _DIGIT_CUE_NEEDS):
    _CUE_RES[_index] = (_Guarded(_CUE_RES[_index][0], _needed), _CUE_RES[_index][1])


# Click-bait vocabulary for bare headlines.
_BAIT_WORDS = re.compile(
    r"\b(you won'?t believe|will make you|make you|here'?s (why|how|what)|this is (what|why|how)|"
    r"people who|things|reasons|ways to|tips|tricks|hacks|secrets?|which .{1,30} are you|"
    r"can you|do you|are you|quiz|photos|pictures|gifs?|everyone|literally|absolutely|"
    r"ranked|adorable|hilarious|perfect|amazing|incredible|what happens|you need|you'?ll)\b",
    re.IGNORECASE,
)
# Words that ordinary title case leaves in lower case (articles, short
# conjunctions and prepositions); click-bait style capitalises them too.
_MINOR_WORDS = {"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "of", "to",
                "in", "on", "at", "by", "as", "up", "via", "per", "off", "out"}
_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’)]*$")
_LIST_ITEM = re.compile(r"^\s*([-*•·–]|\d{1,3}[.)])\s+\S")


# Vocabulary of premium-SMS, prize and subscription scams. The weak words
# are everyday words ("call", "free", "mobile", "service", "network"): they
# count only next to a strong word or a money/number shape. Several cues in
# a line that shares nothing with the article make it spam.
_SMS_STRONG = frozenset("""
    txt claim prize won urgent reply ringtone ringtones landline voucher vouchers unsubscribe winner
    awarded congratulations msg msgs sms pobox wallpaper wallpapers ur txting mob sexy auction quiz
    guaranteed""".split())
_SMS_WEAK = frozenset("""
    free text texts call win mobile mobiles stop cash award tone tones nokia camera offer service
    customer entry draw chat subscription subscriber network bonus credit collect collection delivery
    latest selected premium games music phone bid bids luck cost costs min mins club rental box
    holiday""".split())
_SMS_WORDS = _SMS_STRONG | _SMS_WEAK
# Every shape holds a digit (sms_evidence tries them only on lines with one);
# the slow ones are tried only where what they need is found.
_SMS_SHAPES = [
    re.compile(r"[£€$]\s?\d"),
    _Guarded(re.compile(r"\b\d+(?:\.\d+)?p\b"), r"\dp"),
    _Guarded(re.compile(r"(?<![\d.,:/-])\b\d{5}\b(?![\d.,:/-])"), r"\d\d\d\d\d"),
    _Guarded(re.compile(r"\b0\d{3} ?\d{3} ?\d{3,4}\b|\b0\d{9,}\b"), r"0\d\d\d"),
    _Guarded(re.compile(r"\b[A-Z]{3,}\b.{0,12}\bto \d{4,}"), r"to \d\d\d\d"),
]


@lru_cache(maxsize=1 << 16)
def sms_evidence(text: str) -> int:
    """Distinct scam-SMS cues in ``text``: strong words and money/number
    shapes, plus the weak words when at least one of those is there."""
    found = set(map(str.lower, words(text)))
    strong = len(found & _SMS_STRONG)
    if _DIGIT.search(text):  # every shape holds a digit: most lines need not try them
        strong += sum(1 for rx in _SMS_SHAPES if rx.search(text))
    weak = len(found & _SMS_WEAK)
    return strong + (weak if strong else min(weak, 1))


@lru_cache(maxsize=1 << 16)
def _linkbait(text: str) -> tuple[str, float] | None:
    m = _PREFIX_RE.match(text)
    if m:
        rest = (m.group("rest") or "").strip()
        sep = m.group("sep").strip()
        if not rest:
            return None  # a label alone ("Read also:"): the page's own, not an insertion
        words = rest.split()
        source = m.group("prefix").split()[2:]  # "More from <Site Name>": a name of words is capitalised
        if len(source) > 1 and m.group("prefix").lower().startswith("more from") and not all(
                w[0].isupper() or w[0].isdigit() for w in source):
            return None
        # A dash after a weak prefix in running text ("More - or less ...") is
        # too weak alone: ask for a headline-sized rest.
        if len(words) > 30:
            return None
        if sep in {"-", "–", "—"} and m.group("prefix").lower() in {"more", "watch", "listen"}:
            headline = len(words) <= 15 and not rest.endswith(".") and (rest[0].isupper() or rest[0] in "0123456789\"“")
            if not headline:
                return None
        return f"'{m.group('prefix')}' link-bait line", 0.95
    return None


@lru_cache(maxsize=1 << 16)
def spam_score(text: str) -> float:
    """Sum of the spam cue weights found in ``text``."""
    low = text.lower()
    # Only the cues whose trigger is in the line can match; summed in cue order.
    return sum((_CUE_RES[i][1] for i in possible_cues(low) if _CUE_RES[i][0].search(low)), 0.0)


# (compiled here: the module-level re functions look a pattern up in their cache on every call)
_CLICKBAIT_BREAK = re.compile(r"[:/|]")
_CLICKBAIT_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\d,.]*")


@lru_cache(maxsize=1 << 16)
def _clickbait_style(text: str) -> bool:
    """Every word capitalised, even articles and short prepositions."""
    s = text.strip()
    if s.endswith((".", "!", ";", "…")) or _LIST_ITEM.match(s) or _CLICKBAIT_BREAK.search(s):
        return False
    words = _CLICKBAIT_WORD.findall(s)
    if len(words) < 6 or len(words) > 22:
        return False
    alpha = [w for w in words if w[0].isalpha()]
    if len(alpha) < 4 or sum(1 for w in alpha if w[0].isupper()) / len(alpha) < 0.9:
        return False
    if sum(1 for w in alpha if w.isupper()) > 0.5 * len(alpha):
        return False  # shouting in capitals is another style
    minor = [w for w in alpha[1:] if w.lower() in _MINOR_WORDS]
    return bool(minor) and all(w[0].isupper() for w in minor)


_HEADLINE_BREAK = re.compile(r"[:/|_@()]")
_NAMEISH = re.compile(r"^(by|written by|reporting by|photo|image|credit|source)\b", re.IGNORECASE)
# "Title by Firstname Lastname": a book or work credited to its author.
_CREDIT = re.compile(r"\bby [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+$")


@lru_cache(maxsize=1 << 16)
def _headline_case(text: str) -> bool:
    """Capitalised like a headline: every word but the minor ones starts
    upper-case (looser than ``_clickbait_style``)."""
    s = text.strip()
    if s.endswith((".", "!", ";", "…", "?")) or _LIST_ITEM.match(s) or _HEADLINE_BREAK.search(s):
        return False
    toks = words(s)
    if len(toks) < 4 or len(toks) > 22 or _NAMEISH.match(s):
        return False
    if sum(1 for w in toks if w.isupper() and len(w) > 1) > 0.5 * len(toks):
        return False
    major = [w for w in toks if w.lower() not in _MINOR_WORDS]
    return bool(major) and all(w[0].isupper() for w in major)


_LEADING_COUNT = re.compile(r"\d+\s")  # "10 things ...": matched at the line's start


def _bait_and_count(s: str) -> tuple[bool, bool]:
    """Whether the stripped line ``s`` holds bait words, and whether it starts with a count."""
    return bool(_BAIT_WORDS.search(s)), bool(_LEADING_COUNT.match(s))


def _bare_clickbait(text: str, overlap: float | None = None) -> float:
    """How much ``text`` looks like a bare click-bait headline (0..1).

    ``overlap``: the share of its content words found elsewhere in the
    document (None: too few to say). An off-topic headline between the
    paragraphs of an article is an insertion even without bait words.
    """
    s = text.strip()
    strict = _clickbait_style(s)
    if not strict and not _headline_case(s):
        return 0.0
    bait, number = _bait_and_count(s)
    # Off-topic counts for headline-sized lines only: not for a name with
    # its titles ("Jim Long, Managing Partner, The Long Law Firm"), a work
    # and its author, or a short title of something the article lists.
    off_topic = (overlap is not None and overlap <= OFF_TOPIC and s.count(",") < 2
                 and not _CREDIT.search(s) and (bait or number or len(words(s)) >= 7))
    if strict:
        score = 0.6 + 0.2 * bait + 0.15 * number + 0.2 * off_topic
    else:
        # Ordinary title case: only off-topic lines with bait words or a
        # leading count ("17 People Holding Signs, Ranked").
        if not (off_topic and (bait or number) and len(words(s)) >= (4 if number else 5)):
            return 0.0
        score = 0.8
    return min(score, 0.95)


# A line whose content words are at most this share shared with the rest of
# the document is off-topic.
OFF_TOPIC = 0.3
OFF_TOPIC_STRICT = 0.12


MAX_SCORED_WORDS = 60  # longer lines are paragraphs: not scored for spam cues


def _line_score(text: str) -> float:
    """The spam score of a stripped line; 0 for a blank or a longer line."""
    # (split at most MAX_SCORED_WORDS times: a longer line need not be split whole)
    if not text or len(text.split(maxsplit=MAX_SCORED_WORDS)) > MAX_SCORED_WORDS:
        return 0.0
    return spam_score(text)


# Cached: asked about every line of a document, again in each cleaning round.
@lru_cache(maxsize=1 << 16)
def _suspect(text: str) -> bool:
    """Lines that may be insertions: left out of "the rest of the document"
    when judging whether another line is on topic."""
    s = text.strip()
    if not s:
        return False
    return (_line_score(s) >= 0.4 or bool(_PREFIX_RE.match(s)) or sms_evidence(s) >= 3
            or _clickbait_style(s) or _headline_case(s))


def _first_text_line(lines) -> int | None:
    for line in lines:
        if not line.blank:
            return line.index
    return None


# Cached: what detect asks about a line depends on its text alone, and each
# cleaning round asks again about the lines it kept (a site's template lines
# recur too). Most lines can be flagged by nothing: those are settled here
# with one lookup instead of a handful of cached tests each round.
@lru_cache(maxsize=1 << 16)
def _line_cues(line_text: str) -> tuple[bool, tuple | None]:
    """(click-bait style, cues) of a line: the cues are None when no rule of
    detect can flag the line wherever it sits, else (stripped text, link-bait
    hit, words up to MAX_SCORED_WORDS + 1, spam score, scam evidence, whether
    a title-case line may be click-bait)."""
    strict = _clickbait_style(line_text)  # (the line stripped or not: the same)
    text = line_text.strip()
    if not text or len(text) > 600:
        return strict, None
    hit = _linkbait(text)
    n_words = len(text.split(maxsplit=MAX_SCORED_WORDS))  # up to MAX_SCORED_WORDS + 1
    score = evidence = 0
    spam_possible = False
    if n_words <= MAX_SCORED_WORDS:
        score = spam_score(text)
        if score < 1.0 and n_words >= 5:
            evidence = sms_evidence(text)
        spam_possible = score >= 1.0 or evidence >= 2 or score >= 0.4
    # (a list item is never taken for click-bait; ordinary title case needs bait words or a count)
    bait_possible = not _LIST_ITEM.match(text) and (
        strict or (_headline_case(text) and any(_bait_and_count(text))))
    if not (hit or spam_possible or bait_possible):
        return strict, None
    return strict, (text, hit, n_words, score, evidence, bait_possible)


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    lines = doc.lines()
    first = _first_text_line(lines)
    edits: list[Edit] = []
    removed = ctx.removed_lines
    # (a removed line still counts for the document's style, but is not scored)
    cues = [(_clickbait_style(line.text), None) if line.start in removed else _line_cues(line.text)
            for line in lines]
    styled = sum(1 for line, (strict, _) in zip(lines, cues) if strict and line.index != first)
    topic: TopicModel | None = None

    def overlap(line) -> float | None:
        nonlocal topic
        if topic is None:  # built lazily: most documents need no topic at all
            # suspect lines are not "the rest of the document"; asked only where it matters.
            # Nor are the lines that go whole anyway (menus, footers): the rest is the article.
            topic = TopicModel(["" if l.start in removed else l.text for l in lines], ctx.lang,
                               lambda i: _suspect(lines[i].text))
        return topic.overlap(line.index)

    for line, (strict, found) in zip(lines, cues):
        if found is None:
            continue
        text, hit, n_words, score, evidence, bait_possible = found
        if hit:
            reason, score = hit
            start, end = line_span(line, doc.text)
            edits.append(Edit(start, end, "link-bait", reason, score))
            continue
        if n_words <= MAX_SCORED_WORDS:
            reason = "spam or scam advertising line"
            if score < 1.0 and n_words >= 5 and line.index != first:
                if evidence >= 2 or score >= 0.4:
                    ov = overlap(line)
                    if ov is not None and (
                        (evidence >= 3 and ov <= OFF_TOPIC)
                        or ((evidence >= 2 or score >= 0.4) and ov <= OFF_TOPIC_STRICT)
                    ):
                        score = max(score, 1.0)
                        reason = f"off-topic line with {evidence} scam-message cues"
            if score >= 1.0:
                start, end = line_span(line, doc.text)
                edits.append(Edit(start, end, "spam-line", reason,
                                  round(min(0.99, 0.6 + 0.2 * score), 3)))
                continue
        if line.index == first or not bait_possible:
            # A title, a list item, or a line in neither click-bait style. Ordinary
            # title case scores only with bait words or a leading count (see
            # _bare_clickbait), whatever the topic: no overlap to work out.
            continue
        ov = overlap(line)
        if styled > 2 and not (ov is not None and ov <= OFF_TOPIC_STRICT):
            continue  # a document whose own headings use this style
        bait = _bare_clickbait(text, ov)
        if bait >= 0.75:
            start, end = line_span(line, doc.text)
            why = "off-topic click-bait headline" if ov is not None and ov <= OFF_TOPIC else "stand-alone click-bait headline"
            edits.append(Edit(start, end, "link-bait", why, round(bait, 3)))
    return edits
