#!/usr/bin/env python3
"""Which package imports which, the longest modules, and the rules the layers keep.

    python scripts/layers.py [--root DIR]

Read from the source with `ast` (nothing is imported or run): every `import` and
`from ... import` of our packages, at module level ("module", run when the module is
imported), inside a function ("function", run when it is called) or under
`if TYPE_CHECKING:` ("typing", never run). All three count for the rules:

  * the base (salesheart, but for its composition modules) imports no app;
  * conversations never imports reflections (reflections builds on conversations);
  * nothing imports the composition modules but other composition modules;
  * no import cycle between packages.

Exits 1, saying which imports break which rule, when one is broken.

The packages, bottom up:
  salesheart     the base: users, teams and the cross-cutting helpers (edits,
                 idempotency, pending, time zones, untrusted input, downloads)
  conversations  an app: customers, conversations and their figures
  reflections    an app on top of conversations: exercises, assignments, reflections
  compose        the composition roots, in salesheart (COMPOSITION below): they put
                 the apps together, so they may import any package
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

APPS = ("conversations", "reflections")
BASE = "salesheart"
COMPOSE = "compose"
PACKAGES = (BASE, *APPS)
# Modules of salesheart whose job is composing the apps. A prefix ending in "." takes
# the whole package. Management commands are entry points Django finds by their place
# in salesheart/management/commands, so the two that build a whole organisation stay
# there and are named here.
COMPOSITION = (
    "salesheart.compose.",
    "salesheart.urls",
    "salesheart.settings",
    "salesheart.wsgi",
    "salesheart.management.commands.demo",
    "salesheart.management.commands.serve_demo",
)
# Edges that must not exist at all (beyond the base rule and cycles).
FORBIDDEN = {("conversations", "reflections"): "conversations never imports reflections"}
# A module longer than this says at its top why (a line starting "Size:" in its first
# lines); the report marks those that do not.
LONG = 400
SIZE_NOTE_LINES = 15
LONGEST_SHOWN = 12
KINDS = ("module", "function", "typing")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted
    kind: str  # one of KINDS
    line: int
    statement: str  # what the statement names: the module after `from`, or after `import`


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str) -> str | None:
    top = module.split(".")[0]
    if top not in PACKAGES:
        return None
    if top == BASE and is_composition(module):
        return COMPOSE
    return top


def is_composition(module: str) -> bool:
    for entry in COMPOSITION:
        if entry.endswith("."):
            if module == entry[:-1] or module.startswith(entry):
                return True
        elif module == entry or module.startswith(entry + "."):
            return True
    return False


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(source: str, tree: ast.AST, is_package: bool) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = kind
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inner = "function" if kind == "module" else kind
            elif isinstance(child, ast.If) and is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, "typing")
                for stmt in child.orelse:
                    visit_stmt(stmt, kind)
                continue
            visit_stmt(child, inner)

    def visit_stmt(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(source, alias.name, kind, node.lineno, alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = resolve(source, node.module, node.level, is_package)
            # `from pkg import module` names a module as often as a name in pkg.
            for alias in node.names:
                found.append(Import(source, f"{base}.{alias.name}", kind, node.lineno, base))
        visit(node, kind)

    visit(tree, "module")
    return found


def resolve(source: str, module: str | None, level: int, is_package: bool) -> str:
    if level == 0:
        return module or ""
    parts = source.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    size_note: bool
    imports: list[Import]


def read_modules(root: Path) -> list[Module]:
    modules = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            name = module_name(root, path)
            tree = ast.parse(text, filename=str(path))
            head = text.splitlines()[:SIZE_NOTE_LINES]
            modules.append(
                Module(
                    name=name,
                    path=path.relative_to(root),
                    lines=len(text.splitlines()),
                    size_note=any(line.lstrip("#\"' ").startswith("Size:") for line in head),
                    imports=imports_of(name, tree, path.name == "__init__.py"),
                )
            )
    return modules


def package_edges(modules: list[Module]) -> dict[tuple[str, str], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for module in modules:
        source = package_of(module.name)
        for found in module.imports:
            target = package_of(found.target)
            if source and target and source != target:
                edges[source, target].append(found)
    return edges


def cycles(edges: dict[tuple[str, str], list[Import]]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for target in sorted(graph[node]):
            if target == path[0]:
                found.append([*path, target])
            elif target not in path and target > path[0]:
                walk(target, [*path, target])

    for start in sorted(graph):
        walk(start, [start])
    return found


def problems(edges: dict[tuple[str, str], list[Import]]) -> list[str]:
    said = []

    def cite(imports: list[Import]) -> str:
        statements = sorted({(i.source, i.line, i.kind, i.statement) for i in imports})
        shown = [
            f"{source} line {line} ({kind}) imports {what}"
            for source, line, kind, what in statements
        ]
        more = f"; and {len(shown) - 5} more" if len(shown) > 5 else ""
        return "; ".join(shown[:5]) + more

    for (source, target), imports in sorted(edges.items()):
        if source == BASE and target != BASE:
            what = "composition" if target == COMPOSE else "an app"
            said.append(f"the base imports {what} ({target}): {cite(imports)}")
        elif target == COMPOSE:
            said.append(f"{source} imports the composition modules: {cite(imports)}")
        elif (source, target) in FORBIDDEN:
            said.append(f"{FORBIDDEN[source, target]}: {cite(imports)}")
    for cycle in cycles(edges):
        said.append("import cycle between packages: " + " -> ".join(cycle))
    return said


def report(root: Path) -> int:
    modules = read_modules(root)
    edges = package_edges(modules)
    print("Which package imports which")
    print("(import statements: at module level / in functions / for type checking only):")
    for source in (COMPOSE, *reversed(APPS), BASE):
        targets = sorted(target for (s, target) in edges if s == source)
        if not targets:
            print(f"  {source:<14} -> nothing of ours")
            continue
        for target in targets:
            # Import statements, not names: `from x import a, b` is one.
            statements = {(i.source, i.line, i.kind) for i in edges[source, target]}
            counts = [sum(1 for *_, kind in statements if kind == k) for k in KINDS]
            print(
                f"  {source:<14} -> {target:<14} {counts[0]:>3} / {counts[1]:>2} / {counts[2]:>2}"
            )
    print()
    print(
        "Composition modules: "
        + ", ".join(
            entry.rstrip(".") + ("*" if entry.endswith(".") else "") for entry in COMPOSITION
        )
    )
    print()
    print(f"Longest modules (lines; over {LONG} they say why at their top, after 'Size:'):")
    longest = sorted(modules, key=lambda m: m.lines, reverse=True)[:LONGEST_SHOWN]
    for module in longest:
        mark = ""
        if module.lines > LONG:
            mark = (
                "  (reason at its top)" if module.size_note else "  (no reason written at its top)"
            )
        print(f"  {module.lines:>5}  {module.path}{mark}")
    print()
    found = problems(edges) + [
        f"{module.path} has {module.lines} lines and does not say at its top ('Size:') why"
        " it stays one module"
        for module in modules
        if module.lines > LONG and not module.size_note
    ]
    for problem in found:
        print(f"FAIL: {problem}")
    if found:
        return 1
    print(
        "OK: the base imports no app; conversations never imports reflections; "
        "only composition imports composition; no import cycle between packages."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the project's top directory (default: this script's project)",
    )
    return report(parser.parse_args(argv).root)


if __name__ == "__main__":
    sys.exit(main())
