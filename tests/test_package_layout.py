"""The package shows its three stages, and imports run one way (issues 14 and 22).

- `companion.pipeline` (feed -> episodes/) never imports `companion.site` or `companion.course`,
  not even through a top-level module;
- `companion.course` never imports `companion.site`, not even through a top-level module or a
  function-local import: what both need (the `Catalogue`, the `Episode` model, `sanitise.text`)
  lives below both, at the top of the package. `companion.site` may import `companion.course`
  (the episode macros cite through `course.moment`; `site.generate` drives the course plugin), so
  site -> course is the one direction between the two;
- `companion.site` and `companion.course` read episodes/ only through `companion.catalogue`: no
  module of theirs names a file of the episode data contract (`episode.CONTRACT_FILES`, which
  comes from the one table of transcript formats) or imports the store that writes them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from companion import episode

ROOT = Path(__file__).resolve().parents[1] / "scripts" / "companion"
STAGES = ("pipeline", "site", "course")
CONTRACT_FILES = episode.CONTRACT_FILES


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """companion modules `path` imports (`from companion.x import y` counts y when it is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("companion")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("companion"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known}
    return {name for name in found if name in known}


def stage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else "top"


def test_each_stage_is_a_package() -> None:
    for name in STAGES:
        assert (ROOT / name / "__init__.py").is_file(), name
    assert (ROOT / "cli.py").is_file()


def reaches(start_stage: str, forbidden: tuple[str, ...], through: tuple[str, ...]) -> None:
    """No module of `start_stage` imports a module of a `forbidden` stage, directly or through
    modules of the `through` stages (imports anywhere in a file count, function-local too)."""
    found = modules()
    graph = {name: imports(path, set(found)) for name, path in found.items()}
    for start in (n for n in graph if stage(n) == start_stage):
        seen, todo = set(), [start]
        while todo:                       # follow top-level modules too: no back door
            name = todo.pop()
            for dep in graph.get(name, ()):
                assert stage(dep) not in forbidden, f"{start} reaches {dep} through {name}"
                if dep not in seen and stage(dep) in through:
                    seen.add(dep)
                    todo.append(dep)


def test_pipeline_never_imports_site_or_course() -> None:
    reaches("pipeline", ("site", "course"), ("top", "pipeline"))


def test_course_never_imports_site() -> None:
    reaches("course", ("site",), ("top", "pipeline", "course"))


def test_the_rule_sees_a_function_local_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from companion.site import episode_html\n", encoding="utf-8")
    assert imports(probe, set(modules())) == {"companion.site", "companion.site.episode_html"}


def test_contract_files_come_from_the_table_of_formats() -> None:
    assert {f.name for f in episode.TRANSCRIPT_FORMATS} <= CONTRACT_FILES
    assert episode.TRANSCRIPT_FILE in {f.name for f in episode.TRANSCRIPT_FORMATS}


def test_site_and_course_read_episodes_only_through_the_catalogue() -> None:
    found = modules()
    for name, path in found.items():
        if stage(name) not in ("site", "course"):
            continue
        assert "companion.pipeline.store" not in imports(path, set(found)), (
            f"{name} imports the store: read episodes/ through companion.catalogue")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert node.value not in CONTRACT_FILES, (
                    f"{name} names {node.value!r}: read episodes/ through companion.catalogue")
