/* Slugs that keep the words around dashes: "North Korea–US talks" gives
 * north-korea-us-talks, not north-koreaus-talks. Django's URLify drops the dash and
 * joins the words; every kind of dash (and a slash) becomes a space first, as the
 * server does when a slug is left empty (backchannel/slugs.py). */
(function () {
  "use strict";
  const original = window.URLify;
  if (typeof original !== "function") {
    return;
  }
  const dashes = /[\u2010-\u2015\u2212/\\]/g;
  window.URLify = function (text, maxLength, allowUnicode) {
    return original(String(text).replace(dashes, " "), maxLength, allowUnicode);
  };
})();
