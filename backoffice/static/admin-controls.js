/* The back-office's controls, bound here rather than in inline handlers, which the Content Security
   Policy refuses: "With selected" list actions and "Add ..." sub-forms (Flask-Admin's own functions
   do the work). Loaded on every back-office page. */
(function () {
  "use strict";

  // Yes/No fields edited in a list switch with one press, by mouse or keyboard. (x-editable's popover
  // could not load its two choices.) Taken over before Flask-Admin's form.js sets x-editable up.
  var toggles = document.querySelectorAll("[data-role=x-editable-boolean]");
  Array.prototype.forEach.call(toggles, function (link) {
    link.setAttribute("data-role", "inline-toggle");
    link.setAttribute("role", "switch");
    link.setAttribute("aria-checked", link.getAttribute("data-value") === "1" ? "true" : "false");
  });

  function showToggle(link, on) {
    link.setAttribute("data-value", on ? "1" : "");
    link.setAttribute("aria-checked", on ? "true" : "false");
    var label = link.getAttribute("aria-label") || "";
    link.setAttribute("aria-label", label.replace(/: (Yes|No)\./, on ? ": Yes." : ": No."));
    link.innerHTML = on ? '<span class="fa fa-check" aria-hidden="true"></span>'
                        : '<span class="fa fa-minus-circle" aria-hidden="true"></span>';
  }

  function toggle(link) {
    var on = link.getAttribute("data-value") !== "1";
    var body = new URLSearchParams();
    body.set("list_form_pk", link.getAttribute("data-pk"));
    body.set(link.getAttribute("name"), on ? "1" : "");
    body.set("csrf_token", link.getAttribute("data-csrf"));
    fetch(link.getAttribute("data-url"), {method: "POST", body: body, credentials: "same-origin"})
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) { throw new Error(text || response.statusText); }
          showToggle(link, on);
        });
      })
      .catch(function (error) { window.alert("Not saved: " + error.message.replace(/<[^>]*>/g, "").trim()); });
  }

  // select2 draws each choice as a link with no name when nothing is chosen: name it after the field's
  // label, once Flask-Admin's scripts have set select2 up.
  function nameChoices() {
    Array.prototype.forEach.call(document.querySelectorAll(".select2-container[id^=s2id_]"), function (box) {
      var field = box.id.replace(/^s2id_/, "");
      var label = document.querySelector('label[for="' + field + '"]');
      // A choice made in a box of several has a nameless link that removes it: say what it removes.
      Array.prototype.forEach.call(box.querySelectorAll(".select2-search-choice"), function (item) {
        var remove = item.querySelector(".select2-search-choice-close");
        if (remove) { remove.setAttribute("aria-label", "Remove " + item.textContent.trim()); }
      });
      var choice = box.querySelector(".select2-choice");
      if (!choice || !label) { return; }
      var chosen = box.querySelector(".select2-chosen");
      choice.setAttribute("aria-label", label.textContent.trim() + ": " + ((chosen && chosen.textContent.trim()) || "none chosen"));
      if (choice.getAttribute("href") === "javascript:void(0)") { choice.setAttribute("href", "#"); }
    });
  }
  // Flask-Admin copies a sub-form from a template and renames its fields ("agency" becomes
  // "agency_links-0-agency") but not the labels, hints and errors that point at them: point them again.
  function relabel(subForm) {
    var renamed = {};
    Array.prototype.forEach.call(subForm.querySelectorAll("[id]"), function (element) {
      var short = element.id.replace(/^.*-\d+-/, "");
      if (short !== element.id) { renamed[short] = element.id; }
    });
    Array.prototype.forEach.call(subForm.querySelectorAll("label[for]"), function (label) {
      var target = renamed[label.getAttribute("for")];
      if (target) { label.setAttribute("for", target); }
    });
    Array.prototype.forEach.call(subForm.querySelectorAll("[id$='-hint'], [id$='-error']"), function (note) {
      var match = /^(.*)-(hint|error)$/.exec(note.id);
      if (match && renamed[match[1]]) { note.id = renamed[match[1]] + "-" + match[2]; }
    });
    Array.prototype.forEach.call(subForm.querySelectorAll("[aria-describedby]"), function (field) {
      field.setAttribute("aria-describedby", field.getAttribute("aria-describedby").split(" ").map(function (id) {
        var match = /^(.*)-(hint|error)$/.exec(id);
        return match && renamed[match[1]] ? renamed[match[1]] + "-" + match[2] : id;
      }).join(" "));
    });
  }

  // After every jQuery "ready" handler, Flask-Admin's select2 set-up included (this file loads first).
  // select2 tells of a choice through jQuery's events, which native listeners do not hear; each choice
  // renames its box, so the name always contains what it shows.
  if (window.jQuery) {
    window.jQuery(function () { window.setTimeout(nameChoices, 0); });
    window.jQuery(document).on("change", "select, input[type=hidden]", function () { window.setTimeout(nameChoices, 0); });
  }

  // Flask-Admin's page tabs (List, Create, Edit, Details) mark the tab being shown with a javascript:
  // link, which the CSP refuses if followed: it becomes the text it is, marked as the current page.
  Array.prototype.forEach.call(document.querySelectorAll('a[href^="javascript:"]'), function (link) {
    if (link.classList.contains("active")) {
      var current = document.createElement("span");
      current.className = link.className;
      current.setAttribute("aria-current", "page");
      current.textContent = link.textContent;
      link.replaceWith(current);
    } else {
      link.setAttribute("href", "#");
    }
  });

  // The error summary takes the focus, so a screen reader reads it first; each of its links moves
  // the focus to its field (select2's box when select2 hides the field).
  // (After Flask-Admin's own ready handlers, which set up select2 and could take the focus.)
  var summary = document.querySelector(".error-summary");
  if (summary && window.jQuery) {
    window.jQuery(function () { window.setTimeout(function () { summary.focus(); }, 0); });
  } else if (summary) {
    summary.focus();
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    var box = document.getElementById("s2id_" + id);
    var target = box ? box.querySelector("a, input:not([type=hidden])") : field;
    (target || field).focus();
    (box || field).scrollIntoView({block: "center"});
    return true;
  }

  // Text with a maximum length counts down as it is typed, and says when it is over: nothing is cut.
  function countCharacters(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var counter = document.getElementById(field.id + "-count");
    if (!counter) {
      counter = document.createElement("span");
      counter.id = field.id + "-count";
      counter.className = "char-count form-text text-muted";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
    }
    var left = limit - field.value.length;
    counter.classList.toggle("over", left < 0);
    counter.textContent = left < 0 ? "You have " + (-left).toLocaleString("en-GB") + " characters too many"
                                   : "You have " + left.toLocaleString("en-GB") + " characters remaining";
  }
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-limit]"), countCharacters);
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-limit]")) { countCharacters(event.target); }
    if (event.target.matches && event.target.matches("#title, #text")) { lookForRepeatLessons(); }
  });

  // Repeat lessons: as a finding is typed, the page lists the most similar findings of other reviews
  // (a second after typing stops, so each keystroke does not ask the server).
  var repeatTimer = null;
  function lookForRepeatLessons() {
    var region = document.querySelector("[data-repeat-lessons]");
    if (!region) { return; }
    window.clearTimeout(repeatTimer);
    repeatTimer = window.setTimeout(function () {
      var typed = ["title", "text"].map(function (id) {
        var field = document.getElementById(id);
        return field ? field.value : "";
      }).join(" ");
      var url = new URL(region.getAttribute("data-repeat-lessons"), window.location.href);
      url.searchParams.set("text", typed.slice(0, 5000));
      fetch(url.toString(), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null) { region.querySelector("[data-repeat-lessons-list]").innerHTML = html; }
        });
    }, 1000);
  }

  document.addEventListener("click", function (event) {
    var problem = event.target.closest(".error-summary a[data-field]");
    if (problem && focusField(problem.getAttribute("data-field"))) {
      event.preventDefault();
      return;
    }
    var switcher = event.target.closest("[data-role=inline-toggle]");
    if (switcher) {
      event.preventDefault();
      toggle(switcher);
      return;
    }
    var action = event.target.closest("[data-model-action]");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action.getAttribute("data-model-action"));
      return;
    }
    var add = event.target.closest("[data-inline-add]");
    if (add && window.faForm) {
      event.preventDefault();
      window.faForm.addInlineField(add, add.getAttribute("data-inline-add"));
      var added = add.closest(".inline-field").querySelector(":scope > .inline-field-list > .inline-field:last-child");
      if (added) { relabel(added); nameChoices(); }
      // Keyboard users continue in the sub-form just added.
      var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      return;
    }
    // A "#" link is a control that scripts handle (a filter to add, a menu): it never navigates.
    if (event.target.closest('a[href="#"]')) { event.preventDefault(); }
  });
})();
