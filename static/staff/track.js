/* The track rule, as meetings/track.py states it, for the meeting form's preview.
 *
 * A side is Track 1 when at least one of its counted participants is a serving
 * official, Track 2 when it has counted participants and none is, and undetermined
 * (null) when it has none. Facilitators and observers are not counted. The meeting is
 * Track 1 when every side is Track 1, Track 2 when every side is Track 2, 1.5 when they
 * differ, and the override (the track a source states) when any side is undetermined.
 *
 * Pure functions, no page: tests/meetings/test_track_preview.py runs them in Node
 * against the cases of tests/meetings/test_track.py.
 */
(function (root) {
  "use strict";
  const TRACK_1 = "1";
  const TRACK_1_5 = "1.5";
  const TRACK_2 = "2";
  const OFFICIAL = "official";
  const UNCOUNTED_ROLES = new Set(["facilitator", "observer"]);

  function sideTrack(capacities) {
    if (capacities.size === 0) {
      return null;
    }
    return capacities.has(OFFICIAL) ? TRACK_1 : TRACK_2;
  }

  function byCode(a, b) {
    if (a === b) {
      return 0;
    }
    return a < b ? -1 : 1;
  }

  /* parties: country codes; participations: [side, capacity, role] triples.
   * Returns {track, sides}, sides as {code: "1" | "2" | null} in code order. */
  function computeTrack(parties, participations, override) {
    const capacities = new Map(parties.map((party) => [String(party), new Set()]));
    for (const [side, capacity, role] of participations) {
      if (UNCOUNTED_ROLES.has(role) || !capacities.has(String(side))) {
        continue;
      }
      capacities.get(String(side)).add(capacity);
    }
    const sides = {};
    for (const code of Array.from(capacities.keys()).sort(byCode)) {
      sides[code] = sideTrack(capacities.get(code));
    }
    const views = new Set(Object.values(sides));
    let track = TRACK_1_5;
    if (views.size === 0 || views.has(null)) {
      track = override || "";
    } else if (views.size === 1) {
      track = views.has(TRACK_1) ? TRACK_1 : TRACK_2;
    }
    return {track: track, sides: sides};
  }

  /* The meeting's sides on its page: every counted participant's side, then the others. */
  function partiesOf(participations, otherSides) {
    const sides = new Set(otherSides.map(String));
    for (const [side, , role] of participations) {
      if (side && role && !UNCOUNTED_ROLES.has(role)) {
        sides.add(String(side));
      }
    }
    return Array.from(sides).sort(byCode);
  }

  /* '1.5 — Track 1 for North Korea, Track 2 for United States', as the admin says it. */
  function summary(result, names) {
    const overall = result.track || "undetermined";
    const views = Object.entries(result.sides).map(([code, view]) => {
      const name = names[code] || code;
      return view ? `Track ${view} for ${name}` : `undetermined for ${name}`;
    });
    return views.length ? `${overall} — ${views.join(", ")}` : overall;
  }

  const api = {computeTrack: computeTrack, partiesOf: partiesOf, summary: summary};
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.BackchannelTrack = api;
  }
})(this);
