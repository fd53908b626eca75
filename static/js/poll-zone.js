// Shows a poll's times also in the browser's own zone, by choosing it in the zone picker once.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-poll-zone]");
  if (!form || new URLSearchParams(window.location.search).has("zone")) {
    return;
  }
  const select = form.querySelector("select");
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  const offered = Array.from(select.options).some((option) => option.value === zone);
  if (offered && select.value !== zone) {
    select.value = zone;
    form.submit();
  }
});
