"""people/resources.py: importing people from CSV, all or nothing; exports formula-safe."""

from people.models import Person
from people.resources import PersonResource
from tests.admin_forms import confirm_import, exported_rows, import_row_errors, upload_csv
from tests.factories import make_person


def test_person_import_refuses_every_row_when_one_fails(client, editor):
    text = "slug,full_name,country\nkim,Kim Kye Gwan,KP\nnobody,,ZZ\n"
    client.force_login(editor)
    preview = upload_csv(client, "people_person", text)
    assert "confirm_form" not in preview.context
    assert sorted(import_row_errors(preview)[2]) == ["country", "full_name"]
    assert Person.objects.count() == 0


def test_person_import_creates_people(client, editor):
    text = "slug,full_name,other_names,country\nkim,Kim Kye Gwan,Kim Gye-gwan,KP\n"
    client.force_login(editor)
    confirm_import(client, "people_person", upload_csv(client, "people_person", text))
    person = Person.objects.get()
    assert (person.full_name, person.other_names, str(person.country)) == (
        "Kim Kye Gwan",
        "Kim Gye-gwan",
        "KP",
    )


def test_person_export_cannot_carry_formulas(db):
    make_person(full_name="+Kim", other_names="-Kim\n@Kim", slug="kim")
    rows = exported_rows(PersonResource(), Person.objects.all())
    assert [(r["full_name"], r["other_names"]) for r in rows] == [("'+Kim", "'-Kim\n@Kim")]
    assert "internal_notes" not in rows[0]
