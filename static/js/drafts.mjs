// Drafts: long text in forms marked data-draft-form is kept in this tab's session storage as the
// person types, and put back after a reload. Sending the form clears the draft (if the server signs
// the person out on the way, it keeps what was sent and restores it after they sign in again).
const PREFIX = "draft:";

const keyFor = (form, field) =>
  `${PREFIX}${location.pathname}|${form.getAttribute("action") || ""}|${field.name}`;

function watch(form) {
  if (form.dataset.draftReady) return;
  form.dataset.draftReady = "true";
  const fields = form.querySelectorAll("textarea[name]");
  let restored = false;
  fields.forEach((field) => {
    const key = keyFor(form, field);
    const saved = sessionStorage.getItem(key);
    if (saved !== null && saved !== field.value && field.value.trim() === field.defaultValue.trim()) {
      field.value = saved;
      restored = true;
    }
    let timer = null;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => sessionStorage.setItem(key, field.value), 400);
    });
  });
  if (restored) {
    const note = document.createElement("p");
    note.className = "govuk-inset-text";
    note.setAttribute("role", "status");
    note.textContent = "We restored the draft you were typing before the page was reloaded.";
    form.prepend(note);
  }
  form.addEventListener("submit", () => {
    fields.forEach((field) => sessionStorage.removeItem(keyFor(form, field)));
  });
}

function init(root) {
  if (root.matches && root.matches("form[data-draft-form]")) watch(root);
  root.querySelectorAll?.("form[data-draft-form]").forEach(watch);
}

init(document);
document.addEventListener("htmx:load", (event) => init(event.detail.elt));
