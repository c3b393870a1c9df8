from mtfix.document import Document
from mtfix.filters.boilerplate import BoilerplateFilter, boilerplate_reason
from mtfix.filters.duplicates import DuplicateFilter
from mtfix.pipeline.segment import Segment as SentenceSplitter


def labelled(text: str) -> list[tuple[str, str]]:
    document = Document("x.txt", text, "utf-8")
    for step in (SentenceSplitter(), BoilerplateFilter(), DuplicateFilter()):
        step.process(document)
    return [(s.text, s.label) for s in document.sentences]


def test_boilerplate_patterns():
    for line in ["Skip to content", "SHARE THIS ARTICLE", "Leave a comment", "Read More",
                 "Your email address will not be published.", "News / Foreign Policy / Russia",
                 "Written By", "More from Cary Payne", "www.example.com", "Related Articles",
                 "READ In excess of 2,000 staff To Take care of patients"]:
        assert boilerplate_reason(line), line
    for line in ["By the way, the talks failed.", "Russia and the West remain very far apart.",
                 "Read the statement carefully, he said."]:
        assert boilerplate_reason(line) is None, line


def test_duplicates_and_cut_off_copies():
    text = ("Moscow warned that relations were\n\n"
            "Moscow warned that relations were on the verge of breaking down.\n\n"
            "A caption about firefighters in Kyiv\n\n"
            "A caption about firefighters in Kyiv\n\n"
            "Something else entirely happened.")
    assert [label for _, label in labelled(text)] == ["duplicate", "ok", "ok", "duplicate", "ok"]
