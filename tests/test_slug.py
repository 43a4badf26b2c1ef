"""Slugs: no feed text reaches a path unslugged; stable and unique."""

from companion.pipeline.slug import episode_slug, slugify


def test_traversal_and_separators_are_gone() -> None:
    for hostile in ("../../etc/passwd", "a/b\\c", "..", "/abs", "con", "x\x00y"):
        slug = slugify(hostile)
        assert "/" not in slug and "\\" not in slug and ".." not in slug and "\x00" not in slug


def test_emoji_and_accents() -> None:
    assert slugify("Café ☕ Talk 😀") == "cafe-talk"
    assert episode_slug("2024-05-01T00:00:00+00:00", "😀😀", "guid-1", set()).startswith(
        "2024-05-01")
    assert episode_slug(None, "😀", "guid-1", set()).startswith("episode-")


def test_unique_and_stable() -> None:
    taken: set[str] = set()
    first = episode_slug("2024-05-01", "Same title", "guid-1", taken)
    taken.add(first)
    second = episode_slug("2024-05-01", "Same title", "guid-2", taken)
    assert first == "2024-05-01-same-title" and second != first
    assert second == episode_slug("2024-05-01", "Same title", "guid-2", {first})


def test_length_is_bounded() -> None:
    assert len(episode_slug("2024-05-01", "word " * 100, "g", set())) <= 64
