// The shopper pages work as plain HTML forms; where JavaScript runs, this adds three things on top
// (no framework, nothing else depends on it):
// - a button that opens a confirmation (a GET form, data-reveal="<panel id>") opens the hidden
//   panel in place instead of reloading the page, and "Keep waiting" (data-dismiss) closes it;
// - a form being sent (data-pending="Cancelling…") shows that on its button and is not sent twice,
//   and its way out ("Keep waiting", data-dismiss) is disabled: leaving would not stop the change;
// - the sentence a form post answered (#result) gets the focus, so it is read out.
(function () {
  "use strict";

  function group(element) {
    return element.closest("[data-confirmations]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;

    var reveal = form.getAttribute("data-reveal");
    if (reveal) {
      var panel = document.getElementById(reveal);
      var openers = group(form) && group(form).querySelector("[data-openers]");
      if (!panel || !openers) return;
      event.preventDefault();
      openers.hidden = true;
      panel.hidden = false;
      panel.setAttribute("data-opened-by", reveal);
      var first = panel.querySelector("input:not([type=hidden]), button");
      if (first) first.focus();
      return;
    }

    var pending = form.getAttribute("data-pending");
    if (!pending) return;
    if (form.getAttribute("data-sending") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "true");
    var button = event.submitter || form.querySelector("button[type=submit]");
    // Disabled only after this event: a disabled button's name and value would not be sent.
    window.setTimeout(function () {
      form.querySelectorAll("[data-dismiss]").forEach(holdBack);
      if (!button) return;
      button.setAttribute("data-label", button.textContent);
      button.disabled = true;
      button.textContent = pending;
    }, 0);
  });

  // A link cannot be disabled: it is marked so, taken out of the tab order, and its clicks ignored.
  function holdBack(link) {
    link.setAttribute("aria-disabled", "true");
    link.setAttribute("data-tabindex", link.getAttribute("tabindex") || "");
    link.setAttribute("tabindex", "-1");
    link.style.opacity = "0.5";
    link.style.cursor = "not-allowed";
  }

  function letGo(link) {
    var tabindex = link.getAttribute("data-tabindex");
    if (tabindex) link.setAttribute("tabindex", tabindex);
    else link.removeAttribute("tabindex");
    link.removeAttribute("data-tabindex");
    link.removeAttribute("aria-disabled");
    link.style.opacity = "";
    link.style.cursor = "";
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var dismiss = target.closest("[data-dismiss]");
    if (!dismiss) return;
    var panel = dismiss.closest("form");
    // While the form's change is on its way, neither close the question nor leave the page.
    if (panel && panel.getAttribute("data-sending") === "true") {
      event.preventDefault();
      return;
    }
    var openers = group(dismiss) && group(dismiss).querySelector("[data-openers]");
    if (!panel || !openers) return;
    event.preventDefault();
    panel.hidden = true;
    openers.hidden = false;
    var opener = openers.querySelector('[data-reveal="' + panel.id + '"] button');
    if (opener) opener.focus();
  });

  // A page restored from the back/forward cache keeps "Cancelling…": start over.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      form.querySelectorAll("[data-dismiss][aria-disabled]").forEach(letGo);
    });
    document.querySelectorAll("button[data-label]").forEach(function (button) {
      button.textContent = button.getAttribute("data-label");
      button.removeAttribute("data-label");
      button.disabled = false;
    });
  });

  var result = document.getElementById("result");
  if (result) result.focus();
})();
