"""Scraped web boilerplate: navigation, share and comment widgets, bylines, injected links, notices.

Boilerplate is reported apart from garbling: it is not bad translation, it is text that
should not be in the article at all. Rules are general patterns of web page chrome.
"""

from __future__ import annotations

import re

from mtfix.document import Document, Label, Sentence
from mtfix.pipeline.base import SentenceFilter

_WHOLE_LINE = [
    (r"skip to (?:main )?content", "navigation"),
    (r"(?:main )?menu|navigation|search|home|back to top|next|previous|more|print", "navigation"),
    (r"(?:share|share this|share this (?:article|story|post|page)|share on \w+|tweet|email|whatsapp|facebook|twitter|linkedin|pinterest|telegram)", "share widget"),
    (r"(?:read more|see more|load more|view more|continue reading|click here.*|show comments?)", "link"),
    (r"(?:leave a (?:comment|reply)|\d+ comments?|comments?|post comment|add comment|reply)", "comment form"),
    (r"your email address will not be published\.?.*", "comment form"),
    (r"required fields are marked.*", "comment form"),
    (r"(?:source link|source:?\s*\S+|related (?:articles|posts|stories|news|topics)|popular (?:topics|posts|articles)|trending(?: now)?|most read|you may also like|recommended(?: for you)?|tags?:.*|categories?:.*|filed under.*)", "related links"),
    (r"(?:advertisement|sponsored(?: content)?|ad|ads by \w+)", "advertisement"),
    (r"(?:subscribe.*|sign up.*|sign in|log in|login|register|newsletter.*|follow us.*|join us.*)", "subscription"),
    (r"(?:posted|published|updated|last updated)\s*(?:on|at)?\s*:?.{0,40}\d.{0,20}", "dateline"),
    (r"(?:©|\(c\)|copyright).*|all rights reserved\.?", "site notice"),
    (r"(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)+/\S*|www\.[\w-]+(?:\.[\w-]+)+", "bare link"),
    (r"(?:accept|we use) cookies.*|.*cookie policy.*|privacy policy|terms of (?:use|service)", "site notice"),
]
# Rules that match a line by how it starts ("Tags: …", "Subscribe …", "READ …") or by a
# phrase inside it ("click here to") are open-ended: they hold for page chrome, which is
# short or headline-like, but must not swallow a full sentence that merely starts so (a
# garbled one would leave the gate). Each rule below is (pattern, reason, open-ended).
_WHOLE_LINE_RE = [(re.compile(rf"^\s*(?:{p})\s*[.:!]?\s*$", re.IGNORECASE), why, ".*" in p) for p, why in _WHOLE_LINE]
FULL_SENTENCE_WORDS = 9  # a line this long that ends with a full stop is a sentence, not chrome
_CLOSING_STOP = re.compile(r"[.!?][\"'”’)\]]*$")
# Bylines: the names must be capitalised, so "By the way, it rained" is not one.
_NAME = r"[A-Z][\w.'’-]*"
_WHOLE_LINE_RE += [
    (re.compile(rf"^\s*(?i:written by|posted by|published by|by|author|reported by)\s*:?\s*(?:{_NAME}\s*){{0,4}}$"), "byline", False),
    (re.compile(rf"^\s*(?i:more from|articles by|stories by)\s+(?:{_NAME}\s*){{1,4}}$"), "byline", False),
]

_ANYWHERE = [
    # "READ  In excess of …": a link to another story injected into the article body.
    (re.compile(r"^(?:READ(?: MORE| ALSO)?|ALSO READ|SEE ALSO|RELATED|WATCH|LISTEN)\b\s*[:|\-–—]?\s*\S"), "injected link", True),
    (re.compile(r"\b(?:does not|do not|doesn't|may not)\s+(?:necessarily\s+)?(?:reflect|express|represent)\b.{0,40}\b(?:views?|opinions?|point of view|position)\b", re.I), "site notice", False),
    (re.compile(r"\b(?:expresses|reflects|represents)\s+the\s+(?:point of view|views?|opinions?)\s+of\s+the\s+(?:site|website|publisher)", re.I), "site notice", False),
    (re.compile(r"\b(?:translated|translate[sd]? it)\b.{0,60}\b(?:automatically|programmatic|machine|software)\b|\bautomatically\b.{0,40}\btranslat", re.I), "site notice", False),
    (re.compile(r"\bcan (?:also )?be accessed at\b.{0,40}\baddress", re.I), "site notice", False),
    (re.compile(r"\b(?:click|tap) here to\b|\bsubscribe to our\b|\bsign up for our\b|\bdownload (?:our|the) app\b", re.I), "subscription", True),
]

# Breadcrumbs: "News / Foreign Policy / Russia", "Home > World > Europe".
_BREADCRUMB = re.compile(r"^\s*[\w’'&.,-]+(?:\s+[\w’'&.,-]+){0,3}(?:\s+[/>|»›]\s+[\w’'&.,-]+(?:\s+[\w’'&.,-]+){0,3}){1,}\s*$")


def matched_rule(text: str) -> tuple[str, bool] | None:
    """(reason, open-ended) of the boilerplate rule TEXT matches, or None."""
    flat = " ".join(text.split())
    for pattern, why, open_ended in _WHOLE_LINE_RE:
        if pattern.match(flat):
            return why, open_ended
    if len(flat) < 120 and _BREADCRUMB.match(flat):
        return "breadcrumb", False
    for pattern, why, open_ended in _ANYWHERE:
        if pattern.search(flat):
            return why, open_ended
    return None


def full_sentence(text: str) -> bool:
    """Long enough and closed by a full stop, question or exclamation mark."""
    return len(text.split()) >= FULL_SENTENCE_WORDS and bool(_CLOSING_STOP.search(text.strip()))


def boilerplate_reason(text: str) -> str | None:
    """Why this sentence is boilerplate, or None when it is not (also when only an open-ended
    rule matches a full sentence: see `looks_like_boilerplate`)."""
    rule = matched_rule(text)
    if rule is None or (rule[1] and full_sentence(text)):
        return None
    return rule[0]


def looks_like_boilerplate(text: str) -> str | None:
    """The open-ended rule a full sentence matches ("Subscribe …" in a whole sentence): it
    is scored like any sentence, and this is said beside its label."""
    rule = matched_rule(text)
    return rule[0] if rule is not None and rule[1] and full_sentence(text) else None


class BoilerplateFilter(SentenceFilter):
    """Labels scraped page chrome as `boilerplate`. A full sentence that only starts like
    chrome stays in the figures, with that noted in its reason."""

    name = "boilerplate"
    label = Label.BOILERPLATE

    def reason(self, document: Document, sentence: Sentence) -> str | None:
        why = boilerplate_reason(sentence.text)
        if why is None:
            also = looks_like_boilerplate(sentence.text)
            if also:
                sentence.mark(Label.OK, "starts-like-boilerplate", f"starts like boilerplate ({also})")
        return why
