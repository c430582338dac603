/**
 * The page's only script (inline, no network): severity, namespace and category filters, the
 * search box, copy buttons, and every <details> opened for printing.
 */
export const SCRIPT = `(function () {
  "use strict";
  var all = function (selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); };
  var sections = all("section.incident");
  var rows = all("tr.incident-row");
  var levels = all("input[name=severity]");
  var namespace = document.getElementById("f-namespace");
  var category = document.getElementById("f-category");
  var search = document.getElementById("f-search");
  var shown = document.getElementById("f-shown");
  var texts = sections.map(function (section) { return section.textContent.toLowerCase(); });
  function has(list, value) { return !value || (" " + list + " ").indexOf(" " + value + " ") >= 0; }
  function apply() {
    var wanted = {};
    levels.forEach(function (input) { if (input.checked) wanted[input.value] = true; });
    var ns = namespace ? namespace.value : "";
    var cat = category ? category.value : "";
    var words = search ? search.value.trim().toLowerCase().split(/\\s+/).filter(Boolean) : [];
    var visible = {};
    var count = 0;
    var total = 0;
    sections.forEach(function (section, index) {
      var ok = wanted[section.getAttribute("data-severity")] === true && has(section.getAttribute("data-namespaces"), ns) && has(section.getAttribute("data-categories"), cat) && words.every(function (word) { return texts[index].indexOf(word) >= 0; });
      var incidents = Number(section.getAttribute("data-incidents")) || 1;
      section.hidden = !ok;
      total += incidents;
      if (ok) { visible[section.id] = true; count += incidents; }
    });
    rows.forEach(function (row) { row.hidden = !visible[row.getAttribute("data-target")]; });
    if (shown) shown.textContent = count + " of " + total + " incidents shown";
  }
  levels.forEach(function (input) { input.addEventListener("change", apply); });
  if (namespace) namespace.addEventListener("change", apply);
  if (category) category.addEventListener("change", apply);
  if (search) search.addEventListener("input", apply);
  function copied(button) {
    button.classList.add("done");
    button.textContent = "Copied";
    setTimeout(function () { button.classList.remove("done"); button.textContent = "Copy"; }, 1500);
  }
  function fallbackCopy(text, button) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    try { if (document.execCommand("copy")) copied(button); } catch (ignored) {}
    document.body.removeChild(area);
  }
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    var block = document.getElementById(button.getAttribute("data-copy"));
    if (!block) return;
    var text = block.classList.contains("yaml") ? block.textContent : Array.prototype.map.call(block.children, function (line) { return line.textContent; }).join("\\n") + "\\n";
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(function () { copied(button); }, function () { fallbackCopy(text, button); });
    else fallbackCopy(text, button);
  });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    all("details:not([open])").forEach(function (details) { details.open = true; opened.push(details); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
  apply();
})();
`;
