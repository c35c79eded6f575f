/* A [data-print] button prints the page (instead of an inline javascript: link). */
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
