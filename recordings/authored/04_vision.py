"""Authored replies for notebooks/04_vision.ipynb (see helpers/authoring.py).

Every reply here is written for the course: the API could not be reached when the lesson was made,
and the figures are the course's own (imgs/make_figures.py), so no real response about them exists.
The model's caption of the figure in particular is an authored example, and the notebook says so.
The source notes hold a real gpt-4o-mini caption, but of another figure (a published one), so it is
not used here.

Prompt tokens are the text's (helpers.authoring.prompt_tokens, the o200k_base count) plus each image's,
by helpers.prices.image_tokens: gpt-5.4-mini's patch rule from OpenAI's Images and vision guide
(https://developers.openai.com/api/docs/guides/images-vision#calculating-costs), with the image sizes
read from the PNGs. So the lesson's bills show that rule, not a measurement. Completion tokens are the
reply's o200k_base count; gpt-5.4-mini answers at reasoning effort "none" by default, so no reasoning
tokens.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

from helpers.authoring import Chat, Choice, Script, count_tokens, error, prompt_tokens
from helpers.prices import image_tokens
from helpers.stub_server import StubRequest

IMGS = Path(__file__).resolve().parents[2] / "imgs"


def image_parts(request: StubRequest) -> list[dict]:
    """The image_url objects of a chat request, in order."""
    parts = []
    for message in (request.json or {}).get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            parts += [part["image_url"] for part in content if part.get("type") == "image_url"]
    return parts


def image_name(url: str) -> str:
    """The file in imgs/ an image part points at: by name for a URL, by content for a data URL."""
    if url.startswith("data:"):
        data = base64.b64decode(url.split(",", 1)[1])
        for path in sorted(IMGS.glob("*.png")):
            if path.read_bytes() == data:
                return path.name
        return "?"
    return url.rsplit("/", 1)[-1]


def png_size(name: str) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    width, height = struct.unpack(">II", (IMGS / name).read_bytes()[16:24])
    return width, height


def vision_usage(request: StubRequest) -> int:
    """Prompt tokens of a request: its text, plus each image by its size and detail."""
    total = prompt_tokens(request)
    for part in image_parts(request):
        total += image_tokens(*png_size(image_name(part["url"])), part.get("detail", "auto"))
    return total


def answer(text: str):
    """A reply whose usage is computed from the request it answers."""

    def reply(request: StubRequest) -> Chat:
        return Chat([Choice(text)], usage=(vision_usage(request), count_tokens(text)))

    return reply


def asks(words: str, images: list[tuple[str, str]]):
    """A request whose last text contains `words` and whose images are (file, detail) pairs."""

    def test(request: StubRequest) -> bool:
        found = [(image_name(p["url"]), p.get("detail", "auto")) for p in image_parts(request)]
        text = " ".join(
            part.get("text", "")
            for message in request.json["messages"]
            for part in (message["content"] if isinstance(message["content"], list) else [])
        )
        return words in text and found == images

    return test


FIGURE = "switching_figure.png"
BROKEN = "https://raw.githubusercontent.com/openai-api-workshop/course/main/imgs/switching-figure.png"

DESCRIBE_A = (
    "This is a log-log plot titled \"Sample A\" showing a probability density, P(|ΔG|), against the size "
    "of a change, |ΔG|, in units of G₀. The points fall on a nearly straight, steadily declining line "
    "from about 10⁻² to 10² G₀, which suggests the sizes follow a power law."
)
PANELS = (
    "The figure has four panels:\n"
    "- A: conductance changes ΔG (G₀) over time, in three rows: 2000 s, a 200 s zoom (×10) and a 20 s "
    "zoom (×100) of the shaded stretches.\n"
    "- B: a log-log plot of P(|ΔG|) against |ΔG| with a fitted line (slope -2.46).\n"
    "- C: a log-log plot of the distribution of inter-event intervals with a fitted line (slope -1.89).\n"
    "- D: the autocorrelation against lag (s) on log-log axes, for the recorded data and for shuffled "
    "intervals, with a fitted line (slope -0.41)."
)
TAILS = (
    "Sample A has the heavier tail: its points decline along a shallower line and extend to event sizes "
    "of about 10² G₀, where the density is still around 10⁻⁶. Sample B falls much more steeply and has no "
    "events beyond about 1 G₀, so large changes are far rarer there."
)
MODEL_CAPTION = (
    "**Figure 1. Switching dynamics in a simulated nanowire network.** "
    "**(A)** Conductance changes, ΔG (in units of G₀), recorded over 2000 s (top), with successive "
    "magnifications of the shaded regions spanning 200 s (×10, middle) and 20 s (×100, bottom). "
    "Switching events occur in bursts at all three time scales. "
    "**(B)** Probability distribution of the size of conductance changes, P(|ΔG|), on logarithmic axes, "
    "well described by a power law with a fitted slope of −2.46. "
    "**(C)** Distribution of inter-event intervals, which follows a power law with a slope of −1.89 over "
    "five decades, from 10⁻⁴ s to 10 s. "
    "**(D)** Autocorrelation of the switching activity as a function of lag, decaying as a power law with "
    "a slope of −0.41; the autocorrelation of the shuffled intervals (grey) is much weaker. "
    "Together, the heavy-tailed distributions and the long-range temporal correlations indicate that the "
    "network operates near a critical point."
)

script = Script()
# The message begins as in a real report (https://github.com/openai/openai-python/pull/2790: "Error code: 400 -
# {'error': {'message': 'Error while downloading...'}}"); the code invalid_image_url is authored.
script.add(
    "POST /v1/chat/completions",
    error(400, f"Error while downloading {BROKEN}.", "invalid_request_error", None, "invalid_image_url"),
    when=lambda request: [p["url"] for p in image_parts(request)] == [BROKEN],
)
script.add("POST /v1/chat/completions", answer(DESCRIBE_A),
           when=asks("Describe this plot in two sentences.", [("sample_a.png", "auto")]))
script.add("POST /v1/chat/completions", answer(PANELS),
           when=asks("How many panels does this figure have", [(FIGURE, "auto")]))
# No reply here says how well gpt-5.4-mini reads small print at low detail: both give the printed value, and
# the lesson says so. What differs between them is only what the guide's rule bills (the same, for this figure).
script.add("POST /v1/chat/completions", answer("-1.89"),
           when=asks("fitted slope printed in panel C", [(FIGURE, "low")]))
script.add("POST /v1/chat/completions", answer("-1.89"),
           when=asks("fitted slope printed in panel C", [(FIGURE, "high")]))
SAMPLES_AUTO = [("sample_a.png", "auto"), ("sample_b.png", "auto")]
script.add("POST /v1/chat/completions", answer(TAILS),
           when=asks("Which sample has the heavier tail?", SAMPLES_AUTO))
script.add("POST /v1/chat/completions", answer(MODEL_CAPTION),
           when=asks("Write a caption for it", [(FIGURE, "high")]))
