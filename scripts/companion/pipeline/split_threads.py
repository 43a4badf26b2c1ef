"""Whisper's encoder on every CPU thread it is given, its decoder on one.

The encoder is a few large matrix products per 30 s window: on 2 threads it takes half the wall
time of 1 at the same CPU time. The decoder is the opposite: each token of a beam search is dozens
of small operations (4 layers of attention over one or two hypotheses, a softmax over 51,864
tokens), and splitting each across OpenMP threads costs more in synchronisation than it gains.
Measured on the completeness programme with tiny.en int8 on 2 cores (bench/transcribe.py, README,
issue 23): the decoder took 4.8 to 5.5 s of CPU on 2 threads and 3.9 to 4.2 s on 1, for the same
tokens; the encoder 3.8 to 4.2 s either way. So the pipeline's model decodes (and aligns words)
on one thread and encodes on `cpu_threads`, through a second CTranslate2 model of the same weights
used for `encode` only (tiny.en: 62 MB more memory).

CTranslate2 fixes a model's threads when it is loaded, so two threads settings need two models;
an encoder output is a plain CPU tensor that either model's `generate` and `align` accept.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from companion.pipeline.whole_window import WholeWindowModel

DECODER_THREADS = 1              # CPU threads of the decoder and of the word alignment


class SplitThreadsModel(WholeWindowModel):
    """A `WholeWindowModel` that encodes on `cpu_threads` and decodes on DECODER_THREADS (on the
    CPU, when `cpu_threads` is not already DECODER_THREADS; otherwise one model does both).

    `path` is a model folder or a faster-whisper model name (fetched only when online); the other
    arguments are WhisperModel's. Raises what WhisperModel and CTranslate2 raise on a bad model."""

    def __init__(self, path: str, device: str = "cpu", compute_type: str = "default",
                 cpu_threads: int = 0, local_files_only: bool = False) -> None:
        if not os.path.isdir(path):
            from faster_whisper.utils import download_model

            path = download_model(path, local_files_only=local_files_only)
        split = device == "cpu" and cpu_threads != DECODER_THREADS
        super().__init__(path, device=device, compute_type=compute_type,
                         cpu_threads=DECODER_THREADS if split else cpu_threads,
                         local_files_only=local_files_only)
        self.encoder: Any = None
        if split:
            import ctranslate2

            self.encoder = ctranslate2.models.Whisper(path, device=device, compute_type=compute_type,
                                                      intra_threads=cpu_threads)

    def encode(self, features: np.ndarray) -> Any:
        """The encoder output (a CTranslate2 StorageView) of log-Mel `features` (80 x frames, or a
        batch of them), computed on the encoder's threads."""
        if self.encoder is None:
            return super().encode(features)
        from faster_whisper.transcribe import get_ctranslate2_storage

        if features.ndim == 2:
            features = np.expand_dims(features, 0)
        return self.encoder.encode(get_ctranslate2_storage(features), to_cpu=False)
