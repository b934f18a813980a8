"""Measurements repeated over seeds: a conclusion the book draws must hold for
every seed it tries, and a number it reports comes with its spread."""
from dataclasses import dataclass
import statistics


@dataclass(frozen=True)
class Spread:
    """The values one measurement took over the seeds."""
    values: tuple

    @property
    def mean(self):
        return statistics.fmean(self.values)

    @property
    def sd(self):
        """The sample standard deviation (n - 1 in the denominator)."""
        return statistics.stdev(self.values)

    @property
    def min(self):
        return min(self.values)

    @property
    def max(self):
        return max(self.values)

    def __format__(self, spec):
        """'mean ± sd', each formatted with `spec`:
        f"{spread:.1%}" gives '41.2% ± 2.3%'."""
        return f"{format(self.mean, spec)} ± {format(self.sd, spec)}"

    def __len__(self):
        return len(self.values)

