"""The book's helpers that its conclusions rest on."""
import sys

from samples import REPO

sys.path.insert(0, str(REPO / "book"))
from cnnbook.display import count_of, how_often  # noqa: E402
from cnnbook.seeds import Spread  # noqa: E402


def test_a_spread_prints_mean_and_sample_sd_in_the_format_asked():
    spread = Spread((0.90, 0.92, 0.94))
    assert f"{spread:.1%}" == "92.0% ± 2.0%"
    assert f"{Spread((1.0, 3.0)):.2f}" == "2.00 ± 1.41"


def test_counts_read_in_the_right_number():
    assert count_of(1, "mistake") == "1 mistake" and count_of(4, "mistake") == "4 mistakes"
    assert count_of(1, "test image is", "test images are") == "1 test image is"
    assert [how_often(n) for n in (1, 2, 3)] == ["once", "twice", "3 times"]
