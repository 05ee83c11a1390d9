"""The one mechanism of every public listing: meetings, people, organisations and series.

A listing answers every request through the same steps:

1. the query is checked before any filter sees it (``Parameters.errors``);
2. the FilterSet is bound over the public gate (to nothing when step 1 found errors);
3. any bad parameter, the page number included, answers 400 with the page naming each;
4. the rows are paginated, and a page past the end answers 404;
5. the page's own links carry only the parameters the listing knows (``query``).

A listing says what differs in a subclass of ``ListPage``: its FilterSet, template,
page size, public queryset, row shape (``rows``), what it shows around the rows when
the filter is valid (``results``, which may give the ``total`` it has counted
already) and on every answer (``page_context``). Its template includes the shared
fragments in templates/_list/ (errors, pagination, empty result, facet), each
``with … only``, and prints the option lists ``options_html`` renders.
"""

import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from .parameters import PAGE_ERROR, Q_MAX_LENGTH, Parameters, page_number


def bound_filter(filterset_class, queryset, request, parameters):
    """(filterset, errors) for a request: the errors name each bad parameter, and the
    filter, bound to nothing when the query itself was refused, is unusable if any."""
    errors = parameters.errors(request.GET)
    data = request.GET if not errors else {}
    filterset = filterset_class(data, queryset=queryset, request=request)
    return filterset, errors or filterset.error_list()


@functools.lru_cache(maxsize=128)
def options_html(choices, selected):
    """The ``<option>`` elements of a select: ``choices`` a tuple of (value, label),
    the values in ``selected`` (a frozenset) marked. Rendered by the template engine,
    every value and label escaped there.

    A pure function of its arguments, so each process keeps its last results: the
    same lists come back on almost every request, and rendering the thousand options
    of the largest one took a fifth of the listing's time. The key is the data itself,
    so a changed list is a new entry, never a stale one.
    """
    return render_to_string("_list/_options.html", {"choices": choices, "selected": selected})


def select_options(lists, selected):
    """{list name: its ``<option>``s} for {list name: ((value, label), …)}, the values
    ``selected`` names for each list marked."""
    return {name: options_html(items, frozenset(selected[name])) for name, items in lists.items()}


class ListPage:
    """One request to a public listing; ``response()`` answers it."""

    filterset_class = None  # the parameters, their validation and the filtering
    template_name = None
    page_size_setting = None  # the name of the setting (tests change it)

    def __init__(self, request):
        self.request = request
        parameters = self.parameters()
        self.filterset, self.errors = bound_filter(
            self.filterset_class, self.queryset(), request, parameters
        )
        self.number = page_number(request.GET)
        if self.number is None:
            self.errors.append(PAGE_ERROR)
        self.query = parameters.kept(request.GET)  # what the page's links carry

    @functools.cached_property
    def selected(self):
        """{parameter: what the form shows chosen} (``selection()``, asked once)."""
        return self.filterset.selection()

    @classmethod
    def parameters(cls):
        return Parameters.of(cls.filterset_class)

    def any_filter(self):
        """Whether the request narrows the listing at all: a result is empty because of
        the filters only when it does (an empty unfiltered listing needs another reason)."""
        return any(any(values) for name, values in self.query.lists() if name != "page")

    def queryset(self):
        """The public gate the filter narrows."""
        raise NotImplementedError

    def rows(self):
        """The filtered rows, in the shape the template shows them."""
        return self.filterset.qs

    def results(self):
        """What a valid filter shows around its rows; a ``total`` spares a count."""
        return {}

    def page_context(self, results):
        """What every answer shows, the 400 included (``results`` is then empty)."""
        return {}

    def response(self):
        context = {
            "filter": self.filterset,
            "errors": self.errors,
            "selected": self.selected,
            "query": self.query,
            "q_max_length": Q_MAX_LENGTH,
            "any_filter": self.any_filter(),
        }
        if self.errors:
            return self._render(context | self.page_context({}), status=400)
        results = self.results()
        page = self.page(results.get("total"))
        context |= results | {"page_obj": page, "total": page.paginator.count}
        return self._render(context | self.page_context(results))

    def page(self, total=None):
        paginator = Paginator(self.rows(), getattr(settings, self.page_size_setting))
        if total is not None:
            paginator.count = total  # counted already
        if self.number > paginator.num_pages:
            raise Http404("No such page.")
        return paginator.page(self.number)

    def _render(self, context, status=200):
        return render(self.request, self.template_name, context, status=status)
