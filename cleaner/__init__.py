"""cleaner: strip chrome, spam and duplicates from scraped text corpora.

Library entry points (the CLI is a thin layer over these):

- ``clean_text(text, lang=None) -> (cleaned, edits)``: clean one text.
- ``cleaner.pipeline``: read, clean and deduplicate whole corpora.
- ``cleaner.changelog.restore``: rebuild originals from output + log.
"""
__version__ = "0.1.0"


def clean_text(text: str, *, lang: str | None = None):
    """Clean one plain text (LF newlines); returns (cleaned text, list of Edit)."""
    from .pipeline import clean_text as _clean_text

    return _clean_text(text, lang=lang)


__all__ = ["clean_text", "__version__"]
