// Import progress: follows the import's status (GET data-status-url, the same JSON as
// GET /my/heartbeat_imports/{id}) every 1.5 s and moves the progress bar until the import is
// done. Progressive enhancement: without JavaScript the page refreshes itself (<noscript>
// meta refresh) and has a reload link; with it, the refresh is not needed.
const box = document.querySelector("[data-import-status-url]");
if (box) {
  const url = box.dataset.importStatusUrl;
  const bar = box.querySelector("progress");
  const state = box.querySelector("[data-field=state]");
  const message = box.querySelector("[data-field=message]");
  const counts = box.querySelector("[data-field=counts]");
  const terminal = (s) => s === "completed" || s === "failed";
  const tick = async () => {
    let status;
    try {
      const res = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!res.ok) throw new Error(String(res.status));
      status = await res.json();
    } catch {
      setTimeout(tick, 5000);
      return;
    }
    bar.value = status.progress_percent;
    bar.textContent = `${status.progress_percent}%`;
    state.textContent = status.state;
    message.textContent = status.message;
    counts.textContent = `${status.processed_count} of ${status.total_count} processed, ${status.imported_count} imported, ${status.skipped_count} skipped, ${status.errors_count} errors`;
    box.dataset.state = status.state;
    if (!terminal(status.state)) setTimeout(tick, 1500);
  };
  if (!terminal(box.dataset.state)) setTimeout(tick, 500);
}
