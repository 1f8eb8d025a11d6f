"""Make the short spoken clips lesson 14 (images and audio) uses, with espeak-ng and lame.

    python audio/make_clips.py            # rewrite the MP3 files in audio/
    python audio/make_clips.py OUT_DIR    # write them somewhere else (tests/test_nb14.py does)

Every clip is speech synthesised offline by espeak-ng from the sentence written below, then
encoded as a small MP3 (16 kHz, mono, 16 kbit/s) by lame, so the course owns the audio outright
and the recordings that upload it stay small. The same versions of espeak-ng and lame write the
same bytes. Both are Debian packages (`apt-get install espeak-ng lame`); learners never need them.

Two clips are inputs a lesson sends to the API; two stand in, in the authored recordings, for the
speech `gpt-4o-mini-tts` would return (they are espeak-ng's voice, not OpenAI's).
After a clip changes, run `course author 14`: the recordings carry the clips' bytes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDS_PER_MINUTE = 150  # a little slower than espeak-ng's 175, for clearer words
SAMPLE_RATE_KHZ = 16
BITRATE_KBPS = 16


@dataclass(frozen=True)
class Clip:
    """One spoken sentence: the file it goes to, the espeak-ng voice, the words, and what it is for."""

    file: str
    voice: str
    text: str
    use: str


CLIPS = (
    Clip("booking_en.mp3", "en-us", "Please book a table for four on Friday at seven thirty.",
         "lesson 14: transcribed with gpt-transcribe"),
    Clip("booking_fr.mp3", "fr-fr", "Je voudrais réserver une table pour quatre, vendredi soir.",
         "lesson 14: translated into English with whisper-1; exercise 14.2 transcribes it"),
    Clip("confirmation_en.mp3", "en-us", "Your table for four is booked for Friday at seven thirty.",
         "stand-in for gpt-4o-mini-tts's reply in the authored recording of lesson 14"),
    Clip("request_en.mp3", "en-us", "I would like to book a table for four on Friday evening.",
         "stand-in for gpt-4o-mini-tts's reply in the authored recording of exercise 14.3"),
)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed. On Debian or Ubuntu: sudo apt-get install espeak-ng lame")
    return found


def make(clip: Clip, folder: Path) -> Path:
    """Speak `clip` with espeak-ng into a WAV file, encode it as MP3 in `folder`, and return its path."""
    espeak, lame = _tool("espeak-ng"), _tool("lame")
    target = folder / clip.file
    with tempfile.TemporaryDirectory() as temp:
        wav = Path(temp) / "speech.wav"
        subprocess.run([espeak, "-v", clip.voice, "-s", str(WORDS_PER_MINUTE), "-w", str(wav), clip.text],
                       check=True)
        subprocess.run([lame, "--silent", "-m", "m", "--resample", str(SAMPLE_RATE_KHZ), "-b", str(BITRATE_KBPS),
                        str(wav), str(target)], check=True)
    return target


def main(argv: list[str] | None = None) -> list[Path]:
    """Write every clip; with a folder argument, write them there instead of audio/."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else HERE
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for clip in CLIPS:
        path = make(clip, folder)
        print(f"{path.name}: {path.stat().st_size:,} bytes, {clip.voice}: {clip.text}")
        written.append(path)
    return written


if __name__ == "__main__":
    main()
