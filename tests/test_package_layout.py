"""The package shows its three stages, and imports run one way (issue 14).

- `companion.pipeline` (feed -> episodes/) never imports `companion.site` or `companion.course`,
  not even through a top-level module;
- `companion.site` and `companion.course` read episodes/ only through `companion.pipeline.store`:
  no module of theirs names a file of the episode data contract itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

from companion.pipeline import store

ROOT = Path(__file__).resolve().parents[1] / "scripts" / "companion"
STAGES = ("pipeline", "site", "course")
CONTRACT_FILES = {store.EPISODE_FILE, store.RAW_TRANSCRIPT_FILE, store.TRANSCRIPT_FILE,
                  store.CORRECTIONS_FILE, store.CHAPTERS_FILE}


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


def test_pipeline_never_imports_site_or_course() -> None:
    found = modules()
    graph = {name: imports(path, set(found)) for name, path in found.items()}
    for start in (n for n in graph if stage(n) == "pipeline"):
        seen, todo = set(), [start]
        while todo:                       # follow top-level modules too: no back door
            name = todo.pop()
            for dep in graph.get(name, ()):
                assert stage(dep) not in ("site", "course"), f"{start} reaches {dep} through {name}"
                if dep not in seen and stage(dep) in ("top", "pipeline"):
                    seen.add(dep)
                    todo.append(dep)


def test_site_and_course_read_episodes_only_through_the_store() -> None:
    for name, path in modules().items():
        if stage(name) not in ("site", "course"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert node.value not in CONTRACT_FILES, (
                    f"{name} names {node.value!r}: read episodes/ through companion.pipeline.store")
