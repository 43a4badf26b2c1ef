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

Each model runs on its own worker thread, and glibc gives every thread that allocates its own heap
(arena), keeping what the thread frees there for that thread alone: the encoder's 30 s buffers
then sat unused beside the decoder's and the VAD's. One arena for the process (`one_heap`, glibc's
`mallopt(M_ARENA_MAX, 1)`) lets each reuse what the others freed: on the programme the pipeline
peaked at 422 MB against 459 MB without it (370 MB with one model on 2 threads; 389 MB when
`MALLOC_ARENA_MAX=1` is set before the process starts, so that no thread made a heap of its own
before this call). CTranslate2's allocations are few and large, so the shared heap's lock is
rarely contended.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any

import numpy as np

from companion.pipeline.whole_window import WholeWindowModel

DECODER_THREADS = 1              # CPU threads of the decoder and of the word alignment
M_ARENA_MAX = -8                 # glibc's mallopt parameter (malloc.h)


def one_heap() -> bool:
    """Make every thread that allocates from now on share glibc's main heap (`mallopt(M_ARENA_MAX,
    1)`); whether it was set (False where the C library is not glibc: nothing changes there)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False


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
        if split:
            one_heap()     # before the models' worker threads first allocate
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
