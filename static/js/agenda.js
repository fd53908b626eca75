// The agenda builder: reorder items by drag and drop, or with the arrow keys on an item's
// handle. The new order is posted to the server (with the CSRF token of the page's order
// form) and the page reloads to show the recomputed times. Without this file, the Move up
// and Move down buttons do the same.
(() => {
  "use strict";
  const list = document.querySelector(".agenda-builder");
  const form = list && document.getElementById(list.dataset.orderForm);
  if (!list || !form || !window.fetch || !window.FormData) {
    return;
  }
  const live = document.getElementById("agenda-live");
  const FOCUS_KEY = "coordination-agenda-focus";
  const rows = () => Array.from(list.querySelectorAll(".agenda-row"));
  const order = () => rows().map((row) => row.dataset.itemId).join(",");
  const saved = order();
  let timer = null;
  let dragged = null;

  const say = (text) => {
    if (live) {
      live.textContent = text;
    }
  };

  const restore = () => {
    const byId = new Map(rows().map((row) => [row.dataset.itemId, row]));
    saved.split(",").forEach((id) => list.appendChild(byId.get(id)));
  };

  const post = async (row) => {
    if (order() === saved) {
      return;
    }
    const data = new FormData(form);
    data.set("order", order());
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        throw new Error(answer.error || "The new order could not be saved.");
      }
      try {
        window.sessionStorage.setItem(FOCUS_KEY, row ? row.dataset.itemId : "");
      } catch (_ignored) {
        // Private browsing without storage: the page still reloads, focus starts at the top.
      }
      window.location.reload();
    } catch (error) {
      restore();
      say(`${error.message} Use the Move up and Move down buttons instead.`);
    }
  };

  const saveSoon = (row, delay) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => post(row), delay);
  };

  const position = (row) => `${rows().indexOf(row) + 1} of ${rows().length}`;

  const moveBy = (row, step) => {
    const all = rows();
    const index = all.indexOf(row);
    const target = all[index + step];
    if (!target) {
      say(`“${row.dataset.title}” is already ${step < 0 ? "first" : "last"}.`);
      return false;
    }
    if (step < 0) {
      list.insertBefore(row, target);
    } else {
      list.insertBefore(row, target.nextSibling);
    }
    say(`“${row.dataset.title}” moved to position ${position(row)}.`);
    return true;
  };

  rows().forEach((row) => {
    const handle = document.createElement("button");
    handle.type = "button";
    handle.className = "agenda-handle";
    handle.textContent = "Reorder";
    handle.setAttribute("aria-label", `Reorder “${row.dataset.title}”: drag, or press the up or down arrow`);
    handle.setAttribute("aria-describedby", "reorder-help");
    row.insertBefore(handle, row.querySelector(".agenda-row__when"));
    row.draggable = true;

    handle.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") {
        return;
      }
      event.preventDefault();
      if (moveBy(row, event.key === "ArrowUp" ? -1 : 1)) {
        handle.focus();
        saveSoon(row, 900);
      }
    });

    row.addEventListener("dragstart", (event) => {
      dragged = row;
      row.classList.add("agenda-row--dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.itemId);
    });

    row.addEventListener("dragend", () => {
      row.classList.remove("agenda-row--dragging");
      dragged = null;
      say(`“${row.dataset.title}” moved to position ${position(row)}.`);
      saveSoon(row, 50);
    });
  });

  list.addEventListener("dragover", (event) => {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const over = event.target.closest && event.target.closest(".agenda-row");
    if (!over || over === dragged) {
      return;
    }
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  list.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
    }
  });

  let focusId = null;
  try {
    focusId = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
  } catch (_ignored) {
    focusId = null;
  }
  if (focusId !== null) {
    const row = rows().find((candidate) => candidate.dataset.itemId === focusId);
    const handle = row && row.querySelector(".agenda-handle");
    if (handle) {
      handle.focus();
    }
    say("The new order is saved and the times are updated.");
  }
})();
