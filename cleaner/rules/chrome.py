"""Short page-chrome lines: reactions, share/follow/subscribe prompts,
cookie and copyright notices, "Categories"/"Tags" footers, and lines the
corpus repeats across many documents (a site's template).

A line is judged whole: it must be short and match a phrase or shape; body
sentences that merely mention sharing or cookies are left alone.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..document import Document, Edit, Line, line_span
from ..line_counts import counts_of
from . import RuleContext
from .language import letter_count



@lru_cache(maxsize=1 << 16)
def normalize_line(text: str) -> str:
    """The key a line is counted under across the corpus.

    Casefolded, whitespace collapsed, stripped. Curly apostrophes become
    straight ones so that two renderings of one template line agree.
    """
    # str.replace and split/join: the same result as translate and a \s+ regex, several times faster
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    return " ".join(text.casefold().split())


# normalize_line, cached for a document's lines: the corpus survey, then the
# line classifier in each cleaning round, normalise the same lines (and a
# site's template lines recur across its pages).
normalized_line = lru_cache(maxsize=1 << 16)(normalize_line)


# Lines that open a comment form or say the comments are closed: below
# them, no reader's post (the comments detector ends a thread there).
THREAD_ENDS = {
    "leave a comment", "leave a reply", "post a comment", "add a comment", "write a comment",
    "leave a reply cancel reply", "leave a comment cancel reply", "cancel reply",
    "comments are closed", "comments are currently closed", "comments closed",
    # the same in WordPress's translations
    "lascia un commento", "lascia un commento annulla risposta", "annulla risposta",
    "schreibe einen kommentar", "antworten abbrechen", "schreibe einen kommentar antworten abbrechen",
    "laisser un commentaire", "annuler la réponse", "laisser un commentaire annuler la réponse",
    "deja un comentario", "cancelar respuesta", "deja una respuesta", "deja una respuesta cancelar la respuesta",
    "deixe um comentário", "cancelar resposta", "deixe uma resposta", "deixe uma resposta cancelar resposta",
}

# Whole-line phrases (compared after normalize_line and dropping trailing
# punctuation such as ':' or '?').
_PHRASES = THREAD_ENDS | {
    # reactions, comments
    "what's your reaction", "your reaction", "no comments", "0 comments", "comments", "add comment",
    "be the first to comment", "like this", "like", "loading...", "loading", "like loading",
    # audio widgets
    "listen to this article", "listen to this story", "listen to article", "listen to the article",
    # share / follow / subscribe
    "share", "share this", "share this article", "share this post", "share this story",
    "share on facebook", "share on twitter", "share on x", "share on linkedin",
    "share via email", "share article", "tweet", "pin it", "email", "print",
    "print this article", "click to share", "follow us", "follow us on social media",
    "subscribe", "subscribe now", "sign up", "newsletter", "sign up for our newsletter",
    "subscribe to our newsletter", "join our newsletter", "get our newsletter",
    "teilen", "artikel teilen", "folgen sie uns", "newsletter abonnieren",
    "partager", "partager cet article", "suivez-nous", "abonnez-vous",
    "inscrivez-vous à notre newsletter", "compartir", "compartir en facebook",
    "síguenos", "suscríbete", "suscríbete a nuestro boletín", "condividi",
    "seguici", "iscriviti", "iscriviti alla newsletter", "compartilhe", "compartilhar",
    "siga-nos", "assine", "assine nossa newsletter",
    # a share or follow button labelled with its network's name alone ("X" and
    # "TikTok" are left out: the first is a letter, the second a subject of articles)
    "facebook", "twitter", "linkedin", "pinterest", "reddit", "instagram", "youtube", "flipboard",
    "whatsapp", "tumblr",
    # navigation
    "skip to main content", "skip to content", "skip to navigation", "back to top",
    "scroll to top", "go to top", "previous article", "next article", "previous post",
    "next post", "older posts", "newer posts", "older entries", "newer entries", "main menu", "menu",
    "toggle navigation", "open menu", "close menu", "on this page",
    "search", "log in", "login", "sign in", "register",
    "zum inhalt springen", "aller au contenu", "ir al contenido", "vai al contenuto",
    "article précédent", "article suivant", "vorheriger artikel", "nächster artikel",
    # the same in Chinese, Japanese and Korean
    "分享", "分享到", "分享至", "返回顶部", "回到顶部", "返回頂部", "登录", "注册", "登入", "註冊", "打印", "列印",
    "搜索", "搜尋", "打印本页", "关注我们", "關注我們", "扫一扫", "阅读全文", "閱讀全文", "查看更多", "加载更多",
    "シェア", "ツイート", "ログイン", "新規登録", "会員登録", "ページトップへ", "トップへ戻る", "ページの先頭へ",
    "印刷する", "続きを読む", "もっと見る", "検索",
    "공유하기", "로그인", "회원가입", "맨 위로", "인쇄하기", "더보기", "검색", "구독하기",
    # ads
    "advertisement", "advertising", "sponsored", "sponsored content", "ad",
    "anzeige", "werbung", "publicité", "publicidad", "pubblicità", "publicidade",
    # buttons and links of the page's template (calls to action, list controls)
    "read more", "learn more", "see more", "show more", "load more", "view more", "view all", "see all",
    "continue reading", "keep reading", "click here", "get started", "get the app", "shop now", "book now",
    "try now", "try it free", "try for free", "get a demo", "request a demo", "sign up for free", "see it",
    "get it now", "expand", "collapse", "close", "post navigation", "no items found", "loading paragraph",
    # the markers an ad slot leaves in the article's text
    "continue reading the main story", "continue reading below", "advertisement - continue reading below",
    "story continues below advertisement", "article continues below advertisement", "story continues below",
    "article continues below", "scroll to continue with content", "advertisement - scroll to continue",
    # comment forms (besides THREAD_ENDS), and the labels of contact and sign-up forms
    "reply", "post comment", "submit", "submit comment",
    "email address", "your name", "your email", "your email address", "your message", "first name", "last name",
    "this field is hidden when viewing the form",
    # cookies
    "accept cookies", "accept all cookies", "accept all", "reject all", "cookie settings",
    "manage cookies", "cookie policy", "privacy policy", "terms of use",
    "terms and conditions", "i agree", "got it",
    # the consent banners of cookie-consent managers: their categories and buttons
    "cookie consent", "privacy preferences", "manage preferences", "manage consent", "cookie preferences",
    "reject all cookies", "allow all cookies", "allow all", "deny", "essential cookies", "necessary cookies",
    "strictly necessary cookies", "functional cookies", "performance cookies", "analytics cookies",
    "marketing cookies", "targeting cookies", "personalization cookies", "advertising cookies",
    # article tools, and the hidden fields of comment forms (WordPress's anti-spam "Δ")
    "print article", "order reprints", "reprints", "text size", "leave this field blank", "δ",
    # newsletter boxes' confirmations, share bars' slogans
    "thanks for signing up", "thank you for signing up", "thanks for subscribing", "thank you for subscribing",
    "see all newsletters", "sharing is caring", "back to gallery",
    # pagers and carousels' buttons (no dev truth holds one as a line of its own)
    "next", "previous", "prev", "next page", "previous page",
}

# Footer headings: the heading and the short lines right after it go.
_FOOTER_HEADINGS = {
    "categories", "category", "tags", "tagged", "tagged with", "topics", "related posts",
    "related articles", "related stories", "related", "you may also like",
    "you might also like", "more stories", "more from", "read next", "popular posts",
    "recent posts", "trending", "share this", "filed under", "posted in",
    "kategorien", "kategorie", "schlagwörter", "themen", "ähnliche artikel",
    "catégories", "catégorie", "étiquettes", "mots-clés", "articles similaires",
    "categorías", "categoría", "etiquetas", "artículos relacionados",
    "categorie", "tag", "articoli correlati", "categorias", "artigos relacionados",
}

_RIGHTS = re.compile(r"\b(all rights reserved|tous droits réservés|alle rechte vorbehalten|"
                     r"todos los derechos reservados|tutti i diritti riservati|"
                     r"todos os direitos reservados)\b")
_RIGHTS_HINT = re.compile("reserv|réserv|vorbehalten|riserv")  # each of its phrases holds one

# Shapes: patterns over the normalised line (no anchoring beyond what is written).
_PATTERNS = [
    (re.compile(r"^(©|\(c\)|copyright\b)"), "copyright notice"),
    (_RIGHTS, "rights notice"),
    (re.compile(r"^(click to )?(share|teilen|partager|compartir|condividi|compartilhe)\b.{0,30}\b"
                r"(facebook|twitter|linkedin|whatsapp|telegram|email|e-mail|pinterest|reddit|bluesky|"
                r"threads|mastodon|tumblr|pocket|flipboard|vk|messenger|nextdoor)\b"),
     "share prompt"),
    # share/print/email buttons labelled for screen readers ("Click to print (Opens in new window) Print")
    (re.compile(r"^click to (share|email|e-mail|print|tweet|pin|save)\b.{0,60}\(opens in (a )?new (window|tab)\)"),
     "share prompt"),
    (re.compile(r"^(follow|folgen sie|suivez|síguenos|seguici|siga)\b.{0,25}\b"
                r"(on|us|uns|nous|en|su|no)\b.{0,30}(facebook|twitter|instagram|x|linkedin|"
                r"youtube|telegram|tiktok|social media|réseaux sociaux|redes sociales)\b"),
     "follow prompt"),
    (re.compile(r"^(sign up|subscribe|join|register)\b.{0,40}\b(newsletter|mailing list|"
                r"updates|inbox)\b"), "newsletter prompt"),
    (re.compile(r"^(skip to|zum inhalt|aller au|ir al|vai al)\b"), "skip link"),
    # a link back to the previous post ("← Trying Out A New Recipe", "« Older post"); a French
    # quotation opens with « too, but closes it or ends as a sentence
    (re.compile(r"^([←‹]|«(?!.*»))\s*\S.{0,120}(?<![.!?:;,…\"”])$"), "post navigation"),
    (re.compile(r"^(your email address will not be published|required fields are marked|"
                r"save my name, email,? and website in this browser|notify me of (follow-up comments|new posts)|"
                r"this site uses akismet to reduce spam|you must be logged in to post a comment)\b"),
     "comment form"),
    (re.compile(r"^((image|photo|photograph|picture|video|illustration|(header|featured|cover|top|lead) image)s? )?"
                r"(credit|credits|courtesy)\s*:\s*\S.{0,70}$"), "media credit"),
    # a picture's source line ("Image source: Getty Images.", "Image by Jane Doe via Example", "Photo by
    # ..."; a sentence "Photos by the dozen were taken." ends as one)
    (re.compile(r"^((header|featured|cover|top|lead) )?(image|photo|photograph|picture|illustration|graphic)s? "
                r"(source\s*:?\s+\S.{0,80}|(by|via)\s+\S.{0,80}(?<![.!?]))$"), "media credit"),
    # a gallery's counter ("Image 2 of 5"), a page's machine timestamp ("2019-11-19T08:57:40+01:00")
    (re.compile(r"^(image|photo|picture|slide)\s+\d+\s*(of|/)\s*\d+$"), "gallery counter"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$"), "machine timestamp"),
    # a teaser's link, labelled for screen readers with the story's title ("Read more about Rankings Rise")
    (re.compile(r"^read more about\b.{1,120}(?<![.!?:;,…\"”])$"), "teaser link"),
    (re.compile(r"^as an amazon associate,? (i|we) earn from qualifying purchases\b"), "affiliate notice"),
    (re.compile(r"^(tags?|tagged|schlagwörter|étiquettes|etiquetas|mots-clés)\s*:\s*\S"),
     "tag list"),
    (re.compile(r"^((posted|filed) (in|under)\s*:?|categor(y|ies)\s*:)\s*\S.{0,60}$"), "category line"),
    (re.compile(r"^our standards: ?the thomson reuters trust principles"), "agency credits"),
    # the site's engine or host in its footer ("Powered by WordPress", "Proudly powered by MongoDB")
    (re.compile(r"^(proudly )?powered by [^.!?]{1,30}$"), "platform credit"),
    # the reporter's address under a news story ("Write to Jane Doe at jane.doe@example.com")
    (re.compile(r"^(write to|e-?mail|contact|reach) ([\w'’.-]+ ){1,4}(at|via) \S+@\S+\.\w"), "author contact"),
    # a widget's or a form's own message, scraped with the page ("Oops! Something went wrong while
    # submitting the form.", "An error has occurred, please try again later."); a sentence
    # opening "Something went wrong with the rocket ..." goes on, so the message must end there
    (re.compile(r"^(oops!? )?(an error (has )?occurred|there was an error|something went wrong)"
                r"( while submitting( the| your)? form| during processing your message| with the connection)?"
                r"[.!,]*( please try again( later)?[.!]*)?$|^please enable javascript in your browser\b"),
     "widget message"),
    (re.compile(r"^(this|the) (article|story|post|piece|column|report) (was )?(originally|first) "
                r"(appeared|published|posted|ran) (on|in|at|by)\b"), "syndication notice"),
]
# A form field's label marked as required ("First Name *", "Your Preferred Campus*"); a
# table's column may carry a footnote's asterisk ("Top States Score*"), so the label
# must address the reader or name what forms ask for. (Tried only on lines ending in "*".)
_FORM_FIELD = re.compile(r"^(?=your |.*\b(name|e-?mail|phone|telephone|password|address|company|organi[sz]ation|"
                         r"message|budget|zip|postcode|postal code|country|website|subject|city|state)\b)"
                         r"[^\W\d_][\w /()'’&-]{0,45}\*$")
# Every shape but _RIGHTS is anchored at the line's start: one match of them
# all together, and _RIGHTS only on lines holding a word of it, tell whether
# any shape matches (most lines: none) before they are tried in order.
_ANCHORED_SHAPES = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _PATTERNS if p is not _RIGHTS))
assert all(p.pattern.startswith("^") and not p.flags & re.MULTILINE for p, _ in _PATTERNS if p is not _RIGHTS)


def _may_match_shape(norm: str) -> bool:
    return bool(_ANCHORED_SHAPES.match(norm)) or bool(_RIGHTS_HINT.search(norm) and _RIGHTS.search(norm))


_COOKIE = re.compile(r"\b((this |our )?(web)?site uses cookies|we use cookies (to|on|for)|"
                     r"accept (all )?cookies|cookie (policy|settings|preferences|consent|banner)|"
                     r"(use|usage) of cookies|consent to (the use of )?cookies|"
                     r"by (continuing|using) (to (use|browse) )?(this|our) (site|website))\b")
# The standard texts of consent managers (OneTrust, IAB TCF, GDPR Cookie
# Consent): long lines too, as no article sentence reads like them.
_CONSENT = re.compile(r"\b(we use cookies and (other )?(similar )?(tracking )?technologies|storing of cookies on your device|"
                      r"partners store and/or access information on a device|cookies seem to be disabled|"
                      r"please enable (\w+ )?cookies|^cookielawinfo-|"
                      r"^(necessary cookies are absolutely essential|functional cookies help to perform|"
                      r"performance cookies are used to understand|analytical cookies are used to understand|"
                      r"advertisement cookies are used to provide|other uncategori[sz]ed cookies are))\b")
CONSENT_MAX_WORDS = 120

# A site's legal disclaimer under its pages: "The information on this site is
# for informational purposes only and does not constitute medical advice.
# Consult your doctor ...", "Past performance is no guarantee of future results."
# One of these may be an article's own sentence ("41% of registered investment
# advisors ..."); a disclaimer strings several together.
_DISCLAIMER_CUES = re.compile(
    r"\b(is not intended (to|as)|(is|are) (provided )?for (general )?(informational|information|educational)"
    r"( and (educational|informational))? purposes only|for general information only|(does|do) not constitute|"
    r"should not be (construed|considered|relied|used as)|"
    r"(consult|seek the advice of|advice (of|from)) (a|an|your) (qualified|licensed|professional|financial|tax|legal|"
    r"medical|doctor|physician|attorney|health)|past performance|registered investment advis[eo]r|"
    r"not (financial|investment|legal|medical|tax) advice|not an offer to (buy|sell)|involves? risk|"
    r"no (guarantee|warranty|representation)|assumes? no (responsibility|liability)|"
    r"(legal|tax|investment|financial|medical) advice|believed to be reliable|(is|are) not responsible for|"
    r"(do|does) not endorse|advertising on (our|this) (site|website) helps)")
# Every cue but "involves risk" holds one of these (a cheap test first).
_DISCLAIMER_HINT = re.compile("advi|purposes only|information only|constitute|not intended|should not be|"
                              "past performance|not an offer|no guarantee|no warranty|no representation|"
                              "no responsib|no liab|reliable|not responsible|endorse|advertising on")
DISCLAIMER_CUES = 2  # distinct cues in a line for it to be a disclaimer
DISCLAIMER_WORDS = (20, 150)  # its length in words
# A site's call to its newsletter, magazine, app or forum, opening the line or
# right after a teaser question ("Need more space? Subscribe to our sister
# title ... Magazine for the latest news", "Join our Space Forums to keep
# talking space", "Subscribe to the Example YouTube Channel for all the latest
# videos", "Click here to support it"). An article says "join the" and "sign
# up" too: the prompt must be imperative, addressed to the site's own (our/the)
# product; an imperative "Subscribe to ..." is one whatever it names (74 such
# lines in the dev pages, 1 in a truth: a podcast's "Subscribe to the ... Podcast!").
_PROMO_PROMPT = re.compile(
    r"(^|^[^.!?]{1,60}[.!?] )(((sign up|register) (to|for) (our|the)|(join|download) our)\b.{0,60}?"
    r"\b(magazine|forums?|(youtube )?channel|membership|app|newsletters?|community)\b"
    r"|subscribe to\b|click here to (support|subscribe|donate)\b)")
_PROMO_HINT = re.compile("subscribe|sign up|register|join our|download our|click here to")  # (a cheap test first)
PROMO_MAX_WORDS = 60


def _promotion(norm: str) -> bool:
    """Is the normalised line a site's call to its newsletter, app or forum?"""
    return bool(_PROMO_HINT.search(norm)) and bool(_PROMO_PROMPT.search(norm))


def _disclaimer(norm: str, n_words: int) -> bool:
    """Is the normalised line a site's legal disclaimer?"""
    if not DISCLAIMER_WORDS[0] <= n_words <= DISCLAIMER_WORDS[1] or not _DISCLAIMER_HINT.search(norm):
        return False
    return len({m.group(0) for m in _DISCLAIMER_CUES.finditer(norm)}) >= DISCLAIMER_CUES


# A photo's caption ends with its credit, in the agencies' and papers' forms:
# "... on July 25, 2019.J. Scott Applewhite / AP file", "(AP Photo/Evan Vucci)",
# "Photograph by Robyn Beck/AFP/Getty Images", "(Image: © NASA)", "... [File: Reuters]",
# "... Jane Doe/Moment via Getty Images", "... — via Wikimedia Commons", "Photo courtesy
# Example Architects", "..., 1930, Private collection, courtesy of the gallery", "...
# homes Photo Credit: Example Energy", "(Credit: Jane Doe)"; Reuters
# opens an archive picture's caption with "FILE PHOTO:". (Over the normalised line.)
_CAPTION_CREDIT = re.compile(
    r"(/ ?(ap|afp|reuters|getty images|epa|bloomberg|shutterstock|istock)( photo| file| images)?\)?"
    r"|\(ap photo\b[^)]*\)|\((photo|image)( credit)?: [^)]{2,60}\)"
    r"|\bphotograph(:| by) [^./]{2,40}/[^.]{2,40}|^file photo: .*"
    r"|^(photo|photograph|image|picture)s?:\s*[^.:]{2,50}|\((ap|afp|reuters|epa|getty images)\)"
    r"|[a-z)]\.(reuters|afp|getty images)|\bcredit(\.\.\.|…) ?[^.]{2,60}"
    r"|\[(file|photo|image|picture): [^\]]{2,40}\]|\[(ap|afp|reuters|epa|getty images)( photo)?\]"
    r"|\bvia (getty images|shutterstock|unsplash|pexels|wikimedia commons|flickr|istock(photo)?)"
    r"|^(image|photo|photograph|picture)s? courtesy( of)? .{2,60}|[,.] courtesy( of)? [^.!?]{2,60}"
    r"|(^|[a-z.!?] )(photo|image|picture|video) credits?: [^.|]{2,60}|\(credits?: [^)]{2,60}\))$")


# The news agencies' credits under a story: "Reporting by Jane Doe; additional
# reporting by ...; Editing by Tom Roe" (two credits at least: a sentence may open "Reporting by").
_CREDITS_START = ("reporting by", "(reporting by", "additional reporting by", "(additional reporting by")
_AGENCY_CREDITS = re.compile(r"\(?(additional )?reporting by [^;]{2,120}; (additional reporting|writing|editing) by ")

# A line that is one lower-case identifier of three or more hyphenated parts: a
# CSS class or a form field's name the scrape printed ("narrow-browser-and-phone",
# "cookielawinfo-checkbox-analytics"). Starting with a letter: phone numbers and dates are not.
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}$")


def _may_be_cookie_notice(norm: str) -> bool:
    """Every shape of _COOKIE holds one of these (plain substring tests, much
    cheaper than the unanchored pattern)."""
    return "cookie" in norm or "by continuing" in norm or "by using" in norm


_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*$")
_LIST_ITEM = re.compile(r"^\s*([-*•·–]|\d{1,3}[.)])\s+\S")


# Placeholder ("lorem ipsum") text a site template shows where its content
# goes: a page never means it. The words of the common filler passages; a
# line is filler when it names the passage ("lorem ipsum", "dolor sit amet",
# "consectetur adipiscing") and most of its words are these, so a sentence
# about lorem ipsum stays, and so does Latin prose (whose common words alone
# are a smaller share).
_FILLER_WORDS = frozenset("""
    lorem ipsum dolor sit amet consectetur consectetuer adipiscing adipisicing elit sed do eiusmod tempor
    incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco
    laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse
    cillum eu fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia
    deserunt mollit anim id est laborum suspendisse varius eros elementum tristique cursus mi viverra
    ornare interdum libero vitae erat aenean nibh justo rutrum imperdiet nunc sem risus posuere ligula
    mauris pellentesque integer donec etiam vivamus curabitur phasellus nullam praesent maecenas morbi
    fusce quisque vestibulum sapien lectus lacus tellus felis turpis metus purus massa neque ac at a
    sollicitudin ultrices ultricies facilisis fermentum malesuada porttitor dapibus dignissim
    condimentum convallis sagittis scelerisque tincidunt lobortis molestie mattis hendrerit accumsan
    auctor blandit bibendum egestas eleifend euismod feugiat gravida iaculis lacinia laoreet luctus
    pharetra placerat pretium pulvinar semper suscipit tempus tortor ullamcorper venenatis vulputate
    volutpat nec quam odio arcu diam leo urna orci dui nisl vel""".split())
_FILLER_NAMED = re.compile(r"\blorem ipsum\b|\bdolor sit amet\b|\bconsectetu?r adipi")
_FILLER_SHARE = 0.6
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _placeholder(norm: str) -> bool:
    """Is the normalised line placeholder text ("Lorem ipsum dolor sit amet, ...")?"""
    # (plain substring tests first: every name of the passage holds one)
    if not ("lorem" in norm or "amet" in norm or "adipi" in norm) or not _FILLER_NAMED.search(norm):
        return False
    words = _LETTER_RUN.findall(norm)
    return sum(w in _FILLER_WORDS for w in words) >= _FILLER_SHARE * len(words)


def _key(text: str) -> str:
    return normalize_line(text).rstrip(" :?!.…|»>›-–—→↓⬇️：？！。").lstrip(" <«‹←↑^")


def _words(text: str) -> int:
    return len(text.split())


@lru_cache(maxsize=1 << 16)
def _chrome_reason(text: str) -> str | None:
    """Why this line is chrome by itself, or None."""
    norm = normalize_line(text)
    if _placeholder(norm):  # (at any length: filler comes in paragraphs too)
        return "placeholder text"
    n_words = _words(norm)
    if not norm or n_words > 40:
        if n_words <= CONSENT_MAX_WORDS and "cookie" in norm and _CONSENT.search(norm):
            return "cookie notice"
        if n_words <= PROMO_MAX_WORDS and _promotion(norm):
            return "site promotion"
        return "legal disclaimer" if _disclaimer(norm, n_words) else None
    key = _key(text)
    if key in _PHRASES and n_words <= 8:
        return "page chrome phrase"
    if n_words <= 20 and _may_match_shape(norm):
        for pattern, reason in _PATTERNS:
            if pattern.search(norm):
                return reason
    if norm.endswith("*") and _FORM_FIELD.match(norm):
        return "form field"
    if _may_be_cookie_notice(norm) and (_COOKIE.search(norm) or _CONSENT.search(norm)):
        return "cookie notice"
    if (("/" in norm or "photo" in norm or "image" in norm or "credit" in norm or " via " in norm or "courtesy" in norm
         or norm.endswith((")", "]", "reuters", "afp")))
            and _CAPTION_CREDIT.search(norm)):
        return "photo caption"
    if norm.startswith(_CREDITS_START) and _AGENCY_CREDITS.match(norm):  # (at any length up to 40 words: a list of names)
        return "agency credits"
    if n_words == 1 and "-" in norm and _IDENTIFIER.match(text.strip()):
        return "markup identifier"
    if _disclaimer(norm, n_words):
        return "legal disclaimer"
    if _promotion(norm):
        return "site promotion"
    return None


def _is_short_label(text: str) -> bool:
    """A short non-sentence line, such as a category name."""
    s = text.strip()
    return bool(s) and _words(s) <= 5 and len(s) <= 50 and not _SENTENCE_END.search(s)


# Cached: asked about every line in each cleaning round (the key costs a
# normalisation), and a site's template lines recur.
@lru_cache(maxsize=1 << 16)
def _footer_heading(text: str) -> bool:
    """A footer heading ("CATEGORIES"): a short line whose key is one (never a blank line)."""
    return bool(text.strip()) and _key(text) in _FOOTER_HEADINGS and _words(text) <= 4


def _footer_edits(doc: Document, lines: list[Line]) -> list[Edit]:
    """A footer heading ("CATEGORIES") and the short label lines after it.

    Only when nothing after the heading looks like body text (a line of 12
    or more words), so a section heading inside the article is safe.
    """
    edits: list[Edit] = []
    for i, line in enumerate(lines):
        if not _footer_heading(line.text):
            continue
        rest = [l for l in lines[i + 1:] if not l.blank]
        if any(_words(l.text) >= 12 for l in rest):
            continue
        start, end = line_span(line, doc.text)
        edits.append(Edit(start, end, "category-footer", "footer heading at the end of the page", 0.9))
        for follower in lines[i + 1:]:
            if follower.blank:
                continue
            if not _is_short_label(follower.text):
                break
            start, end = line_span(follower, doc.text)
            edits.append(Edit(start, end, "category-footer", "label under a footer heading", 0.8))
        break
    return edits


# Cached: asked about every line in each cleaning round, and a site's template lines recur.
@lru_cache(maxsize=1 << 16)
def _template_key(line_text: str) -> str | None:
    """The line's normalised text if it is a short non-sentence line that the
    corpus counts may show to be a site's template line, else None."""
    text = line_text.strip()
    if not text or _words(text) > 10 or len(text) > 80 or _SENTENCE_END.search(text):
        return None
    if letter_count(text) < 2 or _LIST_ITEM.match(line_text):
        return None
    return normalize_line(text)


def _template_counts(lines: list[Line], ctx: RuleContext) -> dict[int, int]:
    """Corpus counts of the lines that may be template lines, by line index:
    looked up together when the counts are a run's LineCounts."""
    if ctx.n_docs < 3 or not ctx.line_counts:
        return {}
    norms = {}
    for line in lines:  # (a blank line is no candidate)
        if (norm := _template_key(line.text)) is not None:
            norms[line.index] = norm
    if not norms:
        return {}
    return dict(zip(norms, counts_of(ctx.line_counts, list(norms.values()))))


def _recurring(line: Line, ctx: RuleContext, counts: dict[int, int]) -> Edit | None:
    """A short non-sentence line that many documents of the corpus share
    (``counts``: from :func:`_template_counts`)."""
    count = counts.get(line.index)
    if count is None or count < 3 or count < 0.5 * ctx.n_docs:
        return None
    share = count / ctx.n_docs
    return Edit(line.start, line.end, "chrome-line",
                f"line repeated in {count} of {ctx.n_docs} documents", round(0.5 + 0.4 * share, 3))


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    lines = doc.lines()
    # Lines the detectors before this one remove whole (an HTML page's
    # furniture, datelines) are not judged again; the footer heading's test
    # below still reads every line.
    removed = ctx.removed_lines
    judged = [line for line in lines if line.start not in removed] if removed else lines
    counts = _template_counts(judged, ctx)
    edits: list[Edit] = []
    for line in judged:
        if line.blank:
            continue
        reason = _chrome_reason(line.text)
        if reason:
            start, end = line_span(line, doc.text)
            edits.append(Edit(start, end, "chrome-line", reason, 0.9))
            continue
        hit = _recurring(line, ctx, counts)
        if hit:
            start, end = line_span(line, doc.text)
            edits.append(Edit(start, end, hit.rule, hit.reason, hit.score))
    edits.extend(_footer_edits(doc, lines))
    return edits
