from mtfix.segmentation import segment


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text)]


def test_abbreviations_initials_and_numbers_do_not_split():
    text = "Dr. J. R. Smith met U.S President Biden on Jan. 5 in Washington. Room No. 4 was hit."
    assert sentences(text) == ["Dr. J. R. Smith met U.S President Biden on Jan. 5 in Washington.",
                               "Room No. 4 was hit."]


def test_quotes_and_ellipses():
    text = "“It is over,” he said. “We go.” Then… nothing. “... We don’t know,” she said."
    assert sentences(text) == ["“It is over,” he said.", "“We go.”", "Then… nothing.",
                               "“... We don’t know,” she said."]


def test_lowercase_after_stop_stays_in_one_sentence():
    # "issues. during" is an MT artifact inside one sentence, not two sentences.
    assert len(sentences("He will raise issues. during their chat.")) == 1


def test_headlines_and_captions_are_their_own_sentences():
    text = "Russia warns US\n\nA long paragraph starts here. It goes on.\nMutual restriction\nThe end."
    assert sentences(text) == ["Russia warns US", "A long paragraph starts here.", "It goes on.",
                               "Mutual restriction", "The end."]


def test_hard_wrapped_lines_are_joined():
    text = ("The delegations of Ukraine and Russia held several rounds of talks both\n"
            "in person and most recently via video link.")
    assert sentences(text) == [text]


def test_markdown_markers_are_not_part_of_the_sentence():
    assert sentences("# Title here\n\n- First point is fine.\n- Second one.") == [
        "Title here", "First point is fine.", "Second one."]


def test_offsets_are_exact_and_paragraphs_counted():
    text = "  One. Two?\r\n\r\nThree!  "
    found = segment(text)
    assert [text[s.start:s.end] for s in found] == ["One.", "Two?", "Three!"]
    assert [s.paragraph for s in found] == [0, 0, 1]


def test_plain_text_has_no_code_a_line_of_backticks_hides_nothing():
    text = "Intro sentence here.\n\n```\n\nThe talks Would continue next Week.\n"
    assert "The talks Would continue next Week." in sentences(text)
