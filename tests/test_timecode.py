"""Time codes as lecturers and maintainers write them, in links and corrections.yml."""

import pytest

from companion.timecode import format_clock, parse_time


@pytest.mark.parametrize("value,seconds", [(750, 750), ("750", 750), ("12:30", 750),
                                           ("12:30.5", 750.5), ("1:02:03", 3723), ("62:03", 3723)])
def test_parse_time(value, seconds) -> None:
    assert parse_time(value) == seconds


@pytest.mark.parametrize("value", ["", "12:xx", "1:2:3:4", "-5", None, True, "1:75"])
def test_parse_time_rejects_nonsense(value) -> None:
    with pytest.raises(ValueError):
        parse_time(value)


@pytest.mark.parametrize("seconds,text", [(0, "0:00"), (750.4, "12:30"), (3723, "1:02:03")])
def test_format_clock(seconds, text) -> None:
    assert format_clock(seconds) == text
    assert parse_time(text) == pytest.approx(seconds, abs=0.5)
