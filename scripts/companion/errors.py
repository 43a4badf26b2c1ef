"""The errors the package raises: one base, one class per stage, so callers catch them in one place.

Every exception class in `companion` derives from `CompanionError` through the class of the stage
it belongs to (`tests/test_errors.py` checks it), so a new one cannot slip past `cli.main` as a
traceback. Each module still raises its own named class (`FeedError`, `AudioError`, ...), whose
message is written for the maintainer; classes that callers have always caught as `ValueError`
keep that base too.

- `PipelineError`: feed -> episodes/ (fetching, parsing, audio, the model, corrections, merging).
- `SiteStageError`: episodes/ -> pages, downloads, search, deploy. (`site.build.SiteError`, one of
  its classes, already names "the site did not build", hence the longer name here.)
- `CourseError`: the course's bibliography, exports, bundles, cartridge, listening and stretches.
- Ground floor (`project`, `urls`): derive from `CompanionError` directly.

A class here is never raised itself: raise the module's own class, which says what went wrong.
"""

from __future__ import annotations


class CompanionError(Exception):
    """Something this package knows how to explain: the message says what to fix, never a
    traceback. `cli.main` prints it and exits 2 (1 for an episode's audio or model)."""


class PipelineError(CompanionError):
    """The pipeline stage (feed -> episodes/) failed; the subclass says where."""


class SiteStageError(CompanionError):
    """The site stage (episodes/ -> built site, deploy) failed; the subclass says where."""


class CourseError(CompanionError):
    """The course stage (bibliography, exports, bundles, cartridge, Listen stretches) failed."""
