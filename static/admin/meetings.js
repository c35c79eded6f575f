// Meeting set-up pages: confirmation dialogs and the print button. The forms work without it
// (freezing and committing also need a ticked checkbox, checked on the server).
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The township table of the plan form opens when "by township" is chosen.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (input.name === "kind" && input.type === "radio") {
    const details = document.querySelector(".strata-details");
    if (details) {
      details.open = input.value === "strata";
    }
  }
});

document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
