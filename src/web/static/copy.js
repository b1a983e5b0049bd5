// Copy buttons: <button data-copy="element-id"> copies that element's text. Progressive
// enhancement: without JavaScript the buttons stay hidden and the text can be selected by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = "Press Ctrl+C to copy";
    }
    setTimeout(() => (button.textContent = "Copy"), 2000);
  });
}
