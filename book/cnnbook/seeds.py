"""Repeating an experiment over seeds: a conclusion the book draws must hold for every
seed it tries, and a number it reports comes with its spread."""
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

    def __format__(self, spec):
        """'mean ± sd', each formatted with `spec`: f"{spread:.1%}" gives '41.2% ± 2.3%'."""
        return f"{format(self.mean, spec)} ± {format(self.sd, spec)}"

    def __len__(self):
        return len(self.values)


def over_seeds(run, seeds):
    """Call run(seed) for each seed. run returns a dict of numbers; the result maps each
    name to the Spread of its values over the seeds."""
    results = [run(seed) for seed in seeds]
    return {name: Spread(tuple(result[name] for result in results)) for name in results[0]}
