"""The layout shows the layers, and a test keeps it so: every module of ``autograd`` and
``nn`` (all of them, found by walking the folders, so modules added later are held to the
same rules) is read with ``ast`` and checked:

* ``autograd`` imports nothing from ``nn``, and no library module imports the command
  (``nn.cli``);
* the engine core (the node, the table, the walk, the modes, functional, gradcheck and the
  small helpers they use) imports only from the core: nothing from drawing or compiling;
* no module imports another module's private (leading underscore) name;
* no library module is over 400 lines, and each starts with a docstring saying its job.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")
MAX_LINES = 400
# The engine core. A module the core starts to import must join this list on purpose (and
# is then held to the same rule), so nothing from drawing or compiling slips into the core.
CORE = {
    "autograd.value",
    "autograd.primitives",
    "autograd.backprop",
    "autograd.modes",
    "autograd.functional",
    "autograd.gradcheck",
    "autograd.checks",
    "autograd.labels",
}
DRAWING_OR_COMPILING = {"autograd.viz", "autograd.expr", "autograd.compile"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported from, names imported, line) for every import in the file, with
    relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [alias.name for alias in node.names]
            out.append((module, names, node.lineno))
            # "from . import x" imports the module x
            out += [(f"{module}.{n}", [], node.lineno) for n in names if f"{module}.{n}" in MODULES]
    return out


def _ours(module: str) -> str | None:
    """The project module ``module`` names (or lies in), else None."""
    while module:
        if module in MODULES:
            return module
        module = module.rpartition(".")[0]
    return None


def test_the_walk_finds_the_modules():
    assert {"autograd.value", "autograd.backprop", "nn.layers", "nn.cli"} <= set(MODULES)
    assert CORE <= set(MODULES) and DRAWING_OR_COMPILING <= set(MODULES)


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("autograd")])
def test_autograd_imports_nothing_from_nn(name):
    imports = _imports(name, MODULES[name])
    bad = [f"line {line}: {module}" for module, _, line in imports if module.split(".")[0] == "nn"]
    assert not bad, f"{name} imports from nn: {bad}"


@pytest.mark.parametrize("name", [n for n in MODULES if n != "nn.__main__" and not n.startswith("nn.cli")])
def test_only_the_command_uses_the_command(name):
    # the library is used by the command, never the other way round (the benchmark and the
    # tests take the demo's settings from nn.demo, not from the command)
    imports = _imports(name, MODULES[name])
    bad = [f"line {line}: {module}" for module, _, line in imports if _ours(module) and module.startswith("nn.cli")]
    assert not bad, f"{name} imports the command line: {bad}"


def test_the_benchmarks_use_the_library_not_the_command():
    for path in sorted((ROOT / "bench").glob("*.py")):
        imports = _imports(f"bench.{path.stem}", path)
        assert not [m for m, _, _ in imports if m.startswith("nn.cli")], f"{path.name} imports the command line"


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_engine_core_imports_only_the_core(name):
    outside = []
    for module, _, line in _imports(name, MODULES[name]):
        ours = _ours(module)
        if ours is not None and ours not in CORE and ours != "autograd":
            outside.append(f"line {line}: {ours}")
    assert not outside, f"{name} (engine core) imports from outside the core: {outside}"


@pytest.mark.parametrize("name", list(MODULES))
def test_no_private_name_is_imported_from_another_module(name):
    private = [
        f"line {line}: {n} from {module}"
        for module, names, line in _imports(name, MODULES[name])
        for n in names
        if n.startswith("_") and not (n.startswith("__") and n.endswith("__"))
    ]
    private += [
        f"line {line}: {module}"
        for module, names, line in _imports(name, MODULES[name])
        if any(part.startswith("_") and not part.startswith("__") for part in module.split("."))
    ]
    assert not private, f"{name} imports private names: {private}"


@pytest.mark.parametrize("name", list(MODULES))
def test_modules_are_small_and_say_their_job(name):
    path = MODULES[name]
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; the limit is {MAX_LINES}"
    if name != "nn.__main__":
        assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(ROOT)} has no docstring saying its job"


def test_the_checks_catch_what_they_look_for(tmp_path):
    # the import reader on a made-up module: a relative private import and an nn import are seen
    fake = tmp_path / "fake.py"
    fake.write_text('"""doc"""\nfrom .value import _node\nfrom nn.layers import MLP\nfrom . import backprop\n')
    found = _imports("autograd.fake", fake)
    assert ("autograd.value", ["_node"], 2) in found and ("nn.layers", ["MLP"], 3) in found
    assert ("autograd.backprop", [], 4) in found


def test_the_distribution_ships_every_package():
    # a package folder missing from setup.cfg works in the editable install and breaks a
    # wheel (nn.export once did): setup.cfg finds the packages, and finds all of them
    import configparser

    from setuptools import find_packages

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    assert cfg["options"]["packages"].strip() == "find:"
    include = [p.strip() for p in cfg["options.packages.find"]["include"].replace("\n", ",").split(",") if p.strip()]
    found = set(find_packages(str(ROOT), include=include))
    folders = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert found == folders
