"""The layout's rules (DESIGN.md, STYLE.md §1), checked on the source so they cannot drift silently.

- dependencies point one way: accountability → reporting → responsibilities, never back;
- services and selectors do not import template tags (formatting lives in responsibilities/text.py);
- a feature is a package, not a file-name prefix (`duty_views.py` next to `duty_forms.py`);
- no module outside migrations grows past 800 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "responsibilities", "reporting", "accountability")
UPSTREAM_OF = {  # an app may not import the apps listed for it
    "responsibilities": {"reporting", "accountability"},
    "reporting": {"accountability"},
    "config": set(),
    "accountability": set(),
}
FEATURE_MODULES = {"views", "forms", "services", "selectors", "urls", "tasks"}
MAX_LINES = 800


def _modules(*folders: str) -> list[Path]:
    found = []
    for folder in folders:
        found += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    return sorted(found)


def _imported(path: Path) -> set[str]:
    """Top-level package and full dotted name of everything a module imports (at any depth)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", APPS)
def test_an_app_does_not_import_the_apps_downstream_of_it(app):
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(app)
        for name in _imported(path)
        if name.split(".")[0] in UPSTREAM_OF[app]
    ]
    assert offending == []


def test_services_and_selectors_do_not_import_template_tags():
    offending = [
        str(path.relative_to(ROOT))
        for path in _modules(*APPS)
        if path.stem in {"services", "selectors"} and any("templatetags" in name for name in _imported(path))
    ]
    assert offending == []


def test_features_are_packages_not_file_name_prefixes():
    offending = [
        str(path.relative_to(ROOT))
        for path in _modules(*APPS)
        if "_" in path.stem and path.stem.rsplit("_", 1)[1] in FEATURE_MODULES
    ]
    assert offending == []


def test_no_module_outside_migrations_exceeds_800_lines():
    too_long = {
        str(path.relative_to(ROOT)): length
        for path in _modules(*APPS, "tests", "bench")
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
