from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Person


@require_safe
def person_detail(request, slug):
    person = get_object_or_404(Person.objects.public(), slug=slug)
    return render(request, "people/person_detail.html", {"person": person})
