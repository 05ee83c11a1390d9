"""The house rules of docs/architecture.md, checked on the source: imports point down the
layers and make no cycle, no model is looked up through the app registry, and modules and
functions stay small.

Read with the standard library's ``ast`` only: every import statement counts, those
inside functions included, and ``from x import y`` counts as an import of module
``x.y`` when that is a module, else of ``x``.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("backchannel", "people", "meetings")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
LONG_REASON = "long because"  # a function's docstring that says why it must be long

PURE, FOUNDATION, MODELS, DOMAIN, SURFACES, ENTRY_POINTS = range(6)
# The first pattern a module's name matches gives its layer (docs/architecture.md).
LAYERS = [
    (r"backchannel|people|meetings", PURE),  # the packages' empty __init__ modules
    (r"backchannel\.(text|countries)", PURE),
    (r"meetings\.(track|dates|citation)", PURE),
    (r"backchannel\.(urls|views|sitemaps|admin_site)", SURFACES),
    (r"backchannel\.(wsgi|asgi)", ENTRY_POINTS),
    (r"(backchannel|people|meetings)\.management(\..*)?", ENTRY_POINTS),
    (r"(people|meetings)\.apps", ENTRY_POINTS),
    (r"backchannel(\..*)?", FOUNDATION),
    (r"(people\.models|meetings\.models(\..*)?)", MODELS),
    (r"meetings\.(derived|count_triggers|services|filters|counts|facets)", DOMAIN),
    (r"meetings\.(table_counts|facet_rows)", DOMAIN),
    (r"meetings\.(search|search_index|public_facts|fact_check|derived_organizers)", DOMAIN),
    (r"meetings\.(export_records|export_reads|new_records|filter_fields|rows)", DOMAIN),
    (r"meetings\.(overview|charts)", DOMAIN),
    (r"people\.(services|filters)", DOMAIN),
    (r"(people|meetings)\.(views|exports|ical|feeds|admin|forms|resources|urls)", SURFACES),
    (r"meetings\.(admin_catalogue|admin_review|date_fields|series_views|series_urls)", SURFACES),
    (r"meetings\.templatetags(\..*)?", SURFACES),
    (r"people\.(organization_views|organization_urls)", SURFACES),
    (r"meetings\.(demo|populate(\..*)?)", ENTRY_POINTS),
]
# Arrows the layers alone would allow, refused all the same.
FORBIDDEN = [
    (r"people\.models", r"meetings(\..*)?", "people's models never import meetings"),
]


def project_modules():
    """{module name: path} of every module of the packages, migrations left out."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


MODULES = project_modules()


def _known(name):
    """The longest prefix of ``name`` that is a project module, or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _absolute(node, package):
    """The module a ``from ... import`` statement reads from, relative dots resolved."""
    if not node.level:
        return node.module
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(filter(None, [*base, node.module]))


def imports_of(module):
    """The project modules ``module`` imports, anywhere in its source."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {_known(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            found |= {_known(f"{base}.{alias.name}") for alias in node.names}
    return found - {module, None}


def layer_of(module):
    for pattern, layer in LAYERS:
        if re.fullmatch(pattern, module):
            return layer
    return None


def import_graph():
    return {module: imports_of(module) for module in MODULES}


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_reads_imports_of_every_kind():
    """The reader itself: relative, absolute, late and package imports are all found."""
    graph = import_graph()
    assert "meetings.models" in graph["meetings.views"]
    assert "backchannel.text" in graph["backchannel.records"]
    assert graph["people.models"] >= {"backchannel.records"}


def test_every_module_has_a_layer():
    unplaced = [module for module in MODULES if layer_of(module) is None]
    assert unplaced == [], "\n".join(unplaced)


def test_imports_point_down_the_layers():
    upward = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in import_graph().items()
        for target in sorted(targets)
        if None not in (layer_of(module), layer_of(target)) and layer_of(target) > layer_of(module)
    ]
    assert upward == [], "\n".join(upward)


def test_no_forbidden_arrow():
    found = [
        f"{module} imports {target}: {reason}"
        for module, targets in import_graph().items()
        for target in sorted(targets)
        for source, refused, reason in FORBIDDEN
        if re.fullmatch(source, module) and re.fullmatch(refused, target)
    ]
    assert found == [], "\n".join(found)


def test_no_import_cycle_between_modules():
    assert cycles(import_graph()) == []


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


# A model reached by name: through the registry, or through a named relation's _meta.
# (Generic code that follows whatever field Django hands it, as admin helpers do, is fine.)
HIDDEN_LOOKUPS = re.compile(r"\bget_model\(|get_field\([^)]*\)\.related_model\b")


def test_no_model_is_looked_up_through_the_registry():
    """A dependency is an import: no apps.get_model, no reaching a model through _meta."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in MODULES.values()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HIDDEN_LOOKUPS.search(line)
    ]
    assert found == [], "\n".join(found)


def test_modules_stay_small():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in MODULES.values()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_functions_stay_small_unless_their_docstring_says_why():
    long = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            lines = node.end_lineno - node.lineno + 1
            reason = LONG_REASON in (ast.get_docstring(node) or "").lower()
            if lines > MAX_FUNCTION_LINES and not reason:
                long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert long == [], "\n".join(long)
