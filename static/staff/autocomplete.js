/* Autocompletes that also add a record from what staff type: after the records that
 * match, "Add “Stockholm, Sweden” as a new city". The value sent is "new:<text>";
 * the server builds the record and saves it with the form (backchannel/admin_choices.py).
 * Like Django's admin/js/autocomplete.js, which it follows, plus select2's tags.
 *
 * Every autocomplete, Django's too, also gets the name of its field for screen readers:
 * select2 leaves its combobox and search box unnamed. */
(function () {
  "use strict";
  const $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) {
    return;
  }
  const NEW = "new:";

  function init(element) {
    const noun = element.dataset.newNoun;
    $(element).select2({
      tags: true,
      createTag: (params) => {
        const text = (params.term || "").trim().replace(/\s+/g, " ");
        return text ? {id: NEW + text, text: text, isNew: true} : null;
      },
      insertTag: (data, tag) => {
        data.push(tag); // after the matching records, so picking one stays the easy way
      },
      templateResult: (item) => (item.isNew ? `Add “${item.text}” as a new ${noun}` : item.text),
      ajax: {
        data: (params) => ({
          term: params.term,
          page: params.page,
          app_label: element.dataset.appLabel,
          model_name: element.dataset.modelName,
          field_name: element.dataset.fieldName,
        }),
      },
    });
  }

  function fieldName(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    return label ? label.textContent.replace(/:\s*$/, "").trim() : select.name;
  }

  function name(select) {
    const box = select.nextElementSibling;
    if (!box || !box.classList.contains("select2")) {
      return;
    }
    const label = fieldName(select);
    const parts = ".select2-selection, .select2-selection__rendered, .select2-search__field";
    box.querySelectorAll(parts).forEach((part) => part.setAttribute("aria-label", label));
  }

  const AUTOCOMPLETES = ".staff-autocomplete-new, .admin-autocomplete";

  $(function () {
    $(".staff-autocomplete-new").not("[name*=__prefix__]").each((index, element) => init(element));
    $(AUTOCOMPLETES).not("[name*=__prefix__]").each((index, element) => name(element));
  });
  document.addEventListener("formset:added", (event) => {
    $(event.target).find(".staff-autocomplete-new").each((index, element) => init(element));
    $(event.target).find(AUTOCOMPLETES).each((index, element) => name(element));
  });
})();
