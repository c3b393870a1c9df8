"""Training data helpers that need no data files."""

from training.data import Example, same_source_pairs


def _translation(system: str, segment: int, garbled: float | None, testset: str = "newstest2021") -> Example:
    return Example(f"{system} {segment}", "mqm", "train", garbled, group=testset,
                   meta={"id": f"{testset}.zhen.{system}.{segment}"})


def test_same_source_pairs_pair_garbled_with_fine_translations_of_one_segment_only() -> None:
    examples = [_translation("hyp.A", 1, 1.0), _translation("hyp.B", 1, 0.0), _translation("ref.A", 1, 0.0),
                _translation("hyp.C", 1, None),  # minor errors only: no sentence label, never paired
                _translation("hyp.A", 2, 1.0), _translation("hyp.B", 3, 0.0),  # different segments
                _translation("hyp.B", 1, 0.0, testset="tedtalks")]  # same number, another test set
    assert same_source_pairs(examples) == [(0, 1), (0, 2)]
