-- Datasette's side of the benchmark: the public meetings in one table, in the
-- listing's order (newest first, undated last), with city, year and track as
-- plain indexed columns to facet on, parties and organisers as comma-separated
-- lists to match; and the public people.
CREATE TABLE meetings AS
SELECT
    m.slug, m.title, m.start_date, m.date_precision,
    strftime('%Y', m.start_date) AS year,
    c.slug AS city, c.name AS city_name, c.country AS country,
    m.track, m.status, m.venue, m.summary,
    m.end_date, m.parties,
    -- the organisers in any role or as the series' convener, as ``organization=`` reads them
    (SELECT group_concat(slug) FROM (
        SELECT o.slug FROM src.meetings_meetingorganizer AS mo
        JOIN src.people_organization AS o ON o.id = mo.organization_id
        WHERE mo.meeting_id = m.id
        UNION
        SELECT o.slug FROM src.meetings_dialogueseries AS s
        JOIN src.people_organization AS o ON o.id = s.convener_id
        WHERE s.id = m.series_id
    )) AS organizers
FROM src.meetings_meeting AS m
LEFT JOIN src.meetings_city AS c ON c.id = m.city_id
WHERE m.visibility IN ('public', 'participants_withheld')
ORDER BY m.start_date DESC NULLS LAST, m.id DESC;

CREATE INDEX meetings_slug ON meetings (slug);
CREATE INDEX meetings_city ON meetings (city);
CREATE INDEX meetings_year ON meetings (year);
CREATE INDEX meetings_track ON meetings (track);

CREATE TABLE people AS
SELECT p.slug, p.full_name, p.country, p.bio
FROM src.people_person AS p
WHERE EXISTS (
    SELECT 1
    FROM src.meetings_participation AS pa
    JOIN src.meetings_meeting AS m ON m.id = pa.meeting_id
    WHERE pa.person_id = p.id AND pa.anonymised = 0 AND m.visibility = 'public'
)
ORDER BY p.id;

CREATE INDEX people_slug ON people (slug);
