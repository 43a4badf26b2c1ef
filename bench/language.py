"""Calibrate `pipeline/language.py`: the model's confidence on English and non-English speech.

Speech is made with espeak-ng (`apt-get install espeak-ng`) in several languages, plus the real
English recordings of tests/data/audio, and each is transcribed by the real pipeline
(`transcribe_audio`, default model). Prints, per clip: decoded seconds, mean avg_logprob, share
of unsure segments, compression ratio, no-speech probability, the verdict, and the first words
the English-only model wrote. The thresholds in language.py must put every English clip on the
"english" side and every other language on the "unsure" side.

The int8 arithmetic differs with the CPU code path CTranslate2 picks (`CT2_FORCE_CPU_ISA`:
GENERIC, AVX, AVX2, AVX512) and with the thread count, and so does what the English-only model
writes for speech it cannot follow. `--isa all` runs the calibration once per code path this CPU
has (each in its own process, as the variable is read when CTranslate2 loads), with `--threads`.

Usage: .venv/bin/python bench/language.py [--keep DIR] [--isa all|AVX2|...] [--threads N]
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
REAL_ENGLISH = ["jfk.wav", "sense_and_sensibility_01_austen_64kb-0870.wav", "sonnet001.mp3"]
# English through heavy radio noise: the model recognises it badly, so either verdict is right
# (the REASON names both); printed, not counted.
NOISY_ENGLISH = ["apollo11.mp3"]


def speak(language_code: str, text: str, out: Path) -> Path:
    """A WAV of `text` spoken by espeak-ng's voice for `language_code`."""
    subprocess.run(["espeak-ng", "-v", language_code, "-s", "150", "-w", str(out), text], check=True)
    return out


def real_clips() -> list[tuple[str, Path]]:
    folder = ROOT / "tests" / "data" / "audio"
    return ([(f"en-real:{name.split('.')[0][:20]}", folder / name) for name in REAL_ENGLISH]
            + [(f"noisy-en:{name.split('.')[0][:20]}", folder / name) for name in NOISY_ENGLISH])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the generated clips in this folder")
    parser.add_argument("--isa", help="CTranslate2 CPU code path(s): all, or GENERIC, AVX, AVX2, AVX512")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    args = parser.parse_args()
    if args.isa:
        return calibrate_each_isa(args)
    if not shutil.which("espeak-ng"):
        print("espeak-ng is not installed (apt-get install espeak-ng)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    clips = [(f"{code}:espeak", speak(code, text, work / f"{code}.wav")) for code, text in TEXTS.items()]
    clips += real_clips()
    settings = Settings(cpu_threads=args.threads)
    print(f"code path {os.environ.get('CT2_FORCE_CPU_ISA', 'default')}, threads {args.threads or 'all'}")
    print(f"{'clip':<28} {'s':>5} {'logprob':>8} {'wordprob':>8} {'unsure%':>7} {'compr':>6} "
          f"{'nospeech':>8}  verdict  words")
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
        wrong += verdict != expected and not name.startswith("noisy")
        print(f"{name:<28} {speech.seconds:5.1f} {speech.mean_logprob:8.3f} {speech.word_prob:8.3f} "
              f"{100 * speech.low_share:7.0f} "
              f"{speech.compression_ratio:6.2f} {speech.no_speech_prob:8.3f}  {verdict:<7}  {text}")
    print(f"thresholds: mean logprob < {language.MEAN_LOGPROB_MIN}, mean word probability < "
          f"{language.WORD_PROB_MIN}, or unsure share > {language.LOW_SHARE_MAX} (segments below "
          f"{language.LOW_LOGPROB}, compressing above {language.COMPRESSION_RATIO_MAX} or with words "
          f"below {language.LOW_WORD_PROB}); "
          f"misjudged: {wrong}")
    return 1 if wrong else 0


def calibrate_each_isa(args: argparse.Namespace) -> int:
    """Run this calibration in a child process per CPU code path; 1 when any misjudged. A code
    path this CPU lacks fails to load the model and is reported as such."""
    paths = ["GENERIC", "AVX", "AVX2", "AVX512"] if args.isa == "all" else [args.isa]
    worst = 0
    for isa in paths:
        command = [sys.executable, __file__, "--threads", str(args.threads)]
        command += ["--keep", str(args.keep)] if args.keep else []
        run = subprocess.run(command, env=os.environ | {"CT2_FORCE_CPU_ISA": isa},
                             capture_output=True, text=True)
        if "does not support" in run.stderr:
            print(f"code path {isa}: this CPU lacks it\n")
            continue
        print(run.stdout)
        if run.returncode:
            print(run.stderr, file=sys.stderr)      # espeak-ng missing, a model error ...
        worst = max(worst, run.returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
