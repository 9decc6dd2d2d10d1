"""The layers run one way, from the bottom up, and nothing lower imports anything higher.

Read from every module's source with `ast` (migrations aside), module-level imports and imports
inside functions alike, so an import hidden in a function to dodge a cycle is caught too.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROJECT = ("clinic", "screening", "appointments")

# Bottom first. Each layer, named by its module prefix, may import the project's code only from
# itself and from the layers listed beside it; a module belongs to the longest prefix it starts
# with. The standard library and third-party packages are free, except Django in the engine.
LAYERS = {
    # The questionnaire definition: answer codes and wording, plain Python.
    "screening.questionnaire": (),
    # The screening rules: plain Python; it reads the answer codes from the questionnaire.
    "screening.engine": ("screening.questionnaire",),
    # Settings, crisis resources, encryption, audit, accounts, roles, the second factor.
    "clinic": (),
    # Drafts, submissions, screening results, decisions.
    "screening.models": ("clinic", "screening.engine", "screening.questionnaire"),
    # FHIR for the clinic's EHR: the Questionnaire, a submission's resources, the API.
    "screening.fhir": ("clinic", "screening.models", "screening.engine", "screening.questionnaire"),
    # Urgent alerts: the on-call rota, the alert and escalation tasks, the emails.
    "screening.alerts": (
        "clinic",
        "screening.models",
        "screening.engine",
        "screening.questionnaire",
    ),
    # The patient intake, the staff review, their commands, retention and demo submissions.
    "screening": ("clinic",),
    # Requests, slots, bookings; the commands that need every app (setup_demo, apply_retention).
    "appointments": ("clinic", "screening"),
}
NO_DJANGO = ("screening.engine",)

# Imports inside a function that are there for a reason other than dodging a cycle.
# (path, function): why
FUNCTION_IMPORTS_ALLOWED = {
    ("clinic/apps.py", "ClinicConfig.ready"): (
        "Django's place for connecting signal receivers (clinic.audit needs the app registry)"
    ),
}


def modules():
    for package in PROJECT:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            yield relative.as_posix(), ".".join(parts), is_package, path


def is_module(name):
    base = REPO.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def targets(node, module, is_package):
    """The modules an import statement loads, as dotted names (a name imported from a package
    counts as its submodule when there is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module
    found = [f"{base}.{alias.name}" for alias in node.names if is_module(f"{base}.{alias.name}")]
    return found or [base]


class _Imports(ast.NodeVisitor):
    """Each import with the function it sits in (Class.method, outer.inner), or None."""

    def __init__(self):
        self.names, self.depth, self.found = [], 0, []

    def visit_ClassDef(self, node):
        self.names.append(node.name)
        self.generic_visit(node)
        self.names.pop()

    def visit_FunctionDef(self, node):
        self.names.append(node.name)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        self.names.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node):
        self.found.append((node, ".".join(self.names) if self.depth else None))

    visit_ImportFrom = visit_Import


def imports():
    """(path, module, line, target, enclosing function or None) for every import."""
    for path, module, is_package, file in modules():
        visitor = _Imports()
        visitor.visit(ast.parse(file.read_text(encoding="utf-8"), filename=path))
        for node, function in visitor.found:
            for target in targets(node, module, is_package):
                yield path, module, node.lineno, target, function


def within(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def layer_of(module):
    return max((p for p in LAYERS if within(module, p)), key=len)


def project(name):
    return name.split(".")[0] in PROJECT


ALL_IMPORTS = list(imports())


def test_the_table_names_every_package():
    assert {layer_of(module) for _path, module, *_ in modules()} <= set(LAYERS)


def test_nothing_lower_imports_anything_higher():
    wrong = [
        f"{path}:{line} imports {target} ({layer_of(module)} may import only "
        f"{', '.join((layer_of(module), *LAYERS[layer_of(module)]))})"
        for path, module, line, target, _function in ALL_IMPORTS
        if project(target)
        and not any(
            within(target, allowed) for allowed in (layer_of(module), *LAYERS[layer_of(module)])
        )
    ]
    assert not wrong, "\n".join(wrong)


def test_the_engine_imports_no_django():
    wrong = [
        f"{path}:{line} imports {target}"
        for path, module, line, target, _function in ALL_IMPORTS
        if any(within(module, layer) for layer in NO_DJANGO) and within(target, "django")
    ]
    assert not wrong, "\n".join(wrong)


def test_importing_the_engine_loads_no_django_and_no_app():
    # What the engine pulls in at run time, in a fresh interpreter: nothing of Django, clinic
    # or appointments, and of screening only the engine and the questionnaire it reads.
    code = (
        "import sys; import screening.engine; "
        "print('\\n'.join(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'clinic', 'screening', 'appointments')))"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert "screening.engine" in loaded, done.stderr
    allowed = ("screening.engine", "screening.questionnaire")
    assert {m for m in loaded - {"screening"} if not any(within(m, a) for a in allowed)} == set()


def test_no_project_import_is_hidden_in_a_function():
    hidden = [
        f"{path}:{line} imports {target} inside {function}()"
        for path, _module, line, target, function in ALL_IMPORTS
        if function is not None
        and project(target)
        and (path, function) not in FUNCTION_IMPORTS_ALLOWED
    ]
    assert not hidden, "\n".join(hidden)


@pytest.mark.parametrize(("path", "function"), sorted(FUNCTION_IMPORTS_ALLOWED))
def test_every_allowed_function_import_is_still_there(path, function):
    # An allowance nobody needs any more goes, so the list stays the short list of reasons.
    assert any(
        (p, f) == (path, function) and project(target) for p, _m, _l, target, f in ALL_IMPORTS
    ), f"{path} {function}() imports nothing of the project: drop it from the allow-list"


def test_no_import_cycles():
    graph = {}
    for _path, module, _line, target, function in ALL_IMPORTS:
        if function is None and project(target) and target != module:
            graph.setdefault(module, set()).add(target)
    cycles, done = [], set()

    def visit(module, trail):
        if module in trail:
            cycles.append(" -> ".join([*trail[trail.index(module) :], module]))
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert not cycles, "\n".join(cycles)
