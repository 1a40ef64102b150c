// Organiser screening list: one checkbox ticks or clears every nomination on the page.
(function () {
  "use strict";
  const all = document.getElementById("select-all");
  if (!all) {
    return;
  }
  const boxes = () => document.querySelectorAll('#bulk-screening input[name="nominations"]');
  const sync = () => {
    const list = Array.from(boxes());
    const ticked = list.filter((box) => box.checked).length;
    all.checked = list.length > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
  };
  all.addEventListener("change", () => {
    boxes().forEach((box) => {
      box.checked = all.checked;
    });
  });
  boxes().forEach((box) => box.addEventListener("change", sync));
  sync();
})();
