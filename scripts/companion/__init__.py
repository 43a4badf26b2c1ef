"""Fall From Grace companion: podcast feed -> Whisper transcripts -> course and episode site."""

__version__ = "0.1.0"
