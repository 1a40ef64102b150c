// Character counters beside the pitch texts. Without this script the limits still hold (maxlength).
(function () {
  "use strict";
  const lang = document.documentElement.lang;
  const word = lang === "sv" ? "tecken" : "characters";
  document.querySelectorAll("[data-counter]").forEach(function (field) {
    const limit = parseInt(field.dataset.counter, 10);
    const counter = document.createElement("div");
    counter.className = "form-text text-end";
    counter.id = field.id + "-counter";
    const describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    describedBy.push(counter.id);
    field.setAttribute("aria-describedby", describedBy.join(" "));
    field.insertAdjacentElement("afterend", counter);
    function update() {
      counter.textContent = field.value.length + " / " + limit + " " + word;
      counter.classList.toggle("text-danger", field.value.length >= limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
