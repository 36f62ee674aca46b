"""The detectors run in order; a line the earlier ones remove whole is not scored again."""
from cleaner import edits as E
from cleaner.document import Document
from cleaner.io.html import extract_with_chrome
from cleaner.rules import RuleContext, language, registry, spam

EN = ("The city council approved the new budget on Tuesday after a long debate about schools, roads and parks. "
      "Residents had asked for more money for public transport, but the mayor said the city could not afford it.")
FR = ("Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles, "
      "les routes et les parcs de la ville.")
CASINO = "Play online casino games and win real money with free spins tonight"


def test_language_and_spam_pass_over_the_lines_they_are_told_are_removed():
    text = "\n\n".join([EN, FR, EN, CASINO, EN]) + "\n"
    doc = Document(text)
    fr_line, casino_line = (next(line for line in doc.lines() if line.text == t) for t in (FR, CASINO))
    ctx = RuleContext(lang="en")
    assert [text[e.start:e.end].strip() for e in language.detect(doc, ctx)] == [FR]
    assert [text[e.start:e.end].strip() for e in spam.detect(doc, ctx)] == [CASINO]
    told = RuleContext(lang="en", removed_lines=frozenset({fr_line.start, casino_line.start}))
    assert language.detect(doc, told) == [] and spam.detect(doc, told) == []


def test_a_line_furniture_removes_is_logged_as_furniture_only_and_the_text_is_the_same(monkeypatch):
    page = ("<html><body><nav><p>" + FR + "</p></nav><article><h1>Budget passes</h1>"
            + "".join(f"<p>{EN}</p>" for _ in range(3)) + "</article></body></html>")
    markup, spans = extract_with_chrome(page)
    text = E.apply(page, E.resolve(markup))
    doc = Document(text, format="html", meta={"chrome_spans": spans})
    ctx = RuleContext(lang="en")
    fr_span = (text.index(FR), text.index(FR) + len(FR) + 1)

    skipping = registry.detect_all(doc, ctx)
    assert {e.rule for e in skipping if (e.start, e.end) == fr_span} == {"chrome-block"}
    monkeypatch.setattr(registry, "SKIP_REMOVED", frozenset())
    every = registry.detect_all(doc, ctx)
    assert {e.rule for e in every if (e.start, e.end) == fr_span} == {"chrome-block", "foreign-language"}
    assert E.apply(text, E.resolve(skipping)) == E.apply(text, E.resolve(every))
    assert FR not in E.apply(text, E.resolve(skipping))
