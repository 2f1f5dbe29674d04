// Evidence notes: Alt+Shift+N (Option+Shift+N on a Mac) puts the cursor in the note's box from anywhere
// on the page, as the page says under the form. Without JavaScript the form is simply first on the page.
const box = document.querySelector("[data-note-box]");

if (box) {
  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === "KeyN") {
      event.preventDefault();
      box.focus();
      box.scrollIntoView({ block: "center" });
    }
  });
}
