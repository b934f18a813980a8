"""The book's helpers that its conclusions rest on."""
import sys

from tests.support.samples import REPO

sys.path.insert(0, str(REPO / "book"))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from cnnbook.counting import forward_cost  # noqa: E402
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


def test_a_forward_pass_costs_what_the_formulas_say():
    def net():
        return nn.Sequential(nn.Conv2d(2, 8, 3, padding=1, groups=2), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 8 * 8, 10))

    on_cpu = net()
    weights = on_cpu[0].weight.clone()
    cost = forward_cost(on_cpu, (2, 16, 16))
    # Each of the 8 x 16 x 16 outputs of the convolution sums 1 input channel x 3 x 3
    # (groups=2); each of the 10 dense outputs sums 512 inputs.
    assert cost.macs == 8 * 16 * 16 * 9 + 10 * 512
    # Outputs of the convolution and the ReLU, the pooling and the flattening, the dense.
    assert cost.activations == 2 * 8 * 16 * 16 + 2 * 8 * 8 * 8 + 10
    assert cost.activation_bytes == 4 * cost.activations
    assert torch.equal(on_cpu[0].weight, weights)  # the model is left as it was
    with torch.device("meta"):
        assert forward_cost(net(), (2, 16, 16)) == cost  # shapes alone give the same
