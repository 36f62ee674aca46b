"""Text written without spaces between words: Chinese and Japanese.

The line classifier and the header rules measure a line in words split at
spaces: a menu item is one to three words, a paragraph tens of them. A
Chinese or Japanese paragraph has no spaces and would count as one word,
the same as a menu item. Here such runs of characters are measured in
pseudo-words of ``CHARS_PER_WORD`` characters (words of these languages are
one to three characters long, two on average), and their full-width
punctuation as the ASCII marks the features look for, so a Chinese page
has the shape of a page in a language the classifier knows. Korean
separates its words with spaces and is left as it is.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Hiragana, katakana (and its half-width forms), the CJK ideographs with extension A and the compatibility ones.
_UNSPACED = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
CHARS_PER_WORD = 2
# Full-width sentence and clause punctuation, as the ASCII mark a feature
# counts, followed by the space a Latin text would have after it.
_PUNCTUATION = str.maketrans({
    "。": ". ", "．": ". ", "！": "! ", "？": "? ", "；": "; ", "：": ": ", "，": ", ", "、": ", ",
    "（": " (", "）": ") ",
})
# The most frequent function characters of Chinese (particles, pronouns,
# prepositions, the copula) and Japanese (kana particles and endings): they
# play the part of stopwords, dense in prose and absent from menus.
FUNCTION_CHARS = frozenset(
    "的了是在和有也不就都与及对将被从为而这那我他她它们个之其以于把向但并或"
    "のにはをがでとへやもかたてだすなるい")


def has_unspaced(text: str) -> bool:
    return UNSPACED_RUN.search(text) is not None


def _split_run(match: re.Match) -> str:
    run = match.group()
    return " " + " ".join(run[i:i + CHARS_PER_WORD] for i in range(0, len(run), CHARS_PER_WORD)) + " "


@lru_cache(maxsize=1 << 14)
def spaced(text: str) -> str:
    """``text`` with each run of unspaced characters split into pseudo-words
    and full-width punctuation written the Latin way; other text unchanged."""
    return UNSPACED_RUN.sub(_split_run, text.translate(_PUNCTUATION))


def word_count(text: str) -> int:
    """Words split at spaces, a run of unspaced characters counting as its pseudo-words."""
    if text.isascii() or not has_unspaced(text):
        return len(text.split())
    return len(spaced(text).split())


def function_chars(text: str) -> int:
    """How many of ``text``'s characters are function characters (FUNCTION_CHARS)."""
    return sum(map(FUNCTION_CHARS.__contains__, text))
