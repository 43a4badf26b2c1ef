"""`mkdocs serve` / `properdocs serve` whose live-reload server names UTF-8 for HTML and text.

Run as `python -m companion.site.serve_utf8 ENGINE serve ...` (ENGINE: mkdocs or properdocs). Both
engines' servers send `text/html` and `text/plain` with no charset, so a browser opening
`transcript.txt` from `companion serve` guesses the reader's locale encoding (often windows-1252)
and shows "cafÃ©". The type guess is wrapped here with the same rule as the demo's server.
"""

from __future__ import annotations

import importlib
import sys

from companion.site.static_server import with_charset

ENGINES = ("mkdocs", "properdocs")


def name_utf8(engine: str) -> None:
    """Wrap `<engine>.livereload.LiveReloadServer._guess_type` so text types carry `charset=utf-8`."""
    server = importlib.import_module(f"{engine}.livereload").LiveReloadServer
    guess = server._guess_type                     # a classmethod, bound to the class
    if getattr(guess, "__func__", None) is getattr(server, "_utf8_wrapper", object()):
        return

    def _guess_type_utf8(cls: type, path: str) -> str:
        return with_charset(guess(path))

    server._utf8_wrapper = _guess_type_utf8
    server._guess_type = classmethod(_guess_type_utf8)


def main(argv: list[str]) -> None:
    """`python -m companion.site.serve_utf8 ENGINE serve ...`: run the engine's own CLI with text
    files served as UTF-8. SystemExit with the usage for an unknown engine."""
    if not argv or argv[0] not in ENGINES:
        raise SystemExit(f"usage: python -m companion.site.serve_utf8 {{{'|'.join(ENGINES)}}} serve ...")
    engine = argv[0]
    name_utf8(engine)
    cli = importlib.import_module(f"{engine}.__main__").cli
    sys.argv = [engine, *argv[1:]]
    cli(prog_name=engine)


if __name__ == "__main__":
    main(sys.argv[1:])
