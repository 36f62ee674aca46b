"""All detectors together on the five real samples: what must go, what must stay."""
from pathlib import Path

import pytest

from cleaner.document import Document
from cleaner.edits import apply, resolve, tidy_blank_lines
from cleaner.rules import RuleContext
from cleaner.rules.registry import DETECTORS, detect_all

SAMPLES = Path(__file__).parent.parent / "samples"

MUST_GO = {
    "000": ["What's Your Reaction?"],
    "001": ["Wednesday, April 17, 2024",
            "HomeIran News NowIran Opposition & ResistanceInternational Community Should Side With Iranian People and Their Organized Resistance",
            "Free Iran Grand Gathering in Paris, July 2017"],
    "002": ["Wednesday, April 24, 2024",
            "HomeIran News NowIran Opposition & ResistanceOngoing Successes by Iran’s Resistance Movement, MEK and NCRI Should Inspire Support...",
            "Great Rally of Iranians, Supporters of MEK & NRCI in Berlin – 2019"],
    "003": ["Also read : Maximizing E-Government Potential: An Ultimate UK Local Authority Handbook",
            "Topic to read : Connect with amazing women in jönköping for free!",
            "CATEGORIES", "News"],
    "004": ["HomeIran News NowIran Opposition & ResistanceThe MEK Represents Hope for a Democratic Iran"],
}
MUST_GO_PREFIX = {
    "003": ["Le soutien international", "Cette reconnaissance diplomatique", "L’efficacité du mouvement"],
    "004": ["Maryam Rajavi, the President-elect of the National Council"],
}
MUST_STAY = {
    "000": ["The Iranian Resistance: A major key to achieving Middle East peace",
            "'A democratic alternative and a beacon of hope for a better future, not only for Iran but also for the entire region'",
            "Introduction", "Conclusion", "A practical roadmap to peace", "1. Expansion of resistance units",
            "The destabilizing role of the Iranian regime in the Middle East",
            "Here are the key elements of the roadmap proposed by the Iranian Resistance:"],
    "001": ["International Community Should Side With Iranian People and Their Organized Resistance"],
    "002": ["Ongoing Successes by Iran’s Resistance Movement, MEK and NCRI Should Inspire Support From Abroad"],
    "003": ["Hope for change: the role of iranian resistance in democracy",
            "Key Organizations and Leadership Structure",
            "Your Questions About Iranian Democratic Opposition",
            "How These Pro-Democracy Forces Operate from Exile",
            "International Support and Diplomatic Recognition",
            "Challenges and Future Prospects for Change",
            "What are the main Iranian resistance groups fighting for democracy?",
            "Can the Iranian opposition unite under a single leadership?"],
    "004": ["The MEK Represents Hope for a Democratic Iran"],
}


def clean(text: str) -> tuple[str, list]:
    doc = Document(text)
    edits = resolve(detect_all(doc, RuleContext()))
    edits = resolve(edits + tidy_blank_lines(text, edits))
    return apply(text, edits), edits


def sample(name: str) -> str:
    return next(SAMPLES.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def _norm(line: str) -> str:
    return " ".join(line.replace("**", "").split())


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_sample(name):
    original = sample(name)
    out, _ = clean(original)
    out_lines = [_norm(l) for l in out.split("\n")]
    for line in MUST_GO.get(name, []):
        assert _norm(line) not in out_lines, line
    for prefix in MUST_GO_PREFIX.get(name, []):
        assert not any(l.startswith(prefix) for l in out_lines), prefix
    for line in MUST_STAY.get(name, []):
        assert _norm(line) in out_lines, line
    # the title is kept exactly once
    title = MUST_STAY[name][0]
    assert out_lines.count(_norm(title)) == 1
    # every body paragraph (long English sentence-ending line) and list item stays
    gone = {_norm(l) for l in MUST_GO.get(name, [])}
    for line in original.split("\n"):
        n = _norm(line)
        if any(n.startswith(p) for p in MUST_GO_PREFIX.get(name, [])) or n in gone:
            continue
        if len(n.split()) >= 15 or line.lstrip().startswith(("•", "1.", "2.", "3.", "4.")) or n.endswith("?"):
            assert n in out_lines, n[:80]
    assert not out.startswith("\n") and "\n\n\n" not in out


def test_sample_003_list_items_and_markdown():
    out, _ = clean(sample("003"))
    assert out.count("  • ") == 5
    assert "**" not in out and "Government repression intensifies" in out


def test_second_pass_changes_nothing():
    for name in ["000", "001", "002", "003", "004"]:
        once, _ = clean(sample(name))
        twice, edits = clean(once)
        assert twice == once, name
        assert edits == [], (name, edits[:3])


def test_registry_order_and_names():
    assert [n for n, _ in DETECTORS] == ["structure", "headers", "chrome", "comments", "contents", "repeats", "blocks", "spam", "language", "normalize"]
