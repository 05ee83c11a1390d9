"""The search table's words (meetings/search_index.py): folding, romanisations, the
frozen copy in migration 0015, and the listing's ``q`` against the old substring rule
on populated data."""

import re
from importlib import import_module
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.http import QueryDict

from meetings import search_index
from meetings.filters import meeting_filter
from meetings.models import Meeting, Participation
from tests.factories import make_meeting, make_participation, make_person

FROZEN = import_module("meetings.migrations.0015_search_table")
SAMPLES = [
    "Choe Son-hui",
    "Ch'oe Sŏn-hŭi\nChoe Sonhui; Choe Son Hui",
    "Non-proliferation talks at the Hôtel Président, Genève (Track 1.5)",
    "Korea’s envoy Łukasz Øster ßtraße ʻOkina",
    "",
    "   ",
    "under_score 北京 Москва",
]


def found(q):
    data = QueryDict(urlencode({"q": q}))
    return sorted(meeting_filter(data).qs.values_list("title", flat=True))


@pytest.mark.parametrize("text", SAMPLES)
def test_the_migration_keeps_the_rules_it_was_written_with(text):
    assert FROZEN.fold(text) == search_index.fold(text)
    assert FROZEN.text_words(text) == search_index.text_words(text)
    assert set(FROZEN.name_words(text)) == set(search_index.name_words(text))
    assert FROZEN.meeting_words([text, text], [text]) == search_index.meeting_words(
        [text, text], [text]
    )


def test_words_are_folded_and_joined():
    assert search_index.fold("Sŏn-hŭi ÉTÉ Øster Łódź Straße") == "son-hui ete oster lodz strasse"
    assert search_index.text_words("Ch'oe non-proliferation") == {
        "ch", "oe", "choe", "non", "proliferation", "nonproliferation"
    }  # fmt: skip
    assert "sonhui" in search_index.name_words("Choe Son Hui")
    assert "sonhui" not in search_index.text_words("the son hui")  # only names join chunks


def test_query_groups_offer_the_parts_or_the_parts_joined():
    assert search_index.query_groups("Ch'oe Son-hui") == [
        [("choe",)],
        [("son", "hui"), ("sonhui",)],
    ]
    assert search_index.query_groups("%_&|!:* ' -") == []


ROMANISATIONS = ["Choe Son-hui", "Choe Sonhui", "Choe Son Hui", "Ch'oe Sŏn-hŭi", "CHOE SON-HUI"]


@pytest.mark.django_db
@pytest.mark.parametrize("stored", ["Choe Son-hui", "Ch'oe Sŏn-hŭi", "Choe Son Hui"])
def test_romanisations_find_the_same_person(stored):
    meeting = make_meeting(title="Talks")
    make_participation(meeting, make_person(full_name=stored), side="KP")
    for q in ROMANISATIONS:
        assert found(q) == ["Talks"], q


@pytest.mark.django_db
def test_other_names_are_searched_by_line():
    meeting = make_meeting(title="Talks")
    make_participation(meeting, make_person(full_name="Kim", other_names="Pak Il\nRi Yong-ho"))
    assert found("pakil") == ["Talks"]
    assert found("yongho") == ["Talks"]
    assert found("ilri") == []  # two lines are two names


@pytest.mark.django_db
def test_an_anonymised_participant_never_makes_a_meeting_match():
    meeting = make_meeting(title="Talks")
    make_participation(meeting, make_person(full_name="Zebulon Quarry", other_names="Zeb Q"))
    hidden = make_person(full_name="Xanthippe Vortigern", other_names="Xan Vort")
    make_participation(meeting, hidden, anonymised=True)
    assert found("zebulon") == ["Talks"]
    for q in ["xanthippe", "vortigern", "xan", "vort", "talks xanthippe"]:
        assert found(q) == [], q


# The old rule (SQLite before the search table): every word a case-insensitive
# substring of the text or of a public name. For whole words the new rule must agree
# wherever the word starts a word; it never finds more.
def old_rule_matches(meeting_texts, word):
    return word.lower() in meeting_texts.lower()


def word_starts(meeting_texts, word):
    return re.search(rf"(?<![^\W_]){re.escape(word)}", meeting_texts, re.IGNORECASE) is not None


@pytest.mark.django_db
def test_q_agrees_with_the_substring_rule_on_populated_data():
    call_command("populate", meetings=60, seed=3, verbosity=0)
    texts = {}
    for meeting in Meeting.objects.public():
        texts[meeting.pk] = " ".join(
            [meeting.title, meeting.summary, meeting.venue, meeting.occasion]
        )
    for meeting_id, full_name, other_names in Participation.objects.publicly_named().values_list(
        "meeting_id", "person__full_name", "person__other_names"
    ):
        texts[meeting_id] += f" {full_name} {other_names}"
    vocabulary = sorted({w for text in texts.values() for w in re.findall(r"[a-z]{4,}", text)})
    assert len(vocabulary) > 50
    for word in vocabulary[::7]:
        expected = {pk for pk, text in texts.items() if word_starts(text, word)}
        substring = {pk for pk, text in texts.items() if old_rule_matches(text, word)}
        got = set(meeting_filter(QueryDict(urlencode({"q": word}))).qs.values_list("pk", flat=True))
        assert got == expected, word
        assert got <= substring, word
