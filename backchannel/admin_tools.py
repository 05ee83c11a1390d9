"""Admin pieces both apps use: filters that offer only values in use, a cheap
paginator for large change lists, and exports that cannot carry formulas."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property
from django_countries import countries
from import_export import resources

# Spreadsheets run a cell as a formula when it starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class InUseRelatedFilter(admin.RelatedFieldListFilter):
    """A foreign-key filter listing only the related rows some record points to."""

    def field_choices(self, field, request, model_admin):
        related = field.remote_field.model
        used = model_admin.model._default_manager.filter(**{field.name: OuterRef("pk")})
        rows = related._default_manager.filter(Exists(used))
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


def country_in_use_filter(field_path, title, used_codes=None):
    """A list filter for a CountryField offering only the countries records use.

    ``used_codes`` (a callable returning country codes) replaces the default
    DISTINCT over the admin's whole table, e.g. with a scan of a smaller table.
    """

    class CountryInUseFilter(admin.SimpleListFilter):
        parameter_name = field_path

        def lookups(self, request, model_admin):
            if used_codes is not None:
                codes = used_codes()
            else:
                codes = (
                    model_admin.model._default_manager.order_by()
                    .values_list(field_path, flat=True)
                    .distinct()
                )
            found = {str(code) for code in codes if code}
            return sorted(((code, countries.name(code) or code) for code in found), key=_by_name)

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            return queryset.filter(**{field_path: self.value()})

    CountryInUseFilter.title = title
    CountryInUseFilter.__name__ = f"CountryInUseFilter_{field_path}"
    return CountryInUseFilter


def _by_name(choice):
    return choice[1]


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except an unfiltered large PostgreSQL table, whose size the
    planner's statistics give without a full scan on every page load."""

    exact_below = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        estimate = _table_estimate(queryset) if not queryset.query.where else None
        if estimate is not None and estimate >= self.exact_below:
            return estimate
        return super().count


def _table_estimate(queryset):
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:  # never analysed
        return None
    return row[0]


def formula_safe(value):
    """Prefix a text cell that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeResource(resources.ModelResource):
    """Exports where no cell can run as a spreadsheet formula.

    The library's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
    "=", so "+", "-" and "@" (which spreadsheets also evaluate) are quoted here.
    """

    def export_field(self, field, instance, **kwargs):
        return formula_safe(super().export_field(field, instance, **kwargs))
