from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.rules import RuleContext
from cleaner.rules.chrome import detect, normalize_line

SAMPLES = Path(__file__).parent.parent / "samples"
BODY = "The council approved the new budget on Tuesday after a long debate about schools and roads."


def removed(text: str, ctx: RuleContext | None = None) -> dict[str, str]:
    return {text[e.start:e.end].strip(): e.rule for e in detect(Document(text), ctx or RuleContext())}


def assert_chrome_lines(gone: list[str], kept: list[str] = ()) -> dict[str, str]:
    """Each line of ``gone`` (after BODY) is removed as a chrome line; no line of ``kept`` is removed.
    Returns what was removed from BODY and ``gone``."""
    text = BODY + "\n" + "\n".join(gone) + "\n"
    got = removed(text)
    for line in gone:
        assert got.get(line) == "chrome-line", line
    if kept:
        text = BODY + "\n" + "\n".join(kept) + "\n"
        assert not set(kept) & set(removed(text))
    return got


def test_normalize_line():
    assert normalize_line("  What’s   Your\tReaction? ") == "what's your reaction?"
    assert normalize_line("\u02bcTIS\u00a0 THE\u2028Season\u2018S ") == "'tis the season's"  # any Unicode space


def test_phrases_and_shapes():
    lines = ["What's Your Reaction?", "Share this article", "Follow us on Twitter",
             "Sign up for our newsletter", "Skip to main content", "© 2024 Example Media. All rights reserved.",
             "Tags: politics, economy", "This website uses cookies. Accept all cookies to continue.",
             "Partager", "Newsletter abonnieren", "Listen to this article", "Comments are closed.",
             "This article originally appeared on The Daily Ledger."]
    got = assert_chrome_lines(lines)
    assert BODY not in got


def test_the_standard_texts_of_cookie_consent_banners_and_article_tools_go():
    # The texts and buttons consent managers print the same on every site that uses them.
    lines = ["By clicking “Accept”, you agree to the storing of cookies on your device to enhance site navigation.",
             "We use cookies and other tracking technologies to improve your browsing experience on our site.",
             "We and our 100 partners store and/or access information on a device, such as unique IDs in cookies.",
             "Necessary cookies are absolutely essential for the website to function properly.",
             "cookielawinfo-checbox-analytics", "To see this content please enable targeting cookies.",
             "Cookie Consent", "Privacy Preferences", "Essential cookies", "Marketing cookies",
             "Reject all cookies", "Allow all cookies", "Deny",
             "Print Article", "Order Reprints", "Text size", "Leave this field blank", "Δ", "Back to Gallery",
             "Write to Jane Doe at jane.doe@example.com",
             "Email Tom Roe at troe@example.org or follow him @tomroe. Follow us on Twitter @Example."]
    got = assert_chrome_lines(lines)
    assert BODY not in got


def test_a_consent_managers_long_standard_text_goes_and_a_long_paragraph_about_cookies_stays():
    banner = ("We use cookies and other tracking technologies to improve your browsing experience on our site, show "
              "personalized content and targeted ads, analyze site traffic, and understand where our audience is coming "
              "from. To find out more or to opt-out, please read our Cookie Policy. In addition, please read our Privacy "
              "Policy, which has also been updated and became effective May 23rd, 2018.")
    assert removed(BODY + "\n" + banner + "\n").get(banner) == "chrome-line"
    # Over 40 words, only the managers' own texts are known: an article's paragraph on cookies stays.
    paragraph = ("Regulators say the use of cookies by advertisers has grown for a decade, and that most visitors "
                 "accept all cookies without reading what they agree to. The new rules, which take effect next year, "
                 "require a button to refuse them that is as easy to find as the one to accept them, the agency said.")
    assert detect(Document(BODY + "\n" + paragraph + "\n"), RuleContext()) == []


def test_sentences_about_cookies_or_writing_to_someone_stay():
    text = ("Third-party cookies are going away in Chrome, and advertisers are looking for other ways to track.\n"
            "Marketing cookies are used by most retailers, the regulator found, often without consent.\n"
            "She baked essential cookies for the school fair: oatmeal, ginger and chocolate chip.\n"
            "Write to the council at the address on its website, the mayor said.\n")
    assert detect(Document(text), RuleContext()) == []


def test_a_photo_caption_ending_in_its_credit_goes_wherever_it_stands():
    captions = ["Rep. Jane Doe speaks at the Capitol on July 25, 2019.J. Scott Applewhite / AP file",
                "Shares fell after the retailer reported its earnings. Photograph by Robyn Beck/AFP/Getty Images",
                "FILE PHOTO: Traders work on the floor of the exchange in New York, November 18, 2019. REUTERS/Jane Roe",
                "Firefighters at work near the airport on Tuesday. (AP Photo/Evan Vucci)", "(Image: © Shutterstock)",
                "Photo: John Locher, AP", "The border check point near Nogales, Ariz. (AP)",
                "The company's logo outside an office in New York.Reuters",
                "The president in New York last week.Credit...Anna Moneymaker/The New York Times"]
    text = BODY + "\n" + "\n".join(captions) + "\n" + BODY + "\n"
    got = removed(text)
    for line in captions:
        assert got.get(line) == "chrome-line", line
    # Sentences naming an agency, and a photograph in a sentence, stay.
    sentences = ("The photo was sold to Getty Images.\nReporters from AP/Reuters pooled their pictures.\n"
                 "WASHINGTON (AP) — The House voted on Tuesday to approve the bill.\n"
                 "The deal was first reported by Reuters.\n"
                 "A photograph by Ansel Adams hangs in the hall.\nBiggest photograph (sight)\n")
    assert detect(Document(BODY + "\n" + sentences), RuleContext()) == []


def test_agency_credits_newsletter_confirmations_pagers_and_printed_css_classes_go():
    lines = ["Reporting by Jane Doe; additional reporting by Tom Roe, Ann Poe and Bo Lee in Chicago and New York; "
             "Editing by Dan Grebler and Nick Smith",
             "(Reporting by Jane Doe in London; Editing by Tom Roe)",
             "Our Standards:The Thomson Reuters Trust Principles.", "Thanks for signing up!", "Sharing is caring!",
             "See All Newsletters", "narrow-browser-and-phone", "landscape-tablet-and-medium-wide-browser",
             "Next »", "« Previous", "Prev", "Powered by WordPress", "Proudly powered by MongoDB"]
    assert_chrome_lines(lines)
    # A sentence opening "Reporting by", phone numbers, dates and capitalised compounds stay.
    kept = ("Reporting by the Guardian found that the council had lied.\n727-821-9494\n2026-03-13\nState-of-the-art\n"
            "Next, add the flour and stir until smooth.\nPowered by AI, the tool writes your emails for you.\n")
    assert detect(Document(BODY + "\n" + kept), RuleContext()) == []


def test_sentences_mentioning_chrome_words_stay():
    text = ("Readers were asked to share their stories about the flood with the newspaper.\n"
            "We use cookies in the kitchen every Sunday, my grandmother said with a smile.\n"
            "Follow the money, the investigators said, and you will find the culprits.\n"
            "Comments from the minister were expected later on Friday afternoon.\n"
            "This article originally appeared to be a draft, the editor admitted on Monday.\n")
    assert detect(Document(text), RuleContext()) == []


def test_footer_heading_and_labels_at_end():
    text = BODY + "\n\nCATEGORIES\n\nNews\nPolitics\n"
    got = removed(text)
    assert got == {"CATEGORIES": "category-footer", "News": "category-footer", "Politics": "category-footer"}


def test_footer_heading_inside_body_stays():
    text = "Tags\n" + BODY + "\n" + BODY + "\n"
    assert detect(Document(text), RuleContext()) == []


def test_corpus_recurring_lines():
    text = "Iran News in Brief\n" + BODY + "\nThe minister said it plainly.\n"
    counts = Counter({normalize_line("Iran News in Brief"): 8, normalize_line(BODY): 8,
                      normalize_line("The minister said it plainly."): 9})
    got = removed(text, RuleContext(line_counts=counts, n_docs=10))
    assert got == {"Iran News in Brief": "chrome-line"}  # sentences stay even when recurring
    # too rare in the corpus: kept
    assert removed(text, RuleContext(line_counts=counts, n_docs=40)) == {}


def test_corpus_recurring_lines_from_a_runs_line_counts_as_from_a_dict():
    from cleaner.line_counts import LineCounts

    lines = ["Iran News in Brief", "Sign up", "- Home", "The minister said it plainly.", "12", "Weather"]
    text = "\n".join(lines[:3] + [BODY] + lines[3:]) + "\n"
    counts = {normalize_line(line): 3 + 2 * i for i, line in enumerate(lines)}
    for n_docs in (2, 8, 10, 40):
        as_dict = detect(Document(text), RuleContext(line_counts=counts, n_docs=n_docs))
        as_run = detect(Document(text), RuleContext(line_counts=LineCounts.from_mapping(counts), n_docs=n_docs))
        assert as_dict == as_run
    assert not any("repeated" in e.reason for e in as_run)  # 40 documents: none is in half of them
    found = {text[e.start:e.end].strip() for e in detect(Document(text), RuleContext(line_counts=counts, n_docs=10))
             if "repeated" in e.reason}
    assert found == {"Weather"}  # too rare, a list item, a sentence and a number stay


def test_samples_chrome():
    s0 = (next(SAMPLES.glob("000_*.txt"))).read_text(encoding="utf-8")
    got = removed(s0)
    assert got == {"What's Your Reaction?": "chrome-line"}
    s3 = (next(SAMPLES.glob("003_*.txt"))).read_text(encoding="utf-8")
    got = removed(s3)
    assert got == {"CATEGORIES": "category-footer", "News": "category-footer"}
    for name in ("001", "002", "004"):
        assert removed(next(SAMPLES.glob(f"{name}_*.txt")).read_text(encoding="utf-8")) == {}


def test_corpus_line_counts_count_copies_of_an_article_once():
    """A template line counts once per article; an article's paragraphs do not become a
    template because the corpus holds lightly edited copies of it."""
    import random

    from cleaner.io.readers import Unit
    from cleaner.pipeline import line_counts

    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(5000)]

    def paragraph(n: int = 40) -> str:
        return " ".join(rng.choice(vocab) for _ in range(n)) + "."

    template = ["Home | News | Sport", "Sign up for the morning briefing"]
    article = [paragraph() for _ in range(8)]
    pages = ["\n".join(template + [paragraph() for _ in range(8)]) for _ in range(3)]
    longest = max(range(8), key=lambda i: len(article[i]))
    for _ in range(3):  # three copies, each with its longest paragraph rewritten (and longer)
        copy = list(article)
        copy[longest] = paragraph(60)
        pages.append("\n".join(template + copy))
    counts = line_counts([Unit(Document(text, f"p{i}.txt"), text) for i, text in enumerate(pages)])
    assert counts[normalize_line(template[0])] == 4  # three pages and one article
    # the article's paragraphs repeat nowhere (a line of one article reads as 0, like one never seen)
    assert all(counts.get(normalize_line(p), 0) < 2 for i, p in enumerate(article) if i != longest)


def test_template_buttons_and_comment_forms():
    lines = ["Read More \u2193", "< Back to top", "Learn more", "View all", "Reply",
             "Leave a Reply Cancel reply",
             "Your email address will not be published. Required fields are marked *",
             "Save my name, email, and website in this browser for the next time I comment.",
             "Notify me of follow-up comments by email.",
             "As an Amazon Associate we earn from qualifying purchases."]
    # sentences that start like a button are the article's
    kept = ["Read more about the methodology in the appendix, which lists every school surveyed.",
            "Submit your photos of the flood to the newsroom by Friday.",
            "Reply cards were sent to every household in the district last spring."]
    assert_chrome_lines(lines, kept)


def test_line_counts_memo_gives_the_counts_and_stays_out_of_pickles():
    """Lookups are remembered per instance: asking again (a later cleaning
    round, a full memo that starts over) gives the same counts, and a pickled
    copy (a checkpoint, a Dask worker's context) carries the counts, not the memo."""
    import pickle

    from cleaner.line_counts import LineCounts

    counts = LineCounts.from_mapping({"home | news": 5, "sign up": 2, "an article line": 1})
    counts.MEMO_LIMIT = 2  # start over after two lines
    asked = ["home | news", "sign up", "an article line", "never seen", "home | news", "sign up"]
    for _ in range(3):
        assert [counts.get(norm, 0) for norm in asked] == [5, 2, 0, 0, 5, 2]
        assert counts.get("never seen", -1) == -1 and counts["home | news"] == 5
        assert len(counts._memo) <= 2
    copy = pickle.loads(pickle.dumps(counts))
    assert copy._memo == {} and "_memo" not in copy.__getstate__()
    assert [copy.get(norm, 0) for norm in asked] == [5, 2, 0, 0, 5, 2]
    assert LineCounts().get("home | news", 7) == 7


def test_line_counts_looked_up_together_match_one_at_a_time():
    from hypothesis import given, settings, strategies as st

    from cleaner.line_counts import LineCounts

    stored = {"home | news": 5, "sign up": 2, "an article line": 1, "": 3, "é ß 中": 4}

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.one_of(st.sampled_from(sorted(stored) + ["never seen"]), st.text(max_size=8)), max_size=12),
           st.integers(min_value=1, max_value=6))
    def check(asked, limit):
        together = LineCounts.from_mapping(stored)
        together.MEMO_LIMIT = limit  # forgetting between documents changes nothing
        single = LineCounts.from_mapping(stored)
        for _ in range(2):
            assert together.get_many(asked) == [single.get(norm, 0) for norm in asked]
            assert len(together._memo) <= max(limit, len(set(asked)))
        assert LineCounts().get_many(asked) == [0] * len(asked)

    check()


def _template_candidate_as_it_was(line_text):
    """The template-line test before it was cached by text (the reference)."""
    from cleaner.rules.chrome import _LIST_ITEM, _SENTENCE_END, normalize_line
    from cleaner.rules.language import letter_count

    text = line_text.strip()
    if not text or len(text.split()) > 10 or len(text) > 80 or _SENTENCE_END.search(text):
        return None
    if letter_count(text) < 2 or _LIST_ITEM.match(line_text):
        return None
    return normalize_line(text)


def test_template_key_equals_the_uncached_test():
    from hypothesis import given, settings, strategies as st

    from cleaner.rules.chrome import _template_key

    pieces = st.sampled_from(["Home", "  ", "News", ".", "- ", "1.", "’", "Share", "a", "\t", "!", "é", "12"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=25).map("".join))
    def check(text):
        assert _template_key(text) == _template_candidate_as_it_was(text)

    check()


def _chrome_reason_plain(text: str):
    """_chrome_reason as first written: every shape tried in order on every short line."""
    from cleaner.rules import chrome

    norm = chrome.normalize_line(text)
    words = chrome._LETTER_RUN.findall(norm)
    filler = sum(w in chrome._FILLER_WORDS for w in words)
    if chrome._FILLER_NAMED.search(norm) and filler >= chrome._FILLER_SHARE * len(words):
        return "placeholder text"
    n_words = chrome._words(norm)
    # the site's promotion and its legal disclaimer, without their hint-word tests
    promotion = bool(chrome._PROMO_PROMPT.search(norm))
    disclaimer = (chrome.DISCLAIMER_WORDS[0] <= n_words <= chrome.DISCLAIMER_WORDS[1]
                  and len({m.group(0) for m in chrome._DISCLAIMER_CUES.finditer(norm)}) >= chrome.DISCLAIMER_CUES)
    if not norm or n_words > 40:
        if n_words <= chrome.CONSENT_MAX_WORDS and "cookie" in norm and chrome._CONSENT.search(norm):
            return "cookie notice"
        if n_words <= chrome.PROMO_MAX_WORDS and promotion:
            return "site promotion"
        return "legal disclaimer" if disclaimer else None
    if chrome._key(text) in chrome._PHRASES and n_words <= 8:
        return "page chrome phrase"
    if n_words <= 20:
        for pattern, reason in chrome._PATTERNS:
            if pattern.search(norm):
                return reason
    if chrome._FORM_FIELD.match(norm):
        return "form field"
    if chrome._may_be_cookie_notice(norm) and (chrome._COOKIE.search(norm) or chrome._CONSENT.search(norm)):
        return "cookie notice"
    if chrome._CAPTION_CREDIT.search(norm):
        return "photo caption"
    if chrome._AGENCY_CREDITS.match(norm):
        return "agency credits"
    if n_words == 1 and chrome._IDENTIFIER.match(text.strip()):
        return "markup identifier"
    if disclaimer:
        return "legal disclaimer"
    if promotion:
        return "site promotion"
    return None


_CHROME_PIECES = ["All Rights Reserved", "tous droits réservés", "Alle Rechte vorbehalten", "todos los derechos "
                  "reservados", "tutti i diritti riservati", "todos os direitos reservados", "©", "(c)", "Copyright",
                  "Share", "on Facebook", "Follow us", "on Twitter", "Sign up", "for our newsletter", "Skip to",
                  "content", "Tags:", "news", "Posted in", "Sport", "This article", "originally appeared", "on",
                  "As an Amazon Associate, we earn from qualifying purchases", "Your email address will not be "
                  "published", "reserved", " ", "2024", "|", "rights", "the", "We use cookies", "to", "\n",
                  "Lorem ipsum", "dolor sit amet,", "consectetur adipiscing", "elit.", "Ut enim", "ad minim",
                  "Your Email", "*", "Name*", "Budget", "Score*",
                  # the site's promotion, legal disclaimers, captions' credits, reading times
                  "Subscribe to", "Need more?", "Join our", "magazine", "app", "Click here to support it",
                  "for informational purposes only", "does not constitute medical advice", "past performance",
                  "consult your doctor", "Photo Credit: Jane Doe", "via Getty Images", "[AFP]", "courtesy of",
                  "Reporting by Jane Doe; Editing by Tom Roe", "2 min read", "Oops! Something went wrong."]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_CHROME_PIECES), min_size=1, max_size=8).map(" ".join))


def test_chrome_shapes_prefilter_gives_the_plain_reason(line):
    from cleaner.rules.chrome import _chrome_reason

    assert _chrome_reason.__wrapped__(line) == _chrome_reason_plain(line)


def test_wordpress_share_buttons_likes_category_credit_post_navigation_teaser_links_and_form_fields():
    lines = ["Click to share on Bluesky (Opens in new window) Bluesky",
             "Click to share on Mastodon (Opens in new window) Mastodon",
             "Click to email a link to a friend (Opens in new window) Email",
             "Click to print (Opens in new window) Print",
             "Share on Tumblr", "Like Loading...", "Category: December Comfort Watches",
             "Categories: Politics, Economy", "Credit: Natalie Kafader", "Photo credit: Getty Images",
             "Image Credits: Amazon", "Close", "← Trying Out A New Recipe: Sticky Ginger Bars",
             "« In Defense of Curiosity | Main", "‹ Older posts", "Newer posts",
             "Lascia un commento Annulla risposta", "Schreibe einen Kommentar Antworten abbrechen",
             "Deja una respuesta Cancelar la respuesta", "Laisser un commentaire", "Deixe um comentário",
             "Image 2 of 5", "Photo 3/12", "2019-11-19T08:57:40+01:00",
             "Read more about Aerospace Engineering Ranks No. 2 in 2026 Undergraduate Rankings",
             "Facebook", "LinkedIn", "Pinterest", "On this page", "First Name *", "Your Preferred Campus*",
             "Monthly Marketing Budget*"]
    kept = ["Click to enlarge the map, the guide says, then follow the river north to the mill.",
            "Share the bill three ways, she told her friends, and nobody will mind the tip.",
            "Categories of damage were listed in the report: floods, fires and storms.",
            "Credit: the council lent the mill 30,000 pounds, she said, and the bank matched the loan in full.",
            "Credit cards are accepted at the door.",
            "« Nobody will ever know what happened there », she said.",
            "« Nobody will ever know what happened there,",
            "Image 1 of the series shows the mill in 1910, before the fire.",
            "Read more about the mill's history in our guide to the valley.",
            "Facebook said on Tuesday that it would appeal the ruling.", "TikTok", "X",
            "Top States\tScore*", "Prices*"]
    assert_chrome_lines(lines, kept)


def test_lines_removed_before_are_not_judged_again_but_still_read_by_the_footer_test():
    text = BODY + "\nShare this article\nCATEGORIES\nPolitics\nEconomy\n"
    share = text.index("Share this article")
    heading = text.index("CATEGORIES")
    assert removed(text)["Share this article"] == "chrome-line"
    got = removed(text, RuleContext(removed_lines=frozenset({share, heading})))
    assert "Share this article" not in got  # settled by an earlier detector
    # the footer heading (removed before) still opens its labels, which go
    assert got == {"CATEGORIES": "category-footer", "Politics": "category-footer", "Economy": "category-footer"}


def test_placeholder_text_goes_at_any_length_and_writing_about_it_stays():
    filler = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
              "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco "
              "laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in "
              "voluptate velit esse cillum dolore eu fugiat nulla pariatur.")  # over 40 words: a paragraph
    lines = [filler, "Lorem Ipsum", "Lorem ipsum 2", "Lorem ipsum dolor sit amet, consectetur adipisicing elit sed.",
             "Suspendisse varius enim in eros elementum tristique, dolor sit amet."]
    kept = ["Lorem ipsum is the placeholder text printers have used since the 1500s, the designer said.",
            "The phrase lorem ipsum dolor sit amet comes from a text by Cicero on the ends of good and evil.",
            "Roma est urbs magna in Italia, et caput rei publicae, ut Livius scripsit.",
            "Non c'è nulla da fare: il dolore è grande, disse la madre."]
    assert_chrome_lines(lines, kept)


def test_a_sites_legal_disclaimer_goes_and_an_article_sentence_with_one_of_its_phrases_stays():
    disclaimers = [
        "The content of this blog is for informational purposes only and does not constitute medical advice. "
        "Always consult your doctor before you change your diet or start a new exercise routine.",
        "Example Wealth Partners, LLC is a registered investment adviser. This material is not an offer to buy or "
        "sell any security, and past performance is no guarantee of future results. Investing involves risk, "
        "including the loss of principal, and nothing here should be construed as tax or legal advice.",
        "Example Clinic is a non-profit academic medical center. Advertising on our site helps support our mission. "
        "We do not endorse non-Example Clinic products or services. Policy",
    ]
    assert_chrome_lines(disclaimers)
    for disclaimer in disclaimers:
        assert [e.reason for e in detect(Document(BODY + "\n" + disclaimer + "\n"), RuleContext())] == ["legal disclaimer"]
    kept = [
        # one disclaimer phrase in an article's sentence
        "Over the past five years, 41% of registered investment advisors have taken part in a merger, according "
        "to a survey of the industry published by the bank on Monday.",
        "The court ruled that the leaflet, which the company said was for informational purposes only, had misled "
        "the families who bought the policy in 2019.",
        # two phrases, but a short quote
        "Past performance is no guarantee, the fund's manager said.",
    ]
    assert_chrome_lines([], kept)


def test_a_sites_call_to_its_newsletter_app_or_forum_goes_at_any_length_up_to_sixty_words():
    promotions = [
        "Need more birds? Subscribe to our sister title Garden Birds Monthly Magazine for the latest sightings, "
        "feeding tips and the best photographs from our readers across the country!",
        "Join our Birding Forums to keep talking about the latest sightings, migrations and more! And if you have "
        "a tip, a correction or a comment, let us know.",
        "Subscribe to the Example Toys YouTube Channel for all of the latest videos, reviews, and more!",
        "Wear the change you want to see. Download our app to discover ethical brands near you.",
        "Subscribe to Example Weekly and stay smart with more of your favourite writers.",
        "Do you rely on our reporting? Click here to support it.",
    ]
    got = assert_chrome_lines(promotions)
    for line in promotions:
        assert [e.reason for e in detect(Document(BODY + "\n" + line + "\n"), RuleContext())] == ["site promotion"]
    # An article's "join the ..." or "subscribe to" inside a sentence stay.
    kept = ["Residents can join the community garden's volunteer day on Saturday morning.",
            "Join the community garden's volunteer day on Saturday, the organisers urged.",
            "The council voted to subscribe to the regional transport app next year, at a cost of $40,000.",
            "Readers who subscribe to the paper get the app for free."]
    assert_chrome_lines([], kept)
    assert set(got) == set(promotions)


def test_a_widgets_or_forms_own_message_goes_and_a_sentence_opening_the_same_way_stays():
    messages = ["Oops! Something went wrong while submitting the form.", "An error has occurred, please try again later.",
                "There was an error. Please try again.", "Something went wrong with the connection!",
                "Please enable JavaScript in your browser to complete this form."]
    assert_chrome_lines(messages)
    for line in messages:
        assert [e.reason for e in detect(Document(BODY + "\n" + line + "\n"), RuleContext())] == ["widget message"]
    assert_chrome_lines([], ["Something went wrong with the rocket's second stage, NASA said.",
                             "There was an error in the council's figures, the auditor found.",
                             "Oops! The mayor forgot the budget at home."])


def test_the_markers_an_ad_slot_leaves_in_the_text_go():
    assert_chrome_lines(["Continue reading the main story", "Advertisement - Continue Reading Below",
                         "Story continues below advertisement", "Scroll to continue with content"],
                        ["Continue reading below the fold, the editor told the new reporters."])


def test_the_labels_of_contact_and_sign_up_forms_go():
    assert_chrome_lines(["Email Address", "Your name", "Your email address", "Your message", "First Name",
                         "This field is hidden when viewing the form"],
                        ["Your email address is never shown to other readers, the site's help page says."])


def test_a_caption_ending_in_its_bracketed_credit_goes_and_a_bracketed_tag_stays():
    assert_chrome_lines(["Roughly 13,000 troops remain in the country, 18 years after the invasion [File: Reuters]",
                         "Protesters march through the capital on Tuesday [AFP]"],
                        ["Where To Travel Next [Quiz]", "The Best Figma Alternatives [Free and Paid]"])


def test_a_pictures_source_line_goes_and_a_sentence_about_photos_stays():
    assert_chrome_lines(["Image source: Getty Images.", "Image by Studio Brown via Example Weddings",
                         "Photo by Alice Vicente; Design by Mehroz Kapadia"],
                        ["Photos by the dozen were taken that day, and the archive holds them all."])


def test_a_caption_ending_in_its_picture_agency_via_goes():
    assert_chrome_lines(["Do you have a healthy relationship with your phone? Jane Doe/Moment via Getty Images",
                         "Interior of a London coffee-house, 17th century — via Wikimedia Commons"],
                        ["The council's statement reached the paper via Reuters.",
                         "We found the pictures via Getty Images, the curator said."])


def test_a_caption_ending_in_its_courtesy_credit_goes():
    assert_chrome_lines(["Photo courtesy Example Architects",
                         "Left: Edward Burra, Three Sailors at a Bar, 1930, Private collection, courtesy of the gallery"],
                        ["The photos were shared with the paper, courtesy of the family.",
                         "Courtesy of the mayor, the bus is free on Sundays"])


def test_a_caption_ending_in_its_credit_after_the_text_goes():
    assert_chrome_lines(["Shot on the Canon R5. Photo Credit: Jane Doe",
                         "Transparent solar cells can replace windows in offices and homes Photo Credit: Example Energy",
                         "(Credit: Jane Doe)"],
                        ["He received credit: a great deal of it, for the plan.",
                         "Source: Example analysis of county data | Image Credit: Example"])
