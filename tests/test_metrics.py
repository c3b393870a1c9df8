"""The statistics the benchmarks report (training/metrics.py)."""

import numpy as np

from training.metrics import auroc, binned_auroc, same_length_auroc


def test_auroc_counts_ties_as_half():
    assert auroc([0.1, 0.9], [False, True]) == 1.0
    assert auroc([0.5, 0.5], [False, True]) == 0.5


def test_length_itself_scores_inside_quartiles_but_not_among_equal_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 60, 4000)
    positive = rng.random(4000) < lengths / 80  # longer sentences hold more errors, as in MQM
    assert binned_auroc(lengths.astype(float), positive, lengths)[0] > 0.55
    assert same_length_auroc(lengths.astype(float), positive, lengths) == 0.5


def test_same_length_auroc_pools_the_pairs_of_each_length():
    scores = np.array([0.9, 0.1, 0.5, 0.8, 0.3])
    positive = np.array([True, False, True, False, False])
    lengths = np.array([3, 3, 7, 7, 7])
    # length 3: one pair, ranked right; length 7: two pairs, one ranked right (0.5 over 0.1 is
    # across lengths and does not count)
    assert same_length_auroc(scores, positive, lengths) == 2 / 3


def test_same_length_auroc_without_pairs_is_nan():
    assert np.isnan(same_length_auroc([0.1, 0.2], [True, True], [4, 5]))
