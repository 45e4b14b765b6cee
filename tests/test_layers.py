"""The code's layers point one way: no module of the back-office imports, at run time, a module that
imports it back (however indirectly). Imports only for type checking (`if TYPE_CHECKING:`) are not
run, so they do not count."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "backoffice"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """The back-office modules a module imports when it runs (in functions too)."""
    found: set[str] = set()
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("backoffice"):
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules
            found |= submodules if len(submodules) == len(node.names) else {node.module, *submodules}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & modules
    return found & modules


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: runtime_imports(ast.parse(path.read_text()), set(paths)) - {name} for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another (strongly connected components of two or more)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_models_and_domain_rules_do_not_reach_into_flask():
    """They learn who acts and the settings from backoffice.context, so they work without a request
    (the command line, the demo loader, a script) exactly as within one."""
    reaching = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for folder in ("models", "domain")
        for path in (PACKAGE / folder).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bcurrent_app\b|\bcurrent_user\b|has_request_context|^\s*from flask import|^\s*import flask\b", line)
    ]
    assert reaching == []


def test_the_running_app_never_imports_the_demo(tmp_path):
    """The demo (its tables, loader and document writers) is for `flask demo load` only: building the
    app and serving pages leaves it unloaded, so production code cannot come to depend on it."""
    script = (
        "import sys\n"
        "from backoffice import create_app\n"
        f"app = create_app('test', {{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/app.db',"
        f" 'UPLOAD_DIR': '{tmp_path}'}})\n"
        "from backoffice.extensions import db\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "client = app.test_client()\n"
        "assert client.get('/reviews/').status_code == 200\n"
        "assert client.get('/admin/').status_code == 302\n"
        "print(sorted(name for name in sys.modules if name.startswith('backoffice.demo')))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "[]"  # after the request log lines
