"""Which of an item's media files is the audio, when the feed does not say: ask the host.

An `<enclosure>` with no type (or `application/octet-stream`) and no telling file name
(`https://host/play/42`, `.../download?id=7`) can be the audio, the video, the cover or a web page;
only the host's `Content-Type` tells (Clementine#5934 and AntennaPod#2074: such enclosures were
ignored or taken blindly). Before downloading, each untyped candidate is asked what it is
(`http.served_type`, no body read), the candidates are ranked again by what the hosts said, and
the choice says why.
"""

from __future__ import annotations

from typing import Any, Callable

from companion.pipeline import feed, http


def choose(source: dict[str, Any], served_type: Callable[[str], str | None] = http.served_type
           ) -> dict[str, Any]:
    """The media to download among `source["candidates"]` (`feed.audio_source`), each untyped
    one typed by what its host serves it as; `source` itself when it has no candidates.

    A candidate whose host cannot be asked stays untyped (ffmpeg then reads what it holds).
    Raises http.FetchError when every candidate is served as something other than media
    (a web page, an image)."""
    candidates = source.get("candidates")
    if not candidates:
        return source
    typed, said = [], []
    for media in candidates:
        if feed.media_kind(media["type"], media["url"]) == "unknown":
            try:
                served = served_type(media["url"])
            except http.FetchError:
                served = None
            if served and served not in feed.UNDECLARED_TYPES:
                said.append(f"{media['url']} is served as {served}")
                media = {**media, "type": served}
        typed.append(media)
    media_only = [m for m in typed if feed.media_kind(m["type"], m["url"]) != "other"]
    if not media_only:
        raise http.FetchError("the feed gives no audio for this episode: asked, its host says "
                              + "; ".join(said) + " (not audio or video: a web page, an image?)")
    chosen = feed.audio_source([m for m in media_only if m["origin"] != "alternateEnclosure"],
                               [m for m in media_only if m["origin"] == "alternateEnclosure"]
                               ) or dict(source)
    chosen.pop("candidates", None)
    if said:
        chosen["why"] += "; asked over HTTP: " + "; ".join(said)
    return chosen
