"""A survey scale that does not fit the scores is detected and said, in both languages."""

from __future__ import annotations

import pytest

from segmentation.satisfaction import SCALES, scale_mismatch

FIVE_POINT = [1, 2, 3, 4, 5, 5, 4, 3]


@pytest.mark.parametrize(("scores", "key", "expected"), [
    (FIVE_POINT, "0-100", "none can reach 80"),        # 1-5 answers read as 0-100
    (FIVE_POINT, "1-7", "none can reach 6"),
    (FIVE_POINT, "0-10", "none can reach 9"),
    ([0, 10, 35, 80, 100], "1-5", "5 of 5 lie outside 1–5"),
    ([0, 6, 9, 10], "1-7", "3 of 4 lie outside 1–7"),
], ids=["1-5 on 0-100", "1-5 on 1-7", "1-5 on 0-10", "0-100 on 1-5", "0-10 on 1-7"])
def test_a_scale_that_does_not_fit_is_named(scores, key, expected):
    message = scale_mismatch(scores, SCALES[key], "en")
    assert message is not None and expected in message
    assert "does not fit these scores" in message
    assert "与评分不符" in scale_mismatch(scores, SCALES[key], "zh")


@pytest.mark.parametrize(("scores", "key"), [
    (FIVE_POINT, "1-5"), ([1, 2, 3], "1-5"),    # low answers on the right scale: fine
    ([10, 55, 92], "0-100"), ([0, 7, 10], "0-10"), ([], "0-100"),
])
def test_a_fitting_scale_is_quiet(scores, key):
    assert scale_mismatch(scores, SCALES[key]) is None


def test_the_sample_read_as_0_100_says_what_fits():
    message = scale_mismatch(FIVE_POINT, SCALES["0-100"], "en")
    assert message == (
        "The scale CSAT (share of 80–100) does not fit these scores: they run from 1 to 5, so "
        "none can reach 80 and every figure below would read as zero. They fit CSAT (share "
        "of 4–5); choose the scale the survey used, or “automatic”.")
