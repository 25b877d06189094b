"""No package of the app imports another package that imports it back (docs/ARCHITECTURE.md: "one
direction only"). The graph is grimp's (the library import-linter uses), which counts imports inside
functions too: a lazy import is still a dependency.

For every import between two modules, the packages compared are the two sibling packages just below
their deepest common ancestor (app.services.datasets -> app.jobs.runner gives services -> jobs;
app.core.prediction.worker -> app.core.training.offline gives prediction -> training). A cycle between
two plain modules of one package is allowed; one between packages at any depth is not.
"""

from __future__ import annotations

from collections import defaultdict

import grimp


def _sibling_packages(importer: str, imported: str, packages: set[str]) -> tuple[str, str] | None:
    a, b = importer.split("."), imported.split(".")
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    if common == len(a) or common == len(b):
        return None  # one contains the other (a package importing its own module, or the reverse)
    left, right = ".".join(a[: common + 1]), ".".join(b[: common + 1])
    return (left, right) if left in packages and right in packages else None


def package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) -> example module imports, for sibling packages of app."""
    graph = grimp.build_graph("app", cache_dir=None)
    modules = graph.modules
    packages = {m for m in modules if any(other.startswith(m + ".") for other in modules)}
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            pair = _sibling_packages(module, imported, packages)
            if pair is not None:
                edges[pair].append(f"{module} -> {imported}")
    return edges


def test_the_graph_sees_lazy_imports() -> None:
    # app.jobs.runners imports the Celery runner inside get_runner(): the edge must be in the graph.
    graph = grimp.build_graph("app", cache_dir=None)
    assert "app.jobs.celery_runner" in graph.find_modules_directly_imported_by("app.jobs.runners")


def test_sibling_packages_are_told_apart() -> None:
    packages = {"app", "app.core", "app.core.prediction", "app.core.training", "app.services"}
    assert _sibling_packages("app.core.prediction.worker", "app.core.training.offline", packages) == (
        "app.core.prediction",
        "app.core.training",
    )
    assert _sibling_packages("app.services.datasets", "app.core.prediction.cache", packages) == (
        "app.services",
        "app.core",
    )
    assert _sibling_packages("app.core.prediction.worker", "app.core.hardware", packages) is None
    assert _sibling_packages("app.core", "app.core.prediction", packages) is None


def test_no_package_imports_a_package_that_imports_it_back() -> None:
    edges = package_edges()
    assert ("app.api", "app.services") in edges  # the graph is real: routers call services
    cycles = sorted(
        f"{left} <-> {right}: {edges[(left, right)][0]}  /  {edges[(right, left)][0]}"
        for left, right in edges
        if left < right and (right, left) in edges
    )
    assert cycles == [], "packages importing each other:\n" + "\n".join(cycles)
