// Upload forms (form[data-upload-progress]): send the form with XMLHttpRequest to show how
// much of the file has gone, then show the page the server answers with (the document list
// after a redirect, or the form with its errors). Without this file the form posts as usual.
(() => {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }

  const say = (form, text) => {
    const status = form.querySelector(".upload-progress__status");
    if (status) {
      status.textContent = text;
    }
  };

  const setBusy = (form, busy) => {
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.disabled = busy;
    });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  };

  const tooLarge = (form) => {
    const limit = Number(form.dataset.maxBytes || 0);
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    return limit > 0 && file && file.size > limit ? file : null;
  };

  // Put the server's page in place of this one, as if the browser had loaded it.
  const showPage = (xhr) => {
    const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const main = page.querySelector("main");
    const current = document.querySelector("main");
    if (!main || !current) {
      window.location.assign(xhr.responseURL || window.location.href);
      return;
    }
    document.title = page.title;
    current.replaceWith(document.adoptNode(main));
    if (xhr.responseURL && xhr.responseURL !== window.location.href) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    const summary = document.querySelector(".error-summary");
    (summary || document.querySelector("main")).focus();
    bind(document.querySelector("form[data-upload-progress]"));
  };

  const bind = (form) => {
    if (!form) {
      return;
    }
    const box = form.querySelector(".upload-progress");
    const bar = box && box.querySelector("progress");
    let sending = false;

    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented || !box || !bar) {
        return;
      }
      event.preventDefault();
      if (sending) {
        return;
      }
      box.hidden = false;
      const big = tooLarge(form);
      if (big) {
        bar.value = 0;
        say(form, `“${big.name}” is larger than the ${form.dataset.maxSize} a document may be. Choose a smaller file.`);
        return;
      }
      sending = true;
      setBusy(form, true);
      bar.value = 0;
      say(form, "Uploading: 0%");
      let lastPercent = 0;

      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.responseType = "text";
      xhr.upload.addEventListener("progress", (progress) => {
        if (progress.lengthComputable && progress.total > 0) {
          const percent = Math.floor((progress.loaded * 100) / progress.total);
          bar.value = percent;
          if (percent !== lastPercent) {
            lastPercent = percent;
            say(form, `Uploading: ${percent}%`);
          }
        }
      });
      xhr.upload.addEventListener("load", () => {
        bar.value = 100;
        say(form, "Uploaded. Checking the file…");
      });
      xhr.addEventListener("load", () => {
        sending = false;
        setBusy(form, false);
        showPage(xhr);
      });
      const failed = (text) => () => {
        sending = false;
        setBusy(form, false);
        say(form, text);
      };
      xhr.addEventListener(
        "error",
        failed(
          "The upload stopped before it finished: the connection was lost, or the file is larger than the server accepts. Nothing was saved. Try again.",
        ),
      );
      xhr.addEventListener("abort", failed("The upload was stopped. Nothing was saved."));
      xhr.send(new FormData(form));
    });
  };

  bind(document.querySelector("form[data-upload-progress]"));
})();
