// Lets htmx act only for elements the service itself rendered for this person. Loaded right after
// htmx, before htmx looks at the page.
//
// Every element of the service's templates that makes an htmx request carries data-hx-key with a value
// only this person's pages hold (the htmx-key meta tag; see config.context_processors.htmx_key). Markup
// that reached a page from someone's text (should escaping ever fail) cannot know it, so its hx-get or
// hx-post is cancelled here before htmx sends anything, and with it the page's CSRF token.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="htmx-key"]');
  var key = meta ? meta.content : "";

  function trusted(element) {
    return key !== "" && !!element && typeof element.getAttribute === "function" &&
      element.getAttribute("data-hx-key") === key;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (!trusted(event.detail.elt)) {
      event.preventDefault();
      if (window.console) {
        window.console.warn("htmx request refused: the element was not rendered by the service", event.detail.elt);
      }
    }
  });
})();
