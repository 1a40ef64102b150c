// Counts down to the deadline in the <time datetime> of each [data-countdown] block, every second.
// The server already wrote the remaining time in words; without this script that text stays.
(function () {
  "use strict";
  const lang = document.documentElement.lang || "sv";
  const days = new Intl.NumberFormat(lang, { style: "unit", unit: "day", unitDisplay: "long" });
  const two = function (n) { return String(n).padStart(2, "0"); };

  document.querySelectorAll("[data-countdown]").forEach(function (block) {
    const time = block.querySelector("time[datetime]");
    const status = block.querySelector("[data-countdown-status]");
    const output = block.querySelector("[data-countdown-remaining]");
    if (!time || !status || !output) { return; }
    const deadline = Date.parse(time.getAttribute("datetime"));
    if (Number.isNaN(deadline)) { return; }
    let timer = null;

    function render() {
      const left = Math.floor((deadline - Date.now()) / 1000);
      if (left <= 0) {
        status.textContent = block.dataset.countdownPassed || "";
        if (timer !== null) { clearInterval(timer); }
        return;
      }
      const d = Math.floor(left / 86400);
      const clock = two(Math.floor(left % 86400 / 3600)) + ":" + two(Math.floor(left % 3600 / 60)) + ":" + two(left % 60);
      output.textContent = (d > 0 ? days.format(d) + " " : "") + clock;
    }

    render();
    timer = setInterval(render, 1000);
  });
})();
