/* Autocompletes that also add a record from what staff type: after the records that
 * match, "Add “Stockholm, Sweden” as a new city". The value sent is "new:<text>";
 * the server builds the record and saves it with the form (backchannel/admin_choices.py).
 * Like Django's admin/js/autocomplete.js, which it follows, plus select2's tags. */
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

  $(function () {
    $(".staff-autocomplete-new").not("[name*=__prefix__]").each((index, element) => init(element));
  });
  document.addEventListener("formset:added", (event) => {
    $(event.target).find(".staff-autocomplete-new").each((index, element) => init(element));
  });
})();
