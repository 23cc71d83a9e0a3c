"""Imports point down: kaa <- youths <- actions. A lower app may reach up only inside a
function (a lazy import), never at module level, so each app loads without those above."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ABOVE = {
    "kaa": ("youths", "actions", "scb_export", "dashboards"),
    "youths": ("actions", "dashboards"),
    # Nothing imports the overview: it reads the register through youths.figures.
    "actions": ("dashboards",),
}
# The project's wiring sits in kaa but above every app: the URLconf, settings, Celery, WSGI.
PROJECT_MODULES = {"urls.py", "settings.py", "celery.py", "wsgi.py"}


def _module_level_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_module_level_import_of_an_app_above(app):
    offending = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        and not (app == "kaa" and path.parent.name == "kaa" and path.name in PROJECT_MODULES)
        for name in _module_level_imports(path)
        if name.split(".")[0] in ABOVE[app]
    ]
    assert offending == []
