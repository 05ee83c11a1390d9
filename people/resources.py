"""CSV import and export of people from the admin change list."""

from backchannel.admin_tools import FormulaSafeResource

from .models import Person


class PersonResource(FormulaSafeResource):
    """People by slug; internal notes stay out of files."""

    class Meta:
        model = Person
        import_id_fields = ["slug"]
        fields = ["slug", "full_name", "sort_name", "other_names", "country", "bio"]
        clean_model_instances = True
        skip_unchanged = False
