"""scripts/layers.py: the project keeps its layers, and a broken layer is caught."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "layers.py"


def run(root: Path | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, str(SCRIPT)] + (["--root", str(root)] if root else [])
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)


def test_the_project_keeps_its_layers():
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert "salesheart     -> nothing of ours" in result.stdout
    assert "conversations  -> reflections" not in result.stdout
    # It read the apps: both lean on the base, and reflections builds on conversations.
    assert "conversations  -> salesheart" in result.stdout
    assert "reflections    -> conversations" in result.stdout


def tree(root: Path, files: dict[str, str]) -> Path:
    """A project of three empty packages, with these modules written into it."""
    for package in ("salesheart", "conversations", "reflections"):
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    return root


IN_A_FUNCTION = "def f():\n    from {module} import thing\n    return thing\n"


@pytest.mark.parametrize(
    ("files", "said"),
    [
        pytest.param(
            {"conversations/views.py": IN_A_FUNCTION.format(module="reflections.models")},
            "conversations never imports reflections: conversations.views line 2 (function)",
            id="conversations-to-reflections-in-a-function",
        ),
        pytest.param(
            {"salesheart/time_zones.py": IN_A_FUNCTION.format(module="conversations.models")},
            "the base imports an app (conversations): salesheart.time_zones line 2 (function)",
            id="base-to-app-in-a-function",
        ),
        pytest.param(
            {"salesheart/models.py": "from reflections import models\n"},
            "the base imports an app (reflections): salesheart.models line 1 (module)",
            id="base-to-app",
        ),
        pytest.param(
            {
                "salesheart/compose/export.py": "from conversations import models\n",
                "conversations/views.py": "from salesheart.compose.export import data\n",
            },
            "conversations imports the composition modules: conversations.views line 1",
            id="app-to-composition",
        ),
        pytest.param(
            {
                "reflections/models.py": "from conversations.models import Conversation\n",
                "conversations/models.py": (
                    "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n"
                    "    from reflections.models import Assignment\n"
                ),
            },
            "import cycle between packages: conversations -> reflections -> conversations",
            id="cycle-through-type-checking",
        ),
        pytest.param(
            {"conversations/big.py": "x = 1\n" * 500},
            "conversations/big.py has 500 lines and does not say at its top ('Size:') why",
            id="long-module-without-a-reason",
        ),
    ],
)
def test_a_broken_layer_fails_and_says_where(tmp_path, files, said):
    result = run(tree(tmp_path, files))
    assert result.returncode == 1, result.stdout
    assert f"FAIL: {said}" in result.stdout
    assert "OK:" not in result.stdout


def test_composition_may_import_every_app(tmp_path):
    root = tree(
        tmp_path,
        {
            "salesheart/compose/export.py": (
                "from conversations import models\nfrom reflections import models as r\n"
            ),
            "salesheart/urls.py": "from salesheart.compose import export\n",
            "reflections/models.py": "from conversations import models\n",
        },
    )
    result = run(root)
    assert result.returncode == 0, result.stdout
    assert "compose        -> conversations    1 /  0 /  0" in result.stdout


def test_no_test_module_imports_another():
    # Shared helpers live in tests/helpers.py (and fixtures in conftest.py): a test file
    # that imports another runs that file's module code and hides where a helper lives.
    root = Path(__file__).resolve().parent
    offenders = [
        f"{path.relative_to(root)}: {line.strip()}"
        for path in root.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("from tests.test_", "import tests.test_", "from .test_"))
        or line.lstrip().startswith("from tests.browser.test_")
    ]
    assert offenders == []


def test_views_leave_writing_to_the_services():
    # A write in a view skips the rules and the locks the services hold (HackSoft's
    # styleguide: services write, selectors read, views do neither themselves).
    root = Path(__file__).resolve().parent.parent
    writes = re.compile(r"\.objects\b.*\.(update|delete|create|get_or_create|bulk_create)\(")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for package in ("conversations", "reflections", "salesheart")
        for path in sorted((root / package).rglob("views*.py"))
        + sorted((root / package).glob("views/*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []
