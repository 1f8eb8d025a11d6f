"""Draw the figures lesson 04 (vision) sends to the model, from a synthetic experiment, and the
diagram of the tool-call round trip that lesson 05 (tools) shows.

    python imgs/make_figures.py            # rewrite the PNGs and captions in imgs/
    python imgs/make_figures.py OUT_DIR    # write them somewhere else (tests/test_figures.py does)

The "experiment" is simulated here, so the figures have no outside source and the course may
show them under its own licence. The data are a self-exciting point process: random "switching
events" that each make further events more likely for a while afterwards, which gives bursts
within bursts. Everything is seeded, and the PNGs are written without a timestamp or software
tag, so the same matplotlib writes the same bytes; tests/test_figures.py checks that.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed, and the same renderer everywhere

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402  (installed with matplotlib, which writes its PNGs with it)

SEED = 20240910
DURATION = 2000.0  # seconds of simulated recording
DPI = 100
FIGURE_SIZE = (10.0, 7.5)  # inches: 1000 x 750 pixels at DPI
SAMPLE_SIZE = (6.4, 4.8)  # inches: 640 x 480 pixels at DPI
PALETTE_COLORS = 64
MEAN_EVENTS = 12_000  # expected number of switching events in the recording
CASCADE_LEVELS = 16
CASCADE_SHARE = 0.65
ZOOM = 10  # each row of panel A magnifies part of the row above by this factor in time
EVENT_COLOR = "#1f5fa8"
SHUFFLED_COLOR = "#8c8c8c"
FIT_COLOR = "#d2452b"

FIGURE_FILE = "switching_figure.png"
CAPTION_FILE = "switching_figure_caption.txt"
SAMPLE_FILES = ("sample_a.png", "sample_b.png")
ROUND_TRIP_FILE = "tool_round_trip.png"
ROUND_TRIP_SIZE = (8.0, 4.6)  # inches: 800 x 460 pixels at DPI
CODE_COLOR = "#1f5fa8"
API_COLOR = "#d2452b"


def simulate_events(rng: np.random.Generator) -> np.ndarray:
    """Event times whose rate is a random multiplicative cascade: bursts inside bursts.

    The recording is halved again and again (CASCADE_LEVELS times); at each split one half gets
    a share CASCADE_SHARE of the parent's rate and the other half the rest, at random. The rate
    that results is the same kind of patchy at every time scale, which is what panel A shows.
    """
    rate = np.ones(1)
    for _ in range(CASCADE_LEVELS):
        share = np.where(rng.random(rate.size) < 0.5, CASCADE_SHARE, 1.0 - CASCADE_SHARE)
        rate = np.column_stack([rate * share, rate * (1.0 - share)]).ravel()
    cell = DURATION / rate.size
    counts = rng.poisson(rate * MEAN_EVENTS)
    starts = np.repeat(np.arange(rate.size) * cell, counts)
    return np.sort(starts + rng.random(starts.size) * cell)


def busiest_window(times: np.ndarray, start: float, length: float, zoom: int) -> float:
    """The start of the busiest of `zoom` equal windows that tile [start, start + length)."""
    edges = start + np.arange(zoom + 1) * (length / zoom)
    counts, _ = np.histogram(times, bins=edges)
    return float(edges[int(np.argmax(counts))])


def power_law_sizes(rng: np.random.Generator, count: int, exponent: float, smallest: float) -> np.ndarray:
    """Event sizes whose density falls as size**-exponent above `smallest`."""
    return smallest * (1.0 - rng.random(count)) ** (-1.0 / (exponent - 1.0))


def log_histogram(values: np.ndarray, bins_per_decade: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A probability density on logarithmic bins: bin centres and densities, empty bins left out."""
    low, high = np.log10(values.min()), np.log10(values.max())
    edges = 10 ** np.linspace(low, high, max(2, int((high - low) * bins_per_decade)) + 1)
    counts, edges = np.histogram(values, bins=edges)
    density = counts / (counts.sum() * np.diff(edges))
    centres = np.sqrt(edges[:-1] * edges[1:])
    keep = counts > 0
    return centres[keep], density[keep]


def fit_slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of a straight line through log10(x), log10(y)."""
    slope, intercept = np.polyfit(np.log10(x), np.log10(y), 1)
    return float(slope), float(intercept)


def autocorrelation(series: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """The autocorrelation of a series at the given integer lags."""
    centred = series - series.mean()
    variance = float(np.dot(centred, centred))
    return np.array([np.dot(centred[:-lag], centred[lag:]) / variance for lag in lags])


def activity(times: np.ndarray, bin_width: float) -> np.ndarray:
    """Events per bin over the whole recording."""
    counts, _ = np.histogram(times, bins=np.arange(0.0, DURATION + bin_width, bin_width))
    return counts.astype(float)


def _style() -> None:
    matplotlib.rcdefaults()  # ignore any matplotlibrc on the machine: same input, same pixels
    plt.rcParams.update({
        "font.size": 9,
        "axes.titlesize": 9,
        "axes.labelsize": 9,
        "legend.fontsize": 8,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def _save(fig: plt.Figure, path: Path) -> None:
    """Write a PNG with stable bytes, reduced to a small palette so recordings that embed it stay small."""
    # No "Software" tag (it names the matplotlib version) and PNG stores no date.
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    # A plot has a handful of colours: 64 keep every line and label, at a third of the bytes.
    image = Image.open(buffer).convert("RGB")
    image.quantize(colors=PALETTE_COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, format="PNG", optimize=True
    )


def _panel_label(ax: plt.Axes, letter: str) -> None:
    ax.text(-0.07, 1.02, letter, transform=ax.transAxes, fontsize=12, fontweight="bold", va="bottom")


def draw_switching_figure(out_dir: Path) -> dict[str, float]:
    """The four-panel figure; returns the numbers its caption quotes."""
    rng = np.random.default_rng(SEED)
    times = simulate_events(rng)
    sizes = power_law_sizes(rng, times.size, exponent=2.4, smallest=0.01)
    signs = rng.choice([-1.0, 1.0], times.size)
    intervals = np.diff(times)
    intervals = intervals[intervals > 0]

    fig = plt.figure(figsize=FIGURE_SIZE)
    grid = fig.add_gridspec(5, 3, height_ratios=[1, 1, 1, 0.35, 2.6], hspace=0.55, wspace=0.35,
                            left=0.07, right=0.98, top=0.95, bottom=0.08)

    # A: the same recording at three time magnifications, each row zoomed on a burst of the row above
    windows = [(0.0, DURATION)]
    for _ in range(2):
        start, length = windows[-1]
        windows.append((busiest_window(times, start, length, ZOOM), length / ZOOM))
    limit = float(np.quantile(sizes, 0.995))
    for row, (start, length) in enumerate(windows):
        ax = fig.add_subplot(grid[row, :])
        inside = (times >= start) & (times < start + length)
        ax.vlines(times[inside], 0, signs[inside] * sizes[inside], color=EVENT_COLOR, linewidth=0.6,
                  antialiased=False)
        ax.set_xlim(start, start + length)
        ax.set_ylim(-limit, limit)
        ax.set_ylabel("ΔG (G₀)")
        if row + 1 < len(windows):
            child_start, child_length = windows[row + 1]
            ax.axvspan(child_start, child_start + child_length, color="#f2c14e", alpha=0.45, linewidth=0)
        magnification = round(DURATION / length)
        ax.text(1.0, 1.0, f"{length:g} s" + (f"  (×{magnification})" if magnification > 1 else ""),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=8)
        if row == 0:
            _panel_label(ax, "A")
        if row == len(windows) - 1:
            ax.set_xlabel("time (s)")

    numbers: dict[str, float] = {"events": float(times.size)}

    # B: sizes of the conductance changes
    ax = fig.add_subplot(grid[4, 0])
    x, y = log_histogram(sizes)
    slope, intercept = fit_slope(x, y)
    numbers["size_slope"] = slope
    ax.loglog(x, y, "o", color=EVENT_COLOR, markersize=4)
    ax.loglog(x, 10 ** intercept * x**slope, "-", color=FIT_COLOR, linewidth=1.2)
    ax.text(0.95, 0.92, f"slope {slope:.2f}", transform=ax.transAxes, ha="right", va="top", color=FIT_COLOR)
    ax.set_xlabel("|ΔG| (G₀)")
    ax.set_ylabel("P(|ΔG|)")
    _panel_label(ax, "B")

    # C: inter-event intervals
    ax = fig.add_subplot(grid[4, 1])
    x, y = log_histogram(intervals[intervals > 1e-4], bins_per_decade=5)
    middle = (x > 0.01) & (x < 10)
    slope, intercept = fit_slope(x[middle], y[middle])
    numbers["interval_slope"] = slope
    ax.loglog(x, y, "o", color=EVENT_COLOR, markersize=4)
    ax.loglog(x[middle], 10 ** intercept * x[middle] ** slope, "-", color=FIT_COLOR, linewidth=1.2)
    ax.text(0.95, 0.92, f"slope {slope:.2f}", transform=ax.transAxes, ha="right", va="top", color=FIT_COLOR)
    ax.set_xlabel("inter-event interval (s)")
    ax.set_ylabel("P(interval)")
    _panel_label(ax, "C")

    # D: autocorrelation of the activity, and of the same intervals in random order
    ax = fig.add_subplot(grid[4, 2])
    bin_width = 0.5
    lags = np.unique(np.logspace(0, np.log10(400), 24).astype(int))
    acf = autocorrelation(activity(times, bin_width), lags)
    shuffled_times = times[0] + np.concatenate([[0.0], np.cumsum(rng.permutation(np.diff(times)))])
    acf_shuffled = autocorrelation(activity(shuffled_times, bin_width), lags)
    lag_seconds = lags * bin_width
    positive = acf > 0
    fitted = positive & (lag_seconds <= 100)
    slope, intercept = fit_slope(lag_seconds[fitted], acf[fitted])
    numbers["acf_slope"] = slope
    ax.loglog(lag_seconds[positive], acf[positive], "o", color=EVENT_COLOR, markersize=4, label="recorded")
    shown = acf_shuffled > 0
    ax.loglog(lag_seconds[shown], acf_shuffled[shown], "s", color=SHUFFLED_COLOR, markersize=3.5,
              label="intervals shuffled")
    ax.loglog(lag_seconds[fitted], 10 ** intercept * lag_seconds[fitted] ** slope, "-", color=FIT_COLOR,
              linewidth=1.2)
    ax.text(0.95, 0.92, f"slope {slope:.2f}", transform=ax.transAxes, ha="right", va="top", color=FIT_COLOR)
    ax.set_xlabel("lag (s)")
    ax.set_ylabel("autocorrelation")
    ax.legend(loc="lower left", frameon=False)
    _panel_label(ax, "D")

    _save(fig, out_dir / FIGURE_FILE)
    return numbers


def caption(numbers: dict[str, float]) -> str:
    """The figure's own caption, as its author would write it."""
    return (
        "Fig. 1. Bursty switching in a simulated nanowire network. "
        f"(A) Changes in network conductance, ΔG (in units of G₀), over {DURATION:g} s of recording "
        f"({numbers['events']:,.0f} switching events). The middle row magnifies the shaded stretch of the "
        f"top row {ZOOM} times in time, and the bottom row magnifies the shaded stretch of the middle row "
        f"{ZOOM} times again (×{ZOOM * ZOOM} overall). The activity looks alike at every magnification, "
        "with bursts inside bursts: it is self-similar. "
        "Panels B to D use the whole recording. "
        "(B) The probability density of the size of each change, |ΔG|, follows a power law on log-log "
        f"axes (fitted slope {numbers['size_slope']:.2f}): most changes are small, but very large ones "
        "still occur (a heavy tail). "
        "(C) The intervals between consecutive events span five decades. Their density is nearly flat "
        "below about 10 ms and then falls steeply, roughly as a power law "
        f"(slope {numbers['interval_slope']:.2f}, fitted from 0.01 to 10 s). "
        "(D) The autocorrelation of the activity (events per 0.5 s bin) decays slowly, as a power law "
        f"(slope {numbers['acf_slope']:.2f}, fitted from 0.5 to 100 s): events stay correlated over "
        "minutes. When the same intervals are put in random order (grey; only positive values shown), "
        "the autocorrelation drops to a few per cent within seconds, so the correlation lies in the order "
        "of the events, not in the distribution of the intervals. "
        "Data simulated for this course by imgs/make_figures.py."
    )


def draw_sample(out_dir: Path, name: str, title: str, exponent: float, seed: int) -> None:
    """One event-size histogram on log-log axes, with no fit: the model has to read the shape."""
    rng = np.random.default_rng(seed)
    sizes = power_law_sizes(rng, 20_000, exponent=exponent, smallest=0.01)
    x, y = log_histogram(sizes)
    fig, ax = plt.subplots(figsize=SAMPLE_SIZE)
    ax.loglog(x, y, "o", color=EVENT_COLOR, markersize=5)
    ax.set_xlim(5e-3, 2e2)
    ax.set_ylim(1e-7, 1e3)
    ax.set_title(title)
    ax.set_xlabel("|ΔG| (G₀)")
    ax.set_ylabel("P(|ΔG|)")
    fig.tight_layout()
    _save(fig, out_dir / name)


def draw_tool_round_trip(out_dir: Path) -> None:
    """Lesson 05's diagram: your code and the API, and the messages that pass between them."""
    fig, ax = plt.subplots(figsize=ROUND_TRIP_SIZE)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    lanes = {"code": 2.0, "api": 8.0}
    for x, title, color in [(lanes["code"], "your code", CODE_COLOR), (lanes["api"], "the API (the model)", API_COLOR)]:
        ax.text(x, 9.55, title, ha="center", va="center", fontsize=11, fontweight="bold", color=color)
        ax.plot([x, x], [1.4, 9.1], color=color, linewidth=1.2, linestyle=(0, (4, 3)))

    def message(y: float, to_api: bool, first: str, second: str) -> None:
        start, end = (lanes["code"], lanes["api"]) if to_api else (lanes["api"], lanes["code"])
        color = CODE_COLOR if to_api else API_COLOR
        ax.annotate("", xy=(end, y), xytext=(start, y),
                    arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.6, "mutation_scale": 14})
        ax.text(5.0, y + 0.22, first, ha="center", va="bottom", fontsize=9.5)
        ax.text(5.0, y - 0.22, second, ha="center", va="top", fontsize=8.5, color="#444444", family="monospace")

    message(8.3, True, "1. the messages and the tools", "create(messages=..., tools=...)")
    message(6.6, False, "2. a request to run a function, not an answer", "message.tool_calls: id, name, arguments")
    ax.text(lanes["code"], 5.35, "3. run it:\nmultiply(a=1056, b=1316)", ha="center", va="center", fontsize=9,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "#eef3fa", "edgecolor": CODE_COLOR})
    message(3.9, True, "4. the messages so far, the tools, and one tool message per call",
            '{"role": "tool", "tool_call_id": ..., "content": ...}')
    message(2.2, False, "5. the answer (or more tool calls: back to 3)", "no tool_calls: the loop stops")
    ax.text(5.0, 0.75, "Test message.tool_calls to tell 2 from 5: a forced call is reported to finish with \"stop\".",
            ha="center", va="center", fontsize=8.5, style="italic", color="#444444")
    fig.tight_layout(pad=0.3)
    _save(fig, out_dir / ROUND_TRIP_FILE)


def main(out_dir: Path) -> list[Path]:
    """Write every figure and caption into `out_dir`; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _style()
    numbers = draw_switching_figure(out_dir)
    (out_dir / CAPTION_FILE).write_text(caption(numbers) + "\n", encoding="utf-8")
    draw_sample(out_dir, SAMPLE_FILES[0], "Sample A", exponent=1.9, seed=SEED + 1)
    draw_sample(out_dir, SAMPLE_FILES[1], "Sample B", exponent=3.0, seed=SEED + 2)
    draw_tool_round_trip(out_dir)
    return [out_dir / FIGURE_FILE, out_dir / CAPTION_FILE] + [out_dir / name for name in SAMPLE_FILES] + [
        out_dir / ROUND_TRIP_FILE
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for path in main(target):
        print(f"{path.name}: {path.stat().st_size:,} bytes")
