"""The house rule of docs/architecture.md, checked on the source: imports point down the layers,
no module imports itself back through others, no import hides at the bottom of a file, tests
and benchmarks lean on tests/helpers only."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("survey_app", "forms", "kiosk", "analytics")

# Lowest first; a module may import its own layer and the layers below it, never above.
LAYERS = [
    ("survey_app.core", "survey_app.months"),
    ("survey_app.models",),
    ("survey_app.workdays", "survey_app.display"),
    ("survey_app.queries", "survey_app.auth"),
    ("analytics", "survey_app.qr"),
    ("survey_app.services",),
    ("forms", "kiosk"),
    ("survey_app.blueprints",),
    ("survey_app.demo", "survey_app.cli"),
    ("survey_app",),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported_modules(path: Path, known: dict[str, Path]) -> set[str]:
    """Every project module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from package import module` depends on the module; `from module import name`
            # on the module.
            candidates = [
                full if (full := f"{node.module}.{alias.name}") in known else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in candidates:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    known = source_modules()
    return {
        name: imported_modules(path, known) - {name, *_parents(name)}
        for name, path in known.items()
    }


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def layer_of(module: str) -> int:
    best, best_length = None, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    assert best is not None, f"{module} belongs to no layer of docs/architecture.md"
    return best


def test_imports_point_down_the_layers():
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in import_graph().items()
        for target in targets
        if layer_of(target) > layer_of(module)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_circles():
    graph = import_graph()
    circles = [sorted(group) for group in strongly_connected(graph) if len(group) > 1]
    assert not circles, "\n".join(" <-> ".join(group) for group in circles)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def test_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [group for group in strongly_connected(graph) if len(group) > 1] == [{"a", "b", "c"}]


def test_no_import_hides_at_the_bottom_of_a_module():
    hidden = [
        str(path.relative_to(ROOT))
        for path in source_modules().values()
        if "noqa: E402" in path.read_text()
    ]
    assert not hidden, "\n".join(hidden)


def test_modules_stay_short():
    long_modules = {
        str(path.relative_to(ROOT)): length
        for path in source_modules().values()
        if (length := len(path.read_text().splitlines())) > 330
    }
    assert not long_modules, long_modules


TEST_IMPORT = re.compile(
    r"^\s*(?:(?:from|import)\s+tests(?:\.\w+)*\.(?:test_\w+|conftest)\b"
    r"|from\s+tests(?:\.\w+)*\s+import\s+(?:test_\w+|conftest)\b)",
    re.M,
)


def test_tests_and_benchmarks_share_only_helpers():
    leaning = [
        str(path.relative_to(ROOT))
        for folder in ("tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "vendor" not in path.parts and TEST_IMPORT.search(path.read_text())
    ]
    assert not leaning, "\n".join(leaning)
