"""Admin pieces both apps use: history pages that cannot be written through, filters
that offer only values in use, a cheap paginator for large change lists, and exports
that cannot carry formulas."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django_countries import countries
from import_export import resources
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from .text import spreadsheet_cell


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """History pages where restoring an old version is an ordinary save.

    django-simple-history's revert form checks only the view permission, then saves
    the old version with the posted fields over it: a Viewer could write, and fields a
    user may not change (read-only ones, such as a meeting's visibility) came back
    from the old version. Here the form shows the old version, but its POST is
    handled by the change view, so the change permission, the read-only fields, the
    form's rules (the naming rule among them), ``save_model`` and ``save_related``
    apply exactly as for a change made on the record's own page, in one transaction.
    Inlines are not on the history form and stay as they are.
    """

    # False where restoring part of a record would mislead (a meeting without its
    # participants): old versions can then be viewed, never restored.
    history_revert = True

    def history_view(self, request, object_id, extra_context=None):
        _check_ids(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _check_ids(self.model, object_id, version_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        version = self._version(object_id, version_id)
        if self.revert_disabled(request) or "_saveasnew" in request.POST:
            raise PermissionDenied("This history page can restore this record, nothing else.")
        request.reverting_to = version
        return self.changeform_view(request, object_id, extra_context=extra_context)

    def _version(self, object_id, version_id):
        history = get_history_model_for_model(self.model)
        pk_name = self.model._meta.pk.attname
        found = history.objects.filter(**{pk_name: unquote(object_id), "history_id": version_id})
        version = found.first()
        if version is None:
            raise Http404("No such version of this record.")
        return version

    def revert_disabled(self, request, obj=None):
        return (
            not self.history_revert
            or not self.has_change_permission(request, obj)
            or super().revert_disabled(request, obj)
        )

    def get_inline_instances(self, request, obj=None):
        if hasattr(request, "reverting_to"):
            return []
        return super().get_inline_instances(request, obj)

    def save_model(self, request, obj, form, change):
        version = getattr(request, "reverting_to", None)
        if version is not None:
            when = timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M")
            obj._change_reason = f"Restored the version of {when} (#{version.history_id})"
        super().save_model(request, obj, form, change)


def _check_ids(model, object_id, version_id=None):
    """404 for ids that cannot be ids (simple-history's views answer them with a 500)."""
    history = get_history_model_for_model(model)
    try:
        model._meta.pk.to_python(unquote(object_id))
        if version_id is not None:
            history._meta.get_field("history_id").to_python(version_id)
    except ValidationError as error:
        raise Http404("No such record.") from error


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


class FormulaSafeResource(resources.ModelResource):
    """Exports where no cell can run as a spreadsheet formula.

    The library's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
    "=", so every cell goes through the same guard as the public CSV
    (``backchannel.text.spreadsheet_cell``), which also drops characters XML forbids.
    """

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_cell(super().export_field(field, instance, **kwargs))
