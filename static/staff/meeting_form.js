/* The meeting form as staff type: the derived sides and track before saving, and what
 * the public will see of each anonymised participant. Without this script both appear
 * after saving. Computed by static/staff/track.js, the rule of meetings/track.py. */
(function () {
  "use strict";
  const $ = window.django && window.django.jQuery;
  const Track = window.BackchannelTrack;
  if (!$ || !Track) {
    return;
  }

  function field(row, name) {
    return row.querySelector(`[name$="-${name}"]`);
  }

  function chosenText(select) {
    const option = select && select.selectedOptions[0];
    return option && option.value ? option.textContent.trim() : "";
  }

  function participantRows(form) {
    const rows = form.querySelectorAll("#participations-group .inline-related");
    return Array.from(rows).filter((row) => {
      const deleted = field(row, "DELETE");
      return !row.classList.contains("empty-form") && !(deleted && deleted.checked);
    });
  }

  function withArticle(label) {
    return (/^[aeiou]/i.test(label) ? "an " : "a ") + label;
  }

  function showPublicView(row) {
    const view = row.querySelector(".public-view");
    const anonymised = field(row, "anonymised");
    if (!view || !anonymised) {
      return;
    }
    const capacity = chosenText(field(row, "capacity"));
    if (!anonymised.checked || !capacity) {
      view.textContent = "";
      return;
    }
    const side = chosenText(field(row, "side")) || "no side";
    view.textContent = `Shown as “${withArticle(capacity)}, ${side}”. ${view.dataset.note}`;
  }

  function preview(form) {
    const output = form.querySelector("#track-preview");
    const names = {};
    const participations = [];
    for (const row of participantRows(form)) {
      showPublicView(row);
      const side = field(row, "side");
      const capacity = field(row, "capacity");
      const role = field(row, "role");
      if (!side || !capacity || !role || !capacity.value) {
        continue;
      }
      names[side.value] = chosenText(side);
      participations.push([side.value, capacity.value, role.value]);
    }
    const others = form.querySelector("#id_extra_parties");
    const otherSides = others ? Array.from(others.selectedOptions) : [];
    for (const option of otherSides) {
      names[option.value] = option.textContent.trim();
    }
    if (!output) {
      return;
    }
    const override = form.querySelector("#id_track_override");
    const parties = Track.partiesOf(participations, otherSides.map((option) => option.value));
    const result = Track.computeTrack(parties, participations, override ? override.value : "");
    output.textContent = Track.summary(result, names);
    output.dataset.track = result.track;
    const note = form.querySelector(".track-preview-note");
    if (note) {
      note.hidden = false;
    }
  }

  $(function () {
    const form = document.getElementById("meeting_form");
    if (!form || !form.querySelector("#participations-group")) {
      return;
    }
    const update = () => preview(form);
    $(form).on("change input", "select, input", update);
    document.addEventListener("formset:added", update);
    document.addEventListener("formset:removed", update);
    update();
  });
})();
