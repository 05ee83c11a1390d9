"""The demo record: what one published article supports, and nothing more.

The article ("Informal Dialogue Between US And North Korea", How Africa) gives no
dates, so every meeting is undated. It names no participant of a particular
meeting; it says the talks involve serving North Korean officials and former US
officials or academics, so each meeting has unnamed participants of those
capacities. Paal and Joel Wit are quoted, but the article does not say which
meeting either attended, so they have no participation; their quotes cite the
article, which the public meetings cite, so the quotes (and they) are public.
"""

from django.db import transaction

from people.models import Affiliation, Organization, Person

from .models import City, DialogueSeries, Meeting, Participation, Quote, Source, Topic, Visibility

ARTICLE = {
    "title": "Informal Dialogue Between US And North Korea- How To Reach The World’s Most "
    "Stubborn Country",
    "publisher": "How Africa",
    # The passages the record relies on, as the article words them. It gives no date
    # and no address of its own, so none is recorded.
    "excerpt": "There is tight security around the lodging where the eatery is found and the "
    "members in the discussions once in a while show up outside the building.\n\n"
    "Geneva, London and Kuala Lumpur have been host to these meetings in the past. "
    "The meetings are dubbed “Track 1.5” as it involves North Korean government officials, "
    "which makes it official or Track 1 from Pyongyang’s perspective; but only former "
    "officials or academics on the American side, making it Track 2 in the US.\n\n"
    "…all eyes are on the next round of unofficial talks – scheduled to take place on the "
    "sidelines of a non-proliferation conference this week in Moscow.\n\n"
    "“They were using moderate language to forestall the conversation,” says Paal of the "
    "North Koreans’ softened approach to reach American experts last month.\n\n"
    "…one long-time participant, Joel Wit, now a senior fellow at the US-Korea Institute, "
    "says he doesn’t recall the first time he was involved in those discussions.",
}

SERIES = {
    "slug": "us-north-korea-informal-dialogue",
    "name": "US–North Korea informal dialogue",
    "description": "Back-channel talks between serving North Korean officials and former US "
    "officials and academics, held for a decade or two according to participants.",
}

TOPICS = {
    "denuclearisation": "Denuclearisation",
    "us-north-korea-relations": "US–North Korea relations",
    "non-proliferation": "Non-proliferation",
}

CITIES = {
    "berlin": ("Berlin", "DE"),
    "geneva": ("Geneva", "CH"),
    "london": ("London", "GB"),
    "kuala-lumpur": ("Kuala Lumpur", "MY"),
    "moscow": ("Moscow", "RU"),
}

PAST_SUMMARY = "Named in the source as an earlier host of the informal US–North Korea meetings."

MEETINGS = [
    {
        "slug": "us-north-korea-informal-talks-berlin",
        "title": "US–North Korea informal talks in Berlin",
        "city": "berlin",
        "venue": "A restaurant inside a hotel",
        "status": Meeting.Status.HELD,
        "summary": "Informal talks between North Korean government officials and former US "
        "officials and academics, held under tight security around the hotel where the "
        "restaurant is found; participants rarely appeared outside the building.",
        "topics": ["us-north-korea-relations", "denuclearisation"],
    },
    {
        "slug": "us-north-korea-informal-talks-geneva",
        "title": "US–North Korea informal talks in Geneva",
        "city": "geneva",
        "status": Meeting.Status.HELD,
        "summary": PAST_SUMMARY,
        "topics": ["us-north-korea-relations"],
    },
    {
        "slug": "us-north-korea-informal-talks-london",
        "title": "US–North Korea informal talks in London",
        "city": "london",
        "status": Meeting.Status.HELD,
        "summary": PAST_SUMMARY,
        "topics": ["us-north-korea-relations"],
    },
    {
        "slug": "us-north-korea-informal-talks-kuala-lumpur",
        "title": "US–North Korea informal talks in Kuala Lumpur",
        "city": "kuala-lumpur",
        "status": Meeting.Status.HELD,
        "summary": PAST_SUMMARY,
        "topics": ["us-north-korea-relations"],
    },
    {
        "slug": "us-north-korea-informal-talks-moscow",
        "title": "US–North Korea informal talks in Moscow",
        "city": "moscow",
        "occasion": "Sidelines of a non-proliferation conference",
        "status": Meeting.Status.SCHEDULED,
        "summary": "The next round of unofficial talks, scheduled on the sidelines of a "
        "non-proliferation conference in Moscow. Experts see the back-channel discussions as "
        "a possible stepping stone to official talks on denuclearisation.",
        "topics": ["us-north-korea-relations", "denuclearisation", "non-proliferation"],
    },
]

# Who the article says sits at these talks, without names.
UNNAMED_PARTICIPANTS = [
    ("KP", Participation.Capacity.OFFICIAL),
    ("US", Participation.Capacity.FORMER_OFFICIAL),
    ("US", Participation.Capacity.EXPERT),
]

PEOPLE = [
    {
        "slug": "paal",
        "full_name": "Paal",
        "sort_name": "Paal",
        "country": "US",
        "bio": "Former US official involved in back-channel dialogue with North Korea; like "
        "most such officials, in the loop for a decade or two, according to the source, which "
        "names him by surname only. He described the North Koreans’ softened approach to "
        "American experts.",
        "quote": "They were using moderate language to forestall the conversation.",
    },
    {
        "slug": "joel-wit",
        "full_name": "Joel Wit",
        "sort_name": "Wit, Joel",
        "country": "US",
        "bio": "Long-time participant in back-channel dialogue with North Korea, who does not "
        "recall the first time he was involved in those discussions; senior fellow at the "
        "US-Korea Institute.",
        "quote": "It’s important because people feel then they can just express what they’re "
        "thinking and brainstorm.",
    },
]


class Loader:
    """Creates what is missing and updates what differs; counts the rows it wrote."""

    def __init__(self):
        self.written = 0

    def ensure(self, model, lookup, **fields):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.written += 1
            return model.objects.create(**lookup, **fields)
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, fields[name])
            obj.save()
            self.written += 1
        return obj

    def ensure_set(self, manager, objects):
        if set(manager.all()) != set(objects):
            manager.set(objects)
            self.written += 1


@transaction.atomic
def load_demo():
    """Load the demo record; returns how many rows were written (0 when already there)."""
    loader = Loader()
    source = loader.ensure(Source, {"title": ARTICLE["title"]}, **_without(ARTICLE, "title"))
    series = loader.ensure(DialogueSeries, {"slug": SERIES["slug"]}, **_without(SERIES, "slug"))
    topics = {
        slug: loader.ensure(Topic, {"slug": slug}, name=name) for slug, name in TOPICS.items()
    }
    cities = {
        slug: loader.ensure(City, {"slug": slug}, name=name, country=country)
        for slug, (name, country) in CITIES.items()
    }
    for spec in MEETINGS:
        _load_meeting(loader, spec, series, cities, topics, source)
    _load_people(loader, source)
    return loader.written


def _without(mapping, *keys):
    return {key: value for key, value in mapping.items() if key not in keys}


def _load_meeting(loader, spec, series, cities, topics, source):
    fields = _without(spec, "slug", "city", "topics")
    meeting = loader.ensure(
        Meeting,
        {"slug": spec["slug"]},
        **fields,
        series=series,
        city=cities[spec["city"]],
        parties=["KP", "US"],
        start_date=None,
        track_override="1.5",
        visibility=Visibility.PUBLIC,
    )
    loader.ensure_set(meeting.topics, [topics[slug] for slug in spec["topics"]])
    loader.ensure_set(meeting.sources, [source])
    for side, capacity in UNNAMED_PARTICIPANTS:
        participation = loader.ensure(
            Participation,
            {"meeting": meeting, "person": None, "side": side, "capacity": capacity},
        )
        loader.ensure_set(participation.sources, [source])  # the article describes them


def _load_people(loader, source):
    institute = loader.ensure(
        Organization,
        {"slug": "us-korea-institute"},
        name="US-Korea Institute",
        kind=Organization.Kind.THINK_TANK,
        country="US",
    )
    for spec in PEOPLE:
        person = loader.ensure(Person, {"slug": spec["slug"]}, **_without(spec, "slug", "quote"))
        loader.ensure(Quote, {"person": person, "text": spec["quote"]}, source=source)
        if spec["slug"] == "joel-wit":
            loader.ensure(
                Affiliation, {"person": person, "organization": institute}, role="Senior fellow"
            )
