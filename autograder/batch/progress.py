"""Progress of a batch: tqdm's bar (count, rate, time left) on a terminal; in a log, where a
bar is noise, one line a minute with the same numbers."""
import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, total, initial=0, stream=None, every=60.0):
        self.stream = stream or sys.stderr
        self.total, self.done, self.every = total, initial, every
        self.terminal = self.stream.isatty()
        self._bar = tqdm(total=total, initial=initial, unit="submission", file=self.stream,
                         disable=not self.terminal)
        self._started = self._last = time.monotonic()
        self._initial = initial

    def update(self, count=1):
        self.done += count
        self._bar.update(count)
        now = time.monotonic()
        if not self.terminal and now - self._last >= self.every:
            self._last = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now=None):
        elapsed = (now or time.monotonic()) - self._started
        graded_here = self.done - self._initial
        rate = graded_here / elapsed if elapsed > 0 else 0.0
        text = f"graded {self.done} of {self.total}"
        if rate > 0:
            left = (self.total - self.done) / rate
            text += f" ({rate * 60:.1f} a minute, about {_duration(left)} left)"
        return text

    def close(self):
        self._bar.close()


def _duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
