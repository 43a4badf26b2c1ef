"""Calibrate `pipeline/language.py`: the model's confidence on English and non-English speech.

Speech is made with espeak-ng (`apt-get install espeak-ng`) in several languages, plus the real
English recordings of tests/data/audio, and each is transcribed by the real pipeline
(`transcribe_audio`, default model). Prints, per clip: decoded seconds, mean avg_logprob, share
of unsure segments, compression ratio, no-speech probability, the verdict, and the first words
the English-only model wrote. The thresholds in language.py must put every English clip on the
"english" side and every other language on the "unsure" side.

Usage: .venv/bin/python bench/language.py [--keep DIR]   (DIR: keep the generated clips)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from companion.pipeline import audio, language  # noqa: E402
from companion.pipeline.transcribe import Settings, transcribe_audio  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {
    "en": "Recovery is not a straight line. Some weeks you feel strong and some weeks you do not, "
          "and that is part of the work. Today we talk about asking for help, about the first "
          "ninety days, and about what a good sponsor does when things get hard.",
    "de": "Die Genesung ist kein gerader Weg. In manchen Wochen fühlt man sich stark, in anderen "
          "nicht, und das gehört zur Arbeit dazu. Heute sprechen wir darüber, wie man um Hilfe "
          "bittet, über die ersten neunzig Tage und über die Rolle eines guten Begleiters.",
    "fr": "La guérison n'est pas une ligne droite. Certaines semaines on se sent fort, d'autres "
          "non, et cela fait partie du travail. Aujourd'hui nous parlons de demander de l'aide, "
          "des quatre-vingt-dix premiers jours et du rôle d'un bon parrain.",
    "es": "La recuperación no es una línea recta. Algunas semanas te sientes fuerte y otras no, "
          "y eso es parte del trabajo. Hoy hablamos de pedir ayuda, de los primeros noventa días "
          "y de lo que hace un buen padrino cuando las cosas se ponen difíciles.",
    "it": "La guarigione non è una linea retta. Alcune settimane ti senti forte e altre no, ed è "
          "parte del lavoro. Oggi parliamo di chiedere aiuto, dei primi novanta giorni e di cosa "
          "fa un buon padrino quando le cose diventano difficili.",
    "nl": "Herstel is geen rechte lijn. Sommige weken voel je je sterk en andere weken niet, en "
          "dat hoort bij het werk. Vandaag praten we over hulp vragen, over de eerste negentig "
          "dagen en over wat een goede begeleider doet als het moeilijk wordt.",
    "pl": "Powrót do zdrowia nie jest prostą linią. W niektóre tygodnie czujesz się silny, a w "
          "inne nie, i to jest część pracy. Dziś mówimy o proszeniu o pomoc, o pierwszych "
          "dziewięćdziesięciu dniach i o roli dobrego opiekuna.",
    "pt": "A recuperação não é uma linha reta. Em algumas semanas você se sente forte e em outras "
          "não, e isso faz parte do trabalho. Hoje falamos sobre pedir ajuda, sobre os primeiros "
          "noventa dias e sobre o que faz um bom padrinho.",
    "sv": "Tillfrisknande är ingen rak linje. Vissa veckor känner man sig stark och andra inte, "
          "och det är en del av arbetet. Idag pratar vi om att be om hjälp, om de första nittio "
          "dagarna och om vad en bra stödperson gör.",
    "tr": "İyileşme düz bir çizgi değildir. Bazı haftalar kendinizi güçlü hissedersiniz, bazı "
          "haftalar hissetmezsiniz ve bu işin bir parçasıdır. Bugün yardım istemeyi, ilk doksan "
          "günü ve iyi bir rehberin ne yaptığını konuşuyoruz.",
}
REAL_ENGLISH = ["jfk.wav", "apollo11.mp3", "sense_and_sensibility_01_austen_64kb-0870.wav",
                "sonnet001.mp3"]


def speak(language_code: str, text: str, out: Path) -> Path:
    """A WAV of `text` spoken by espeak-ng's voice for `language_code`."""
    subprocess.run(["espeak-ng", "-v", language_code, "-s", "150", "-w", str(out), text], check=True)
    return out


def real_clips() -> list[tuple[str, Path]]:
    folder = ROOT / "tests" / "data" / "audio"
    return [(f"en-real:{name.split('.')[0][:20]}", folder / name) for name in REAL_ENGLISH]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the generated clips in this folder")
    args = parser.parse_args()
    if not shutil.which("espeak-ng"):
        print("espeak-ng is not installed (apt-get install espeak-ng)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    clips = [(f"{code}:espeak", speak(code, text, work / f"{code}.wav")) for code, text in TEXTS.items()]
    clips += real_clips()
    settings = Settings()
    print(f"{'clip':<28} {'s':>5} {'logprob':>8} {'unsure%':>7} {'compr':>6} {'nospeech':>8}  verdict  words")
    wrong = 0
    for name, path in clips:
        decoded = audio.load_audio(path)
        samples = decoded.samples[: 60 * audio.SAMPLE_RATE]     # a minute is enough to judge
        result = transcribe_audio(samples, settings)
        speech = result.speech
        text = " ".join(s["body"] for s in result.segments)[:60]
        if speech is None:
            print(f"{name:<28} nothing decoded")
            continue
        verdict = "unsure" if speech.unsure else "english"
        expected = "english" if name.startswith("en") else "unsure"
        wrong += verdict != expected
        print(f"{name:<28} {speech.seconds:5.1f} {speech.mean_logprob:8.3f} {100 * speech.low_share:7.0f} "
              f"{speech.compression_ratio:6.2f} {speech.no_speech_prob:8.3f}  {verdict:<7}  {text}")
    print(f"thresholds: mean logprob < {language.MEAN_LOGPROB_MIN}, or unsure share > "
          f"{language.LOW_SHARE_MAX} (segments below {language.LOW_LOGPROB}); misjudged: {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
