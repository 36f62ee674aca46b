"""Page chrome found by a line classifier, for plain text and HTML alike.

Every non-blank line gets shallow features (length, sentence shape,
title-case share, stopword density, digits, link and date shapes), the same
features of its neighbours (an article is a contiguous run of prose; menus,
footers and "related" lists come in runs of short lines), where it sits
relative to the page's prose, how often the corpus repeats it (a site's
template recurs across its pages), and, for HTML, what the markup says
(block tag, link density, furniture containers, article containers; see
``cleaner.io.html.LineFacts``).

A small gradient-boosted tree ensemble, trained on the chrome dev set by
``training/train_blocks.py`` and shipped as plain numbers in
``data/blocks_model.json``, turns the features into the probability that a
line belongs to the article. Lines below the threshold are proposed as
``boilerplate`` edits with that probability in the reason. A short line
inside the article's run (a section heading, a list item) and the title
right above the first paragraph are kept, so the article stays whole.
"""
from __future__ import annotations

import json
import math
import re
import string
from array import array
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import numpy as np

from ..document import Document, Edit, Line, line_span
from ..line_counts import counts_of
from . import RuleContext
from .chrome import _chrome_reason, normalized_line
from .headers import _title_like, caption_score, is_body, is_dated
from .scripts import function_chars, has_unspaced, spaced, word_count

RULE = "boilerplate"
MODEL_PATH = Path(__file__).with_name("data") / "blocks_model.json"

# ------------------------------------------------------------- stopwords
# Small lists of the most frequent function words per language. Prose is
# dense in them, menus and link lists are not.
_STOPWORDS_BY_LANG = {
    "en": "the of and to a in is that it for on was with as by at be this are from or an have has not but "
          "they which we he she his her their its were been will would can there all if so about more when "
          "who what one also than into after our you i my me your them had do no",
    "de": "der die das und in den von zu mit ist sich des auf für nicht im dem ein eine als auch es an "
          "werden aus er hat dass sie nach bei um am sind noch wie einem über einen so zum war haben nur "
          "oder aber vor zur bis mehr durch man ich wir",
    "fr": "le la les de des du et à en un une est que qui dans pour pas sur au par ce il elle plus avec "
          "sont se ne ont aux son sa ses mais comme nous vous ou été cette leur être fait je",
    "es": "el la los las de del y en a un una que es por con para no se su sus al lo como más pero le "
          "ha fue son este esta entre también sobre ya o muy sin porque cuando hay",
    "it": "il la lo gli le di del della dei e è in un una che per con non si da al alla sono come ma "
          "anche più nel nella ha dei degli questo questa o se tra stato",
    "pt": "o a os as de do da dos das e em um uma que é para com não se por no na mais mas como ao foi "
          "são sua seu ou também entre pelo pela isso ele ela",
    "nl": "de het een en van in is dat op te zijn voor met die niet aan er als ook maar bij om door "
          "naar dan wordt uit werd nog worden deze over zo of heeft hij",
    "sv": "och i att det som en på är av för med till den har de inte om ett var jag men så han hon",
    "da": "og i at det som en på er af for med til den har de ikke om et var jeg men så han hun",
    "pl": "i w na z do się nie to że jest o jak co ale po od za przez jego jej są być tak już",
    "ru": "и в не на что с по как это он она они к но из у за от для о же так его ее её был была были "
          "то все также при или уже",
    "tr": "ve bir bu da de ile için olarak daha çok gibi en olan ama o ki ne var kadar sonra",
    "id": "dan yang di ke dari ini itu dengan untuk tidak dalam akan pada juga ada oleh atau",
    "cs": "a v se na je že to s z do o k i jako ale by pro tak jsou byl už po",
}
STOPWORDS = frozenset(w for words in _STOPWORDS_BY_LANG.values() for w in words.split())

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[A-Za-z]+")  # _WORD on ASCII text (its only letters), a cheaper class to test
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SENTENCE_END = re.compile(r"[.!?…。！？]['\"”’»)\]]*\s*$")
_INNER_PUNCT = re.compile(r"[.!?;。！？](?=\s)")
# A web address or an e-mail address. The e-mail shape is a slow scan and
# needs an "@": it is tried only on lines holding one (see _link_like).
_LINK_LIKE = re.compile(r"https?://|www\.|\.(?:com|org|net|html?)\b|@\w", re.IGNORECASE)
_EMAIL_LIKE = re.compile(r"\S+@\S+\.\w", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[|»›·•/]\s|\s[|»›·•]|[|»›·•]\s")
_SEPARATOR_CHAR = re.compile(r"[|»›·•/]")  # in every separator: most lines hold none
_LIST_ITEM = re.compile(r"^\s*([-*•·–—]|\d{1,3}[.)])\s+\S")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d|\bcopyright\b|all rights reserved|版权所有|版權所有|無断転載|저작권", re.IGNORECASE)

# Headings that open a run of links to other pages ("Related coverage",
# "More stories", "Most popular", "Leave a reply", "Lesen Sie auch", "More by
# Jane Doe", "Next up in Science"): what follows them is the site's, not the
# article's. Matched on short lines only.
_CUE = re.compile(
    r"\brelated\b|\bmore (stories|articles|news|posts|from|on|in|like this|to read|videos|coverage|headlines)\b"
    r"|\bmost (popular|read|viewed|shared|commented|watched|recent|emailed)\b"
    r"|\b(top|latest|recent|trending|popular|featured|other|similar|recommended|sponsored|partner|more) "
    r"(stories|news|posts|articles|headlines|videos|content|reads|links)\b"
    r"|^(trending|popular|recommended|latest|recent|elsewhere|up next|read next|read more|see also|also read|"
    r"read also|further reading|keep reading|don'?t miss|editor'?s picks?|in case you missed it|"
    r"you (may|might|will) (also )?(like|enjoy|love|be interested)|we recommend|around the web|from the web|"
    r"promoted|leave a (reply|comment)|about the author|in other news|what to read next)\b"
    r"|\b(mehr zum thema|lesen sie auch|auch interessant|ähnliche artikel|weitere artikel|meistgelesen|"
    r"à lire aussi|lire aussi|voir aussi|sur le même sujet|les plus lus|articles similaires|"
    r"te puede interesar|noticias relacionadas|lo más leído|más noticias|leggi anche|potrebbe interessarti|"
    r"articoli correlati|più letti|leia também|veja também|mais lidas|notícias relacionadas|lees ook|meer nieuws)\b"
    # Chinese (simplified, traditional), Japanese, Korean: at the line's start (no word breaks to match)
    r"|^(相关(新闻|文章|阅读|报道|推荐)|相關(新聞|文章|閱讀|報導)|热门(文章|新闻|推荐)|熱門(文章|新聞)|"
    r"(推荐|延伸|扩展)阅读|(推薦|延伸)閱讀|猜你喜欢|为你推荐|精彩推荐|更多(新闻|文章)|阅读排行|"
    r"関連(記事|ニュース)|人気(記事|ランキング)|おすすめ(記事|の記事)|あわせて読みたい|こちらもおすすめ|"
    r"アクセスランキング|관련 ?기사|많이 본|인기 ?기사|추천 ?기사|주요 ?뉴스)"
    # whole lines only ("More by accident ..." opens a sentence), but what "Next up" opens ("More from ...": above)
    r"|^(from our archives|next up\b.*|more by [\w .'-]+|more great [\w .'-]+ (stories|articles|posts))[^\w]*$",
    re.IGNORECASE)
# Headings that open the readers' comments ("59 Comments on “…”", "3 responses to",
# "Join the discussion", "Kommentare (12)"): readers' posts follow, prose as
# they are, and they are not the article. A count may lead a long title; the
# other shapes are matched on short lines only.
_COMMENTS_COUNT = re.compile(
    r"^(?!0\D)\d+\s*(comments?|responses?|replies|thoughts|reactions|kommentare?|commentaires?|comentarios?|commenti|"
    r"comentários|reacties|reacciones)\b", re.IGNORECASE)
_COMMENTS_HEADING = re.compile(
    r"^(comments?|reader comments|user comments|discussion|conversation|responses|"
    r"join the (conversation|discussion)|(show|view|load|see|read|add|post|write) (all )?(\d+ )?comments?|"
    r"kommentare|commentaires|comentarios|commenti|comentários|reacties)\W*(\(\d+\))?\W*$"
    r"|^[^\W\d](?:[^\W\d]|[ ’'&-]){0,40}\bcomments\s*(\(\d+\))?$"
    r"|^(?:(?:网友|網友|全部|发表|發表|最新)?(?:评论|評論)|コメント(?:する|一覧|を書く)?|댓글(?:쓰기)?)\W*(?:\d+\W*)?$",
    re.IGNORECASE)
# An author's note: "Jane Doe is a reporter at ...", "Jane joined the paper in 2017",
# "More articles from Jane Doe", "View all posts by Jane Doe".
_BIO = re.compile(
    r"^([A-Z][\w'’.-]+ ){1,3}(is|was) (a|an|the) ([\w'’-]+ ){0,6}"
    r"(writer|reporter|journalist|editor|correspondent|columnist|contributor|author|producer|photographer|"
    r"freelancer|freelance|analyst|intern|host|blogger)\b"
    r"|^([A-Z][\w'’.-]+ ){1,3}(joined|writes|covers|has (been )?(written|writing|reporting|covered|covering))\b"
    r"|(?i:^(more|other|all|view all|see all|read more) (articles|posts|stories|columns) (by|from)\b)"
    r"|(?i:^(view|see) (all )?(posts|articles|stories) by\b)")
# A cue word followed by a separator and a title is one inline link
# ("Related » How to ...", "Also read: ..."), not the heading of a block.
_INLINE_LINK = re.compile(r"[»›|:•]\s*(\S+\s+){2,}\S")
# Photo captions' credits and gallery counters: "Photograph: Jane Doe/Getty
# Images", "(Image credit: NASA)", "...Credit...Jane Doe/The Times", "Image 2 of 5".
_MEDIA_CREDIT = re.compile(
    r"\b(photo|image|picture|photograph|illustration|video|graphic)s?( credit)?\s*(:|by (?-i:[A-Z]))"
    r"|\bcredits?\s*(:|\.\.\.|…)|\b(getty images|shutterstock|istock(photo)?|reuters/|ap photo|associated press)"
    r"|/ ?(ap|afp|reuters)\b"
    r"|^(image|photo|picture|slide)\s+\d+\s+(of|/)\s+\d+$",
    re.IGNORECASE)
# A headline run into the dateline of its teaser ("Storm hits coast MIAMI: Forecasters ..."):
# a ticker or a list of stories, where an article starts with the dateline.
_GLUED_DATELINE = re.compile(r"^(\S+\s+){3,}([A-Z]{5,}|[A-Z]{2,}(?: [A-Z]{2,})+)(?:,? [A-Z][a-z]+)?"
                             r"(:\s+[A-Z\"“‘']|\s*\((Reuters|AP|AFP)\) ?[-—–]\s)")
_TRUNCATED = re.compile(r"(\.\.\.|…|\[…\]|\(…\)|\[\.\.\.\])\s*$|\bread more\W*$", re.IGNORECASE)
_TRUNCATED_TAIL = 24  # characters of a line's end searched for it
# Every shape of _MEDIA_CREDIT holds one of these (a cheap test first, on the lower-cased line).
_MEDIA_WORDS = ("photo", "image", "picture", "illustration", "video", "graphic", "credit", "getty",
                "shutterstock", "istock", "reuters", "associated press", "/ap", "/ ap", "/afp", "/ afp", "slide")
_MEDIA_WORD = re.compile("|".join(map(re.escape, _MEDIA_WORDS)))
# _CUE and _COPYRIGHT are written in lower case: on an ASCII line, the same
# pattern without IGNORECASE over the lower-cased line finds the same matches
# (lower-casing ASCII changes only A-Z, one for one, and none of the
# patterns' non-ASCII letters has an ASCII case variant), about twice as fast.
_CUE_LOWER = re.compile(_CUE.pattern)
_COPYRIGHT_LOWER = re.compile(_COPYRIGHT.pattern)

# Tags the HTML reader reports per line, as numbers for the model.
_TAG_CODE = {"p": 1, "li": 2, "td": 3, "th": 3, "dd": 4, "dt": 4, "blockquote": 5, "pre": 5,
             "figcaption": 6, "caption": 6, "title": 7, "h1": 8, "h2": 9, "h3": 10, "h4": 11, "h5": 11, "h6": 11}

BASE_FEATURES = [
    "log_words", "log_chars", "sentence_end", "inner_punct", "commas", "title_case", "stopwords",
    "digits", "upper", "alpha", "cjk", "link_like", "separators", "list_item", "date_or_byline",
    "chrome_phrase", "ends_colon", "word_len", "corpus_share", "corpus_log", "doc_repeats", "copyright",
    "first_upper", "cue_heading", "author_bio", "truncated", "headline_like", "media_credit", "glued_dateline",
    "comments_heading",
]
# Indices into the base features used for the neighbours.
_NEIGHBOUR_BASE = ["log_words", "sentence_end", "stopwords", "title_case", "link_like"]
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
_NEIGHBOUR_AT = [BASE_FEATURES.index(name) for name in _NEIGHBOUR_BASE]
CONTEXT_FEATURES = (
    [f"{name}@{k:+d}" for k in NEIGHBOUR_OFFSETS for name in _NEIGHBOUR_BASE]
    + ["rel_pos", "words_before", "prose_before", "prose_after_share", "dist_prose_up", "dist_prose_down",
       "win3_words", "win10_words", "win3_prose", "win10_prose", "prose_mass", "log_lines", "log_prose_lines",
       "is_first_line", "is_last_line", "since_cue", "prose_since_cue", "cue_prose_before", "win5_headline",
       "short_run", "in_main", "main_dist", "below_comments"]
)
HTML_FEATURES = [
    "html", "tag", "heading", "link_density", "chrome_share", "in_article", "content_class",
    "link_density@-1", "link_density@+1", "chrome_share@-1", "chrome_share@+1", "tag@-1", "tag@+1",
    "article_share", "content_class_share",
] + [
    # Where the line sits in the page's tree of block elements (see _dom_columns).
    "main_box", "main_below", "main_away", "main_share",
    "in_figure", "in_header", "in_table", "in_list", "after_h1",
]
FEATURES = BASE_FEATURES + CONTEXT_FEATURES + HTML_FEATURES
# The second model's own columns, appended to FEATURES: the first model's
# probabilities around the line (see probability_context).
PROBA_OFFSETS = (-3, -2, -1, 1, 2, 3)
PROBA_FEATURES = (
    ["proba"] + [f"proba@{k:+d}" for k in PROBA_OFFSETS]
    + ["proba_win2", "proba_win5", "proba_win10", "article_above", "article_below",
       "sure_up", "sure_down", "page_proba", "top_line_article"]
)
SECOND_FEATURES = FEATURES + PROBA_FEATURES


# Every shape of _LINK_LIKE holds one of these (lower-cased: none of their
# letters has a case-insensitive match outside ASCII): plain substring tests
# rule out most lines before the case-insensitive scan.
_LINK_HINTS = ("www.", ".com", ".org", ".net", ".htm")


def _link_like(text: str) -> bool:
    if "://" not in text and "@" not in text:
        if "." not in text:  # every hint holds a "." (lower-casing makes none)
            return False
        low = text.lower()
        if not any(hint in low for hint in _LINK_HINTS):
            return False
    return bool(_LINK_LIKE.search(text)) or ("@" in text and bool(_EMAIL_LIKE.search(text)))


# Every shape of _COMMENTS_COUNT and _COMMENTS_HEADING holds one of these (lower-cased).
COMMENTS_HINTS = ("omment", "oment", "espons", "eplies", "thoughts", "iscussion", "onversation", "reac",
                  "评论", "評論", "コメント", "댓글")
_COMMENTS_HINT = re.compile("|".join(map(re.escape, COMMENTS_HINTS)))  # any of them, in one scan


def _comments_heading(text: str, low: str, n_words: int) -> bool:
    if n_words > 24 or not _COMMENTS_HINT.search(low):
        return False
    return bool(_COMMENTS_COUNT.match(text)) or (n_words <= 10 and bool(_COMMENTS_HEADING.search(text)))


def is_comments_heading(text: str) -> bool:
    """Does the line open the readers' comments ("59 Comments on “…”", "Comments")?"""
    s = text.strip()
    return _comments_heading(s, s.lower(), len(s.split()))


def _truncated(s: str, low: str, n_chars: int, ascii_line: bool) -> bool:
    """A teaser's cut-off end ("...", "…", "[…]", "Read more") on the stripped line ``s``."""
    # Every shape ends the line with ".", "…", "]" or ")" or holds "read more"
    # (case-insensitively: on an ASCII line, in its lower-cased copy ``low``).
    if ascii_line and not (s.endswith((".", "]", ")")) or "read more" in low):
        return False
    return bool(_TRUNCATED.search(s, max(n_chars - _TRUNCATED_TAIL, 0)))


def _media_credit(s: str, low: str) -> bool:
    """A photo or video credit ("Photograph: Jane Doe/Getty Images") on the
    stripped line ``s`` (lower-cased: ``low``)."""
    return bool(_MEDIA_WORD.search(low)) and bool(_MEDIA_CREDIT.search(s))


def _cue_heading(s: str, low: str, n_words: int, n_chars: int, ascii_line: bool) -> bool:
    """A short heading that opens links to other pages (_CUE): "Related coverage"."""
    return (n_words <= 8 and n_chars <= 80 and (not s.endswith(".") or s.endswith(".."))
            and bool(_CUE_LOWER.search(low) if ascii_line else _CUE.search(s)) and not _INLINE_LINK.search(s))


@lru_cache(maxsize=1 << 16)  # (asked of the kept lines below the article in each cleaning round)
def is_cue_heading(text: str) -> bool:
    s = text.strip()
    if len(s) > 80:  # (too long for one: _cue_heading's own test, before the line is split)
        return False
    return _cue_heading(s, s.lower(), len(s.split()), len(s), s.isascii())


def _copyright(s: str, low: str, ascii_line: bool) -> bool:
    """A copyright notice's shape in the stripped line ``s`` (``low``: lower-cased)."""
    if not ascii_line:
        return bool(_COPYRIGHT.search(s))
    # Every shape but "©" (not ASCII) holds one of these: plain substring tests
    # rule out most lines before the scan.
    return ("(c)" in low or "copyright" in low or "all rights reserved" in low) and bool(_COPYRIGHT_LOWER.search(low))


_first_char = itemgetter(0)
_ASCII_DIGITS = string.digits.encode("ascii")
_ASCII_UPPER = string.ascii_uppercase.encode("ascii")


# Per-line features that depend on the text alone (cached as _text_feature_row).
def _text_features(text: str) -> tuple[float, ...]:
    s = text.strip()
    ascii_line = s.isascii()
    # Chinese and Japanese are measured in pseudo-words, their punctuation as
    # Latin marks (see cleaner.rules.scripts): ``shape`` is the line so written.
    unspaced = not ascii_line and has_unspaced(s)
    shape = spaced(s) if unspaced else s
    tokens = shape.split()
    n_words = len(tokens)
    n_chars = len(s)
    words = (_ASCII_WORD if ascii_line else _WORD).findall(shape)
    n_alpha_words = len(words) or 1
    letters = len("".join(words))
    # Digits and capitals: ASCII ones counted on the UTF-8 bytes, in C (no
    # other character's encoding holds an ASCII byte, and the only ASCII
    # characters str.isdigit / str.isupper accept are 0-9 / A-Z), then
    # the few non-ASCII characters one by one.
    raw = s.encode("utf-8", "surrogatepass")
    digits = len(raw) - len(raw.translate(None, _ASCII_DIGITS))
    upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
    if ascii_line:
        cjk = 0
    else:
        other = "".join(_NON_ASCII_RUN.findall(s))
        digits += sum(map(str.isdigit, other))
        upper += sum(map(str.isupper, other))
        cjk = len(_CJK.findall(other))
    title = sum(map(str.isupper, map(_first_char, words)))
    stop = sum(map(STOPWORDS.__contains__, map(str.casefold, words)))
    if unspaced:
        stop += function_chars(s)
    ends = bool(_SENTENCE_END.search(s))
    colon_end = shape.rstrip().endswith(":")
    low = s.lower()
    short = n_words <= 16 and n_chars <= 120
    if short:
        dated = is_dated(s)
        chrome = _chrome_reason(s) is not None
    else:
        dated = chrome = False
    return (
        math.log1p(n_words),
        math.log1p(n_chars),
        float(ends),
        len(_INNER_PUNCT.findall(shape)) / max(n_words, 1),
        shape.count(",") / max(n_words, 1),
        title / n_alpha_words,
        stop / n_alpha_words,
        digits / max(n_chars, 1),
        upper / max(letters, 1),
        letters / max(n_chars, 1),
        cjk / max(n_chars, 1),
        float(_link_like(s)),
        float(len(_SEPARATOR.findall(s)) if _SEPARATOR_CHAR.search(s) else 0),
        float(bool(_LIST_ITEM.match(s))),
        float(dated),
        float(chrome),
        float(colon_end),
        letters / n_alpha_words,
        float(_copyright(s, low, ascii_line)) if n_words <= 30 else 0.0,
        float(s[:1].isupper() or s[:1].isdigit()),
        float(_cue_heading(s, low, n_words, n_chars, ascii_line)),
        float(n_words <= 60 and bool(_BIO.match(s))),
        float(_truncated(s, low, n_chars, ascii_line)),
        float(3 <= n_words <= 20 and not ends and not colon_end
              and (s[:1].isupper() or s[:1].isdigit() or s[:1] in "'\"“‘«„")),
        float(n_words <= 60 and _media_credit(s, low)),
        float(_glued_dateline(s)),
        float(_comments_heading(s, low, n_words)),
    )


# Cached: cleaning looks at a document again after each round, and a site's
# template lines recur. Kept as the row's float64 bytes: a page's matrix is
# then one join of its lines' rows (numpy takes a list of tuples of floats
# apart one float at a time).
@lru_cache(maxsize=1 << 16)
def _text_feature_row(text: str) -> bytes:
    return array("d", _text_features(text)).tobytes()


_CORPUS_FEATURES = ["corpus_share", "corpus_log", "doc_repeats"]
_TEXT_FEATURES = [name for name in BASE_FEATURES if name not in _CORPUS_FEATURES]
# The corpus features sit together among the base features: the text
# features before them, then those three, then the rest.
_CORPUS_AT = BASE_FEATURES.index("corpus_share")
assert BASE_FEATURES[_CORPUS_AT:_CORPUS_AT + 3] == _CORPUS_FEATURES


def _corpus_columns(norms: list[str], ctx: RuleContext) -> list[tuple[float, float, float]]:
    """The corpus features of each line (normalised: ``norms``): its share and
    log count of the corpus's other articles, and its log count of repeats
    within this document."""
    doc_counts: dict[str, int] = {}
    for norm in norms:
        doc_counts[norm] = doc_counts.get(norm, 0) + 1
    if ctx.n_docs < 3:
        counts = [0] * len(norms)
    else:
        counts = counts_of(ctx.line_counts, norms)
    share_of = max(ctx.n_docs - 1, 1)
    columns = []
    for norm, count in zip(norms, counts):
        others = max(count - 1, 0)
        columns.append((others / share_of, math.log1p(others), math.log1p(doc_counts[norm] - 1)))
    return columns


def _base_matrix(lines: list[Line], norms: list[str], ctx: RuleContext) -> np.ndarray:
    """The base features of ``lines``, one row each (text features with the
    corpus features in their place among them)."""
    rows = b"".join([_text_feature_row(line.text) for line in lines])
    text = np.frombuffer(rows, dtype=np.float64).reshape(len(lines), len(_TEXT_FEATURES))
    corpus = np.array(_corpus_columns(norms, ctx), dtype=float).reshape(len(lines), len(_CORPUS_FEATURES))
    return np.concatenate([text[:, :_CORPUS_AT], corpus, text[:, _CORPUS_AT:]], axis=1)


def _facts_matrix(facts: list) -> np.ndarray:
    """Per line (``facts``: its ``LineFacts`` or None): tag code, heading level,
    link density, furniture share, article flags."""
    rows = []  # (one array at the end: numpy is slow to assign row by row)
    for f in facts:
        if f is None:
            rows.append(_NO_FACTS)
            continue
        chars = max(f.chars, 1)
        code = _TAG_CODE.get(f.tag, 0)
        rows.append((code, code - 7 if code >= 8 else 0, f.link_chars / chars, f.chrome_chars / chars,
                     f.in_article, f.content_class))
    return np.array(rows, dtype=float).reshape(len(facts), 6)


_NO_FACTS = (0, 0, 0.0, 0.0, False, False)  # a line the markup says nothing about


def _top_headings(facts: list) -> frozenset[int]:
    """Indices of the lines marked <h1> or <h2>: heading level 1 or 2 in
    ``_facts_matrix``, read off the tags without building the matrix."""
    return frozenset(i for i, f in enumerate(facts) if f is not None and f.tag in ("h1", "h2"))


def _line_facts(doc: Document, lines: list[Line]) -> list | None:
    """The HTML reader's ``LineFacts`` of each of ``lines`` (None where it has none),
    or None for a document that is not read from HTML."""
    facts = getattr(doc.meta.get("chrome_spans"), "lines", None)
    if facts is None:
        return None
    by_start = {f.start: f for f in facts}
    return [by_start.get(line.start + len(line.text) - len(line.text.lstrip())) for line in lines]


MAIN_PROSE_SHARE = 0.5  # the main container holds at least this share of the page's prose words
_ANCESTOR_GROUPS = ({"figure"}, {"header"}, {"table"}, {"ul", "ol", "menu", "dl"})


def _dom_columns(facts: list, words: np.ndarray, prose: np.ndarray, tag: np.ndarray) -> np.ndarray:
    """Features of each line from the tree of block elements around it.

    The main container is the innermost block element holding at least
    ``MAIN_PROSE_SHARE`` of the page's prose words: a line is in it or not,
    so many levels below it, or so many levels away (from its innermost
    block up to the element it shares with the main container). Then
    whether a <figure>, <header>, <table> or list is around the line, and
    whether the line comes after the page's first <h1> (-1: none).
    (Left out, as they did not carry to sites the model had not seen: the
    line's depth in the page, which is the site template's, and the block
    around the line holding two or more lines, with its link density, words
    per line and share of prose.)"""
    n = len(facts)
    out = np.zeros((n, 9))
    # Per block element: [prose words, depth]
    agg: dict[int, list] = {}
    for f, pw in zip(facts, (words * prose).tolist()):
        if f is None or not pw:
            continue
        for depth, b in enumerate(f.blocks):
            a = agg.get(b)
            if a is None:
                a = agg[b] = [0.0, depth]
            a[0] += pw
    total_prose = float((words * prose).sum())
    main = None
    if total_prose > 0:
        held = [b for b, a in agg.items() if a[0] >= MAIN_PROSE_SHARE * total_prose]
        if held:
            main = max(held, key=lambda b: agg[b][1])
    main_path = ()
    if main is not None:
        main_path = next(f.blocks[:agg[main][1] + 1] for f in facts if f is not None and main in f.blocks)
    h1 = np.flatnonzero(tag == _TAG_CODE["h1"])
    first_h1 = int(h1[0]) if len(h1) else -1
    for i, f in enumerate(facts):
        if f is None or not f.blocks:
            continue
        path = f.blocks
        common = 0
        for a, b in zip(path, main_path):
            if a != b:
                break
            common += 1
        inside = main is not None and common == len(main_path)
        tags = set(f.block_tags)
        out[i, :4] = (float(inside), len(path) - len(main_path) if inside else 0.0,
                      0.0 if inside or main is None else len(path) - common,
                      agg[main][0] / total_prose if main is not None else 0.0)
        out[i, 4:8] = [float(bool(tags & group)) for group in _ANCESTOR_GROUPS]
    out[:, 8] = -1.0 if first_h1 < 0 else (np.arange(n) >= first_h1).astype(float)
    return out


def _shift(column: np.ndarray, k: int, fill: float) -> np.ndarray:
    out = np.full_like(column, fill)
    if k > 0:
        out[:-k] = column[k:]
    elif k < 0:
        out[-k:] = column[:k]
    else:
        out[:] = column
    return out


def _window_mean(column: np.ndarray, radius: int) -> np.ndarray:
    padded = np.concatenate([[0.0], np.cumsum(column)])
    n = len(column)
    # (np.clip's bounds that can bind only: np.clip costs several times more on small arrays)
    lo = np.maximum(np.arange(n) - radius, 0)
    hi = np.minimum(np.arange(n) + radius + 1, n)
    return (padded[hi] - padded[lo]) / (hi - lo)


COMMENTS_AFTER_PROSE = 3  # prose lines above a comments heading for it to open the comments
MAIN_GAP = 3  # non-prose lines a block of the article's prose may span
PROSE_REACH = 30.0  # distances to prose are capped here


def _distances_up_down(marked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each line, how many lines up and down the nearest other marked line
    is (``marked``: > 0 for a marked line, e.g. prose), capped at ``PROSE_REACH``."""
    idx = np.arange(len(marked), dtype=float)
    is_marked = marked > 0
    at_or_above = np.maximum.accumulate(np.where(is_marked, idx, -1.0))
    above = np.concatenate([[-1.0], at_or_above[:-1]])
    up = np.where(above >= 0, np.minimum(idx - above, PROSE_REACH), PROSE_REACH)
    at_or_below = np.minimum.accumulate(np.where(is_marked, idx, np.inf)[::-1])[::-1]
    below = np.concatenate([at_or_below[1:], [np.inf]])
    down = np.where(below < np.inf, np.minimum(below - idx, PROSE_REACH), PROSE_REACH)
    return up, down


def features(doc: Document, lines: list[Line], ctx: RuleContext) -> np.ndarray:
    """The feature matrix of ``lines`` (the document's non-blank lines), one row each."""
    norms = [normalized_line(line.text) for line in lines]
    base = _base_matrix(lines, norms, ctx)
    n = len(lines)
    col = {name: base[:, i] for i, name in enumerate(BASE_FEATURES)}
    words = np.expm1(col["log_words"])
    prose = ((words >= 10) & (col["sentence_end"] > 0)) | (words >= 40)
    prose = prose.astype(float)

    # The neighbours' features: the columns of _NEIGHBOUR_BASE in a block padded
    # with -1.0 (no line there), read off at each offset (one slice per offset,
    # not one new column per offset and name).
    reach = max(map(abs, NEIGHBOUR_OFFSETS))
    padded = np.full((n + 2 * reach, len(_NEIGHBOUR_BASE)), -1.0)
    padded[reach:reach + n] = base[:, _NEIGHBOUR_AT]
    ctx_cols = [padded[reach + k:reach + k + n] for k in NEIGHBOUR_OFFSETS]  # (column_stack keeps 2-D blocks)
    idx = np.arange(n, dtype=float)
    ctx_cols.append(idx / max(n - 1, 1))
    cum_words = np.cumsum(words) - words
    ctx_cols.append(cum_words / max(words.sum(), 1.0))
    prose_total = prose.sum()
    prose_before = np.cumsum(prose) - prose
    ctx_cols.append(prose_before / max(prose_total, 1.0))
    ctx_cols.append((prose_total - prose_before - prose) / max(prose_total, 1.0))
    up, down = _distances_up_down(prose)
    ctx_cols.append(np.log1p(up))
    ctx_cols.append(np.log1p(down))
    ctx_cols.append(_window_mean(col["log_words"], 3))
    ctx_cols.append(_window_mean(col["log_words"], 10))
    ctx_cols.append(_window_mean(prose, 3))
    ctx_cols.append(_window_mean(prose, 10))
    mass = _window_mean(prose * words, 6)
    ctx_cols.append(mass / max(mass.max(), 1.0))
    ctx_cols.append(np.full(n, math.log1p(n)))
    ctx_cols.append(np.full(n, math.log1p(prose_total)))
    ctx_cols.append((idx == 0).astype(float))
    ctx_cols.append((idx == n - 1).astype(float))
    # At or below a "related"/"more stories" heading: how far, how much prose
    # since, and how much of the page's prose came before that heading.
    cue = col["cue_heading"]
    at = np.maximum.accumulate(np.where(cue > 0, np.arange(n), -1))  # the nearest heading at or above
    seen = at >= 0
    at_ = np.maximum(at, 0)
    since = np.where(seen, np.minimum(idx - at_, 30), 30.0)
    prose_since = prose_before - prose_before[at_] - prose[at_] * (idx > at_)
    prose_since = np.where(seen, np.minimum(prose_since, 30), 30.0)
    cue_before = np.where(seen, prose_before[at_] / max(prose_total, 1.0), -1.0)
    ctx_cols.append(np.log1p(since))
    ctx_cols.append(np.log1p(prose_since))
    ctx_cols.append(cue_before)
    ctx_cols.append(_window_mean(col["headline_like"], 5))
    # The length of the run of non-prose lines a line sits in (menus and
    # link lists are long runs, an article's headings and list items short ones).
    run_id = np.cumsum(prose)
    run_len = np.bincount(run_id.astype(np.intp), weights=1.0 - prose)
    ctx_cols.append(np.where(prose > 0, 0.0, np.log1p(run_len[run_id.astype(np.intp)])))
    # The article's main block: prose lines no more than MAIN_GAP lines apart
    # form a block; the block with the most prose words is the main one.
    in_main = np.zeros(n)
    main_dist = np.full(n, 30.0)
    at = np.flatnonzero(prose)
    if len(at):
        splits = np.flatnonzero(np.diff(at) > MAIN_GAP + 1) + 1
        blocks_ = np.split(at, splits)
        block = max(blocks_, key=lambda b: float(words[b].sum()))
        lo, hi = int(block[0]), int(block[-1])
        in_main[lo:hi + 1] = 1.0
        main_dist = np.minimum(np.maximum(lo - idx, idx - hi).clip(0), 30.0)
    ctx_cols.append(in_main)
    ctx_cols.append(np.log1p(main_dist))
    # Below the readers' comments' heading: how far. A heading counts only
    # below some of the page's prose ("0 Comments" in a byline opens nothing).
    opens = (col["comments_heading"] > 0) & (prose_before >= COMMENTS_AFTER_PROSE)
    comments_at = np.maximum.accumulate(np.where(opens, np.arange(n), -1))
    ctx_cols.append(np.where(comments_at >= 0, np.log1p(np.minimum(idx - comments_at, 30)), np.log1p(30.0)))

    facts = _line_facts(doc, lines)
    if facts is None:
        html_cols = np.zeros((n, len(HTML_FEATURES)))
    else:
        tag, heading, link, chrome, article, content = _facts_matrix(facts).T
        weights = words / max(words.sum(), 1.0)
        html_cols = np.column_stack([
            np.ones(n), tag, heading, link, chrome, article, content,
            _shift(link, -1, -1.0), _shift(link, 1, -1.0), _shift(chrome, -1, -1.0), _shift(chrome, 1, -1.0),
            _shift(tag, -1, -1.0), _shift(tag, 1, -1.0),
            np.full(n, float((article * weights).sum())), np.full(n, float((content * weights).sum())),
            _dom_columns(facts, words, prose, tag),
        ])
    return np.column_stack([base, np.column_stack(ctx_cols), html_cols])


# ------------------------------------------------------------------ model

SURE_ARTICLE = 0.7  # a first-model probability this high marks a sure article line for the distances
_LOG_WORDS_AT = BASE_FEATURES.index("log_words")


def probability_context(X: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """The columns of PROBA_FEATURES for a page's lines: the first model's
    probability of each line and of its neighbours, its means over windows,
    the share of the page's likely article words above and below the line,
    the lines up and down to the nearest sure article line, and two figures
    of the whole page. Article and chrome come in runs: where a line sits
    among its neighbours' probabilities says more than their features."""
    n = len(proba)
    columns = [proba] + [_shift(proba, k, 0.0) for k in PROBA_OFFSETS]
    columns += [_window_mean(proba, radius) for radius in (2, 5, 10)]
    mass = proba * np.expm1(X[:, _LOG_WORDS_AT])  # expected article words of each line
    total = mass.sum() + 1e-9
    above = np.cumsum(mass) - mass
    columns += [above / total, (total - above - mass) / total]
    columns += _distances_up_down(proba > SURE_ARTICLE)
    columns += [np.full(n, proba.mean()), np.full(n, (mass / total).max())]
    return np.column_stack(columns)


class TreeModel:
    """Gradient-boosted trees over some of ``SECOND_FEATURES`` (``features``:
    a first model's are all in ``FEATURES``), evaluated with numpy.

    Every tree is padded to one node table; ``feature``/``threshold`` send a
    row to ``left`` when ``x <= threshold`` (a leaf points to itself), and
    the leaves' ``value``s add up to a log-odds.
    """

    def __init__(self, spec: dict):
        self.features = spec["features"]
        self.depth = int(spec["depth"])
        self.baseline = float(spec["baseline"])
        self.feature = np.array(spec["feature"], dtype=np.intp)
        self.split = np.array(spec["split"], dtype=float)
        self.left = np.array(spec["left"], dtype=np.intp)
        self.right = np.array(spec["right"], dtype=np.intp)
        self.value = np.array(spec["value"], dtype=float)
        # (FEATURES is where SECOND_FEATURES starts: the first model's columns are the same in both)
        self.columns = np.array([SECOND_FEATURES.index(name) for name in self.features], dtype=np.intp)
        # The trees laid out level by level: at level d a tree has 2**d slots,
        # the children of slot i are slots 2i (left) and 2i + 1 (right) of
        # level d + 1, and a leaf above the last level fills every slot below
        # it. Tree t's slot i is entry t * 2**d + i of the level's flat table,
        # so a row's next entry is 2 * entry (+ 1 to the right): no child
        # table to look up. One ``take`` per table walks every row down every
        # tree at once.
        n_trees = self.feature.shape[0]
        self.tree_ids = np.arange(n_trees, dtype=np.intp)[None, :]
        # (feature, split) per level, flat; features as columns of the whole matrix (no copy of the model's)
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []
        slots = np.zeros((n_trees, 1), dtype=np.intp)  # each tree's node in each slot of the level
        trees = np.arange(n_trees)[:, None]
        for _ in range(self.depth):
            self.levels.append((self.columns[self.feature[trees, slots]].ravel(), self.split[trees, slots].ravel()))
            # (a leaf is its own left and right child)
            slots = np.stack([self.left[trees, slots], self.right[trees, slots]], axis=-1).reshape(n_trees, -1)
        self.leaf_value = self.value[trees, slots].ravel()

    def proba(self, X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X)
        n_rows, n_columns = X.shape
        row_starts = (np.arange(n_rows, dtype=np.intp) * n_columns)[:, None]
        flat_x = X.ravel()
        entry = np.repeat(self.tree_ids, n_rows, axis=0)  # (rows, trees): each row at every tree's root
        for feature, split in self.levels:
            go_left = flat_x.take(row_starts + feature.take(entry)) <= split.take(entry)
            entry <<= 1  # (in place: no new array per level)
            entry += ~go_left
        logit = self.baseline + self.leaf_value.take(entry).sum(axis=1)
        return 1.0 / (1.0 + np.exp(-logit))


class LineClassifier:
    """The line model of one input kind: trees over FEATURES, then, when the
    spec holds a ``second`` model, trees over SECOND_FEATURES that take a
    second look at each line with the first model's probabilities around it
    (stacking: the second model was trained on out-of-fold probabilities of
    the first, as it meets them on pages never seen)."""

    def __init__(self, spec: dict):
        self.first = TreeModel(spec)
        self.second = TreeModel(spec["second"]) if "second" in spec else None
        self.threshold = float(spec["decision_threshold"])

    def proba(self, X: np.ndarray) -> np.ndarray:
        proba = self.first.proba(X)
        if self.second is None:
            return proba
        return self.second.proba(np.column_stack([X, probability_context(X, proba)]))


@lru_cache(maxsize=1)
def load_models() -> dict[str, LineClassifier]:
    spec = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return {name: LineClassifier(model) for name, model in spec["models"].items()}


def content_probability(doc: Document, lines: list[Line], ctx: RuleContext) -> tuple[np.ndarray, float]:
    """P(article) for each of ``lines`` (non-blank), with the model for the input's kind,
    and the model's decision threshold."""
    X = features(doc, lines, ctx)
    models = load_models()
    model = models["html"] if X[0, FEATURES.index("html")] > 0 and "html" in models else models["txt"]
    return model.proba(X), model.threshold


# ------------------------------------------------------------- decisions

MIN_LINES = 3  # shorter texts are left alone: there is no page around them
TITLE_REACH = 4  # lines above the first paragraph searched for the headline


def _first_paragraph(lines: list[Line], indices) -> int | None:
    """The first of ``indices`` (in their order) whose line is a body paragraph, or None."""
    return next((int(i) for i in indices if is_body(lines[i].text)), None)


def _not_a_headline(text: str) -> bool:
    """A line the rules call chrome, however title-like: a date or byline, a
    photo credit, a chrome phrase ("Skip to main content")."""
    s = text.strip()
    return is_dated(s) or _media_credit(s, s.lower()) or _chrome_reason(s) is not None


def _keep_inside_run(lines: list[Line], keep: np.ndarray, headings: frozenset[int] = frozenset()) -> np.ndarray:
    """Short lines between kept lines of the article (headings, list items) stay,
    and so does the headline above the first paragraph. ``headings``: indices
    of lines the HTML marks as <h1>/<h2>."""
    kept = np.flatnonzero(keep)
    if len(kept) == 0:
        return keep
    keep = keep.copy()
    for a, b in zip(kept[:-1], kept[1:]):
        if 1 < b - a <= 3:
            gap = range(a + 1, b)
            if all(word_count(lines[i].text) <= 12 and not _link_like(lines[i].text) for i in gap):
                keep[list(gap)] = True
    # The headline: the nearest title-like line a few lines above the first
    # paragraph (a kept date or byline above that paragraph must not hide it,
    # and no line the rules call chrome is one: a credit, a byline, "Skip to content").
    # A photo caption often sits between the two: a title the page prints
    # twice wins, then a top-level HTML heading, then the least caption-like line.
    first = _first_paragraph(lines, kept)
    if first is None:
        first = int(kept[0])
    candidates = []
    for i in range(first - 1, max(first - 1 - TITLE_REACH, -1), -1):
        text = lines[i].text
        if _not_a_headline(text):
            continue
        if i in headings or (_title_like(text) and not _SENTENCE_END.search(text) and not _link_like(text)):
            candidates.append(i)
    if candidates:
        above = [lines[j].text.strip() for j in range(max(first - 1 - 2 * TITLE_REACH, 0), first)]

        def rank(c: int) -> tuple:
            return (above.count(lines[c].text.strip()) < 2, c not in headings,
                    caption_score(lines[c].text, chrome_seen=True), first - c)

        i = min(candidates, key=rank)
        keep[i] = True
        # A page that prints its title twice keeps the first copy (headers drops the repeat).
        title = lines[i].text.strip()
        for j in range(i - 1, max(i - 1 - TITLE_REACH, -1), -1):
            if lines[j].text.strip() == title:
                keep[j] = True
    return keep


INSIDE_THRESHOLD = 0.3
INSIDE_RUN = 4


def _spare_inside_article(lines: list[Line], proba: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Between the first and the last paragraph of the article, a line goes
    only when the classifier is sure (P below ``INSIDE_THRESHOLD``) or when it
    is part of a run of ``INSIDE_RUN`` or more doubtful lines (a "related"
    box): an article's own short lines (list items, prices, credits) look
    like chrome out of context."""
    # Only the first and the last paragraph matter: looked for from each end.
    kept = np.flatnonzero(keep).tolist()
    first = _first_paragraph(lines, kept)
    if first is None:
        return keep
    last = _first_paragraph(lines, kept[::-1])
    if last == first:
        return keep
    keep = keep.copy()
    for i, j in _dropped_runs(keep, first + 1, last):
        if j - i < INSIDE_RUN:
            keep[i:j] = proba[i:j] >= INSIDE_THRESHOLD
    return keep


def _dropped_runs(keep: np.ndarray, start: int, stop: int):
    """``(i, j)`` of each maximal run ``keep[i:j]`` of dropped lines within ``[start, stop)``."""
    i = start
    while i < stop:
        if keep[i]:
            i += 1
            continue
        j = i
        while j < stop and not keep[j]:
            j += 1
        yield i, j
        i = j


# Above the article's first paragraph a line needs this P(article) to count as
# kept by the model (the headline is picked separately, see _keep_inside_run).
# Chosen on the held-out chrome pages (0.7 and 0.8 alike, 0.9 worse).
PRE_ARTICLE_THRESHOLD = 0.8


def _doubtful_above_article(lines: list[Line], proba: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Above the first paragraph the model keeps, a line below
    ``PRE_ARTICLE_THRESHOLD`` is only doubtful: what sits above an article
    is the page's header (menus, teasers, kickers, credits) unless the
    classifier is sure, and its long neighbour below lifts such lines. As
    doubtful lines, they go with a run that holds a sure chrome line
    (``_doubtful_join_sure``)."""
    first = _first_paragraph(lines, np.flatnonzero(keep).tolist())
    if not first:  # (None, or 0: nothing above it)
        return keep
    keep = keep.copy()
    keep[:first] &= proba[:first] >= PRE_ARTICLE_THRESHOLD
    return keep


# Below this P(article) the classifier is sure a line is chrome. Chosen on
# the chrome and spam dev sets together: 0.05-0.08 keep every line of the
# spam set's clean articles at a cost of <0.005 chrome F1; 0.12 already loses some.
SURE_CHROME = 0.08


def _doubtful_join_sure(proba: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Hysteresis: a doubtful line (below the threshold, above ``SURE_CHROME``)
    goes only with a run of lines below the threshold that holds a line the
    classifier is sure of. Chrome comes in runs with clear members (a menu,
    a footer); an article's odd short line sits alone among prose."""
    keep = keep.copy()
    for i, j in _dropped_runs(keep, 0, len(keep)):
        if proba[i:j].min() >= SURE_CHROME:
            keep[i:j] = True
    return keep


COPY_MIN_WORDS = 150  # a line this long may be a copy of the article run together (paragraphs are shorter)
COPY_PART_WORDS = 8  # kept lines at least this long count as parts of such a copy


def _drop_article_copies(lines: list[Line], keep: np.ndarray, why: dict[int, str] | None = None) -> np.ndarray:
    """A long line that holds two or more of the other kept lines word for
    word is the article again in one line (a page's metadata, "articleBody",
    printed as text), not more of it: it goes."""
    kept = np.flatnonzero(keep)
    # (a line of n words split at spaces has at least 2n - 1 characters: most
    # lines are ruled out uncounted; Chinese or Japanese pseudo-words may be shorter)
    long = [int(i) for i in kept if (len(lines[i].text) >= 2 * COPY_MIN_WORDS - 1 or has_unspaced(lines[i].text))
            and word_count(lines[i].text) >= COPY_MIN_WORDS]
    if not long:
        return keep
    norm = {int(i): " ".join(lines[i].text.split()) for i in kept}
    parts = {i: t for i, t in norm.items() if word_count(t) >= COPY_PART_WORDS}
    keep = keep.copy()
    for i in long:
        text = norm[i]
        found = 0
        for j, part in parts.items():
            if j != i and len(part) < len(text) and part in text:
                found += 1
                if found >= 2:
                    keep[i] = False
                    if why is not None:
                        why[i] = "the article again in one line (it holds other lines of the article word for word)"
                    break
    return keep


TEASER_RUN = 3  # lines in a row, each a headline run into its teaser's dateline, that make a list of stories


@lru_cache(maxsize=1 << 16)  # (asked of each line by the features and again in each cleaning round)
def _glued_dateline(text: str) -> bool:
    """A headline run into the dateline of its teaser ("Storm hits coast MIAMI: Forecasters ...")."""
    s = text.strip()
    return (":" in s or "(" in s) and bool(_GLUED_DATELINE.match(s))


def _drop_teaser_runs(lines: list[Line], keep: np.ndarray, why: dict[int, str] | None = None) -> np.ndarray:
    """TEASER_RUN or more lines in a row that each run a headline into the
    dateline of a story ("Storm hits coast MIAMI: Forecasters said ...") are
    a ticker or a list of other stories, scraped with the title and the lede
    of each on one line. An article opens with its dateline once, and never
    puts one inside a line: the whole run goes."""
    glued = np.fromiter((_glued_dateline(line.text) for line in lines), dtype=bool, count=len(lines))
    if glued.sum() < TEASER_RUN:
        return keep
    keep = keep.copy()
    for i, j in _dropped_runs(~glued, 0, len(lines)):  # (the runs of glued lines)
        if j - i >= TEASER_RUN:
            if why is not None:
                why.update((k, f"a list of other stories: {j - i} headlines in a row run into their "
                               "stories' datelines") for k in range(i, j) if keep[k])
            keep[i:j] = False
    return keep


ANNOUNCED_REACH = 60  # lines after an announcing line ("... on Amazon:") searched for its list
ANNOUNCING_WORDS = 10  # a dropped line this long ending in a colon is a sentence, not a label ("Share this:")


def _keep_announced_lists(lines: list[Line], proba: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """A kept line ending in a colon announces what follows ("Here are the
    offers:"): the lines after it stay up to the first the classifier is sure
    is chrome. A list of product names and links looks like chrome out of context.
    So does the sentence announcing it, when it ends the article: a sentence
    ending in a colon right after a kept line announces too, unless the
    classifier is sure it is chrome."""
    colon = [i for i, line in enumerate(lines) if line.text.rstrip().endswith(":")]
    if not colon:
        return keep
    keep = keep.copy()
    for i in colon:
        if (not keep[i] and i > 0 and keep[i - 1] and proba[i] >= SURE_CHROME
                and word_count(lines[i].text) >= ANNOUNCING_WORDS):
            keep[i] = True
    announcing = [i for i in colon if keep[i]]
    if not announcing:
        return keep
    spared = keep.copy()
    for i in announcing:
        for j in range(i + 1, min(i + 1 + ANNOUNCED_REACH, len(lines))):
            if keep[j] or proba[j] < SURE_CHROME:
                break
            spared[j] = True
    return spared


_NUMBERED_ITEM = re.compile(r"\s*(\d{1,3})[.)]\s+\S")
NUMBERED_GAP = 2  # lines an item may hold below its number line (its link, a second line)


def _keep_numbered_lists(lines: list[Line], keep: np.ndarray) -> np.ndarray:
    """A kept numbered item ("1) Lego Star Wars", "4. What does it cost?")
    carries its list on: the item numbered next, found within
    ``NUMBERED_GAP`` lines below it, stays with the lines between them, and so
    on down the list. The numbering ties the items together; the classifier,
    judging each line, drops a list's short items and bare links."""
    numbers = {}
    for i, line in enumerate(lines):
        if (m := _NUMBERED_ITEM.match(line.text)) is not None:
            numbers[i] = int(m.group(1))
    if len(numbers) < 2:
        return keep
    spared = keep.copy()
    followed = set()  # items already reached down a list (each list is walked once)
    for first in numbers:  # (in line order)
        if first in followed or not spared[first]:
            continue
        item = first
        while (after := _next_item(numbers, item, len(lines))) is not None:
            spared[item + 1:after + 1] = True
            followed.add(after)
            item = after
    return spared


def _next_item(numbers: dict[int, int], item: int, n_lines: int) -> int | None:
    """The line of the item numbered after ``item``'s, within NUMBERED_GAP lines below it."""
    wanted = numbers[item] + 1
    return next((j for j in range(item + 1, min(item + 2 + NUMBERED_GAP, n_lines)) if numbers.get(j) == wanted),
                None)


def kept_lines(doc: Document, lines: list[Line], proba: np.ndarray, threshold: float,
               why: dict[int, str] | None = None) -> np.ndarray | None:
    """Which of ``lines`` stay, or None when the classifier found no article
    at all (the page is then left to the rules). ``why``, if given, gets the
    reason for each line that a rule drops whatever the model says of it."""
    keep = proba >= threshold
    if not keep.any():
        return None
    keep = _doubtful_above_article(lines, proba, keep)
    keep = _doubtful_join_sure(proba, keep)
    keep = _spare_inside_article(lines, proba, keep)
    keep = _keep_announced_lists(lines, proba, keep)
    keep = _keep_numbered_lists(lines, keep)
    facts = _line_facts(doc, lines)
    headings = frozenset() if facts is None else _top_headings(facts)
    keep = _keep_inside_run(lines, keep, headings)
    keep = _drop_after_cue_heading(lines, keep, why)
    keep = _drop_after_two_cue_headings(lines, proba, keep, why)
    keep = _drop_article_copies(lines, keep, why)
    return _drop_teaser_runs(lines, keep, why)


def _drop_after_cue_heading(lines: list[Line], keep: np.ndarray, why: dict[int, str] | None = None) -> np.ndarray:
    """A cue heading ("Related coverage", "More stories", "You may also like")
    kept below the article's last paragraph opens the site's links to other
    pages: it goes, and so does every kept line below it."""
    kept = np.flatnonzero(keep).tolist()
    last = _first_paragraph(lines, kept[::-1])
    if last is None:
        return keep
    cue = next((i for i in kept if i > last and is_cue_heading(lines[i].text)), None)
    if cue is None:
        return keep
    heading = " ".join(lines[cue].text.split())
    return _drop_from(cue, keep, why, f"below the article, under the heading \"{heading}\" that opens links to "
                                      "other pages")


def _drop_from(start: int, keep: np.ndarray, why: dict[int, str] | None, reason: str) -> np.ndarray:
    """``keep`` with every line from ``start`` on dropped; each kept line that goes gets ``reason`` in ``why``."""
    if why is not None:
        why.update((i, reason) for i in (np.flatnonzero(keep[start:]) + start).tolist())
    keep = keep.copy()
    keep[start:] = False
    return keep


# Below two cue headings, a line the classifier is this sure of is the article
# going on (SURE_ARTICLE, lower, marks the article's lines for the distance features).
SURE_ARTICLE_BELOW_CUES = 0.9


def _drop_after_two_cue_headings(lines: list[Line], proba: np.ndarray, keep: np.ndarray,
                                 why: dict[int, str] | None = None) -> np.ndarray:
    """Two or more different cue headings kept below the article's first paragraph
    ("Related links:", then "Top stories") with no line the classifier is
    sure of (SURE_ARTICLE_BELOW_CUES) from the first of them on: the site's links to
    other stories start at that first heading, whatever prose their teasers
    hold. (One cue heading alone may be an article's own "Read also" link
    with the article going on below it, in lines the model doubts.)"""
    kept = np.flatnonzero(keep).tolist()
    first = _first_paragraph(lines, kept)
    if first is None:
        return keep
    cues = [i for i in kept if i > first and is_cue_heading(lines[i].text)]
    # (two different headings: a teaser list's "Read more" under each item is one button, repeated)
    if len({normalized_line(lines[i].text) for i in cues}) < 2:
        return keep
    start = cues[0]
    if (proba[start + 1:][keep[start + 1:]] >= SURE_ARTICLE_BELOW_CUES).any():
        return keep
    heading = " ".join(lines[start].text.split())
    return _drop_from(start, keep, why, f"below the article, from the heading \"{heading}\": {len(cues)} headings "
                                        "that open links to other pages, and no line sure to be the article's")


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def text_lines(doc: Document) -> list[Line]:
    """The lines that show something: blank lines and lines of only
    zero-width characters (spacers some sites put between paragraphs) are
    left out, so they don't break up the article's run."""
    return [line for line in doc.lines() if line.text.strip().strip(_INVISIBLE).strip()]


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    lines = text_lines(doc)
    if len(lines) < MIN_LINES:
        return []
    proba, threshold = content_probability(doc, lines, ctx)
    why: dict[int, str] = {}
    keep = kept_lines(doc, lines, proba, threshold, why)
    if keep is None:
        return []
    edits = []
    # (as Python floats and bools: numpy scalars are slow to iterate and to format)
    for i, (line, p, kept) in enumerate(zip(lines, proba.tolist(), keep.tolist())):
        if kept:
            continue
        start, end = line_span(line, doc.text)
        reason = f"page chrome by the line classifier (P(article) = {p:.2f})"
        if i in why:
            reason = f"{why[i]} (P(article) = {p:.2f})"
        edits.append(Edit(start, end, RULE, reason,
                          round(1.0 - float(p), 3)))
    return edits
