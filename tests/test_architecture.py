"""The shape of the code: no import cycles (imports inside functions included), and the analyses
never import drawing, the pose model, the decoder or a front end."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "formcheck"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The formcheck modules `path` imports anywhere in it (top level, functions, TYPE_CHECKING blocks
    excluded: those are for the type checker only)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("formcheck"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if not module.startswith("formcheck"):
                continue
            found.add(module)
            for alias in node.names:  # `from . import geometry` imports a module
                candidate = f"{module}.{alias.name}"
                if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists():
                    found.add(candidate)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for dep in _imports(path):
            while dep and dep not in modules:  # `from formcheck.kinds.wall.measure import X`
                dep = dep.rsplit(".", 1)[0] if "." in dep else ""
            if dep and dep != name:
                deps.add(dep)
        graph[name] = deps
    return graph


def test_there_are_no_import_cycles() -> None:
    graph = _graph()
    # A package's __init__ is imported by each of its modules only implicitly; edges from a package to
    # its own modules are the normal direction, so only real module-to-module cycles are reported.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep] if dep in stack else [node, dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


FORBIDDEN_IN_ANALYSES = (
    "formcheck.render",
    "formcheck.pose",
    "formcheck.mediapipe_source",
    "formcheck.ui",
    "formcheck.cli",
    "formcheck.batch",
    "formcheck.decoder_process",
    "formcheck.pipeline",
    "formcheck.outputs",
    "formcheck.media",
)


@pytest.mark.parametrize("path", sorted((PACKAGE / "kinds").rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_analyses_never_import_drawing_the_model_or_a_front_end(path: Path) -> None:
    bad = sorted(m for m in _imports(path) if m.startswith(FORBIDDEN_IN_ANALYSES))
    assert not bad, f"{path.name} imports {bad}"
    assert "mediapipe" not in path.read_text(encoding="utf-8").replace("mediapipe's", "")


def test_the_checker_sees_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cycle test above would fail on a cycle (a made-up package of two modules importing each other)."""
    pkg = tmp_path / "formcheck"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .b import g\n")
    (pkg / "b.py").write_text("from .a import f\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", pkg)
    graph = _graph()
    assert graph["formcheck.a"] == {"formcheck.b"} and graph["formcheck.b"] == {"formcheck.a"}
    with pytest.raises(AssertionError, match="import cycles"):
        test_there_are_no_import_cycles()


def test_the_command_line_starts_without_scipy_and_the_pose_pass_imports_it() -> None:
    """The registry does not import the analyses' SciPy-based stages (about 1 s of start-up); the
    modules the pose pass imports in the background exist and bring SciPy with them."""
    import subprocess
    import sys

    probe = (
        "import sys, formcheck.cli; print('scipy' in sys.modules);"
        "from formcheck.mediapipe_source import ANALYSIS_MODULES, import_analyses; import_analyses();"
        "print(all(m in sys.modules for m in ANALYSIS_MODULES), 'scipy.signal' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True"]
