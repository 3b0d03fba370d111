// Autosave of the assessor's record (progressive enhancement: the form works without it).
// On each change the whole form is posted (debounced) with Accept: application/json; the
// answer gives the new "orig-" values of the fields saved, any conflicts (their value is put
// back in the field and yours is named in the error summary) and the live grade panel.
const form = document.getElementById("record-form");

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

function setInput(name, value) {
  const inputs = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
  const values = Array.isArray(value) ? value.map(String) : [String(value ?? "")];
  inputs.forEach((input) => {
    if (input.type === "radio" || input.type === "checkbox") {
      input.checked = values.includes(input.value);
    } else {
      input.value = values[0] ?? "";
    }
  });
}

function showErrors(items) {
  const box = document.getElementById("record-errors");
  if (!items.length) {
    box.innerHTML = "";
    return;
  }
  const list = items
    .map((item) => {
      const text = escapeHtml(item.message);
      return `<li>${item.anchor ? `<a href="#${escapeHtml(item.anchor)}">${text}</a>` : text}</li>`;
    })
    .join("");
  box.innerHTML =
    '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">' +
    '<h2 class="govuk-error-summary__title">There is a problem</h2>' +
    `<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">${list}</ul></div>` +
    "</div></div>";
}

if (form && window.fetch && window.FormData) {
  const status = document.getElementById("save-status");
  let timer = null;
  let saving = false;
  let again = false;

  async function save() {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    status.textContent = "Saving…";
    const data = new FormData(form);
    data.set("action", "autosave");
    try {
      const response = await fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        headers: {
          Accept: "application/json",
          "X-CSRFToken": data.get("csrfmiddlewaretoken"),
        },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (!response.ok) {
        showErrors((answer.problems || [answer.refused]).map((m) => ({ message: m, anchor: "" })));
        status.textContent = "Not saved";
        return;
      }
      for (const [name, value] of Object.entries(answer.originals)) setInput(name, value);
      for (const conflict of answer.conflicts) {
        for (const [name, value] of Object.entries(conflict.inputs)) setInput(name, value);
      }
      form.querySelector('[name="revision"]').value = answer.revision;
      showErrors([...answer.conflicts, ...answer.problems]);
      document.getElementById("grade-panel").innerHTML = answer.panel;
      const savedAt = document.getElementById("saved-at");
      if (savedAt && answer.saved.length) savedAt.textContent = answer.saved_at;
      status.textContent = answer.conflicts.length || answer.problems.length
        ? "Saved, except what is listed at the top of the page"
        : answer.saved.length ? `Draft saved at ${answer.saved_at}` : "";
    } catch (error) {
      status.textContent = "Not saved: check your connection. Your changes are still on this page.";
    } finally {
      saving = false;
      if (again) {
        again = false;
        save();
      }
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", (event) => {
    if (event.target.matches("textarea, input[type=text]")) schedule();
  });

  const add = document.getElementById("add-occasion");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", () => {
      const rows = document.getElementById("occasion-rows");
      const count = document.getElementById("occasions-count");
      const index = Number(count.value);
      const last = rows.lastElementChild;
      const row = last.cloneNode(true);
      row.dataset.occasion = String(index);
      row.querySelectorAll("label").forEach((label) => {
        label.htmlFor = label.htmlFor.replace(/occasion-\d+-/, `occasion-${index}-`);
        label.textContent = label.textContent.replace(/\d+$/, String(index + 1));
      });
      row.querySelectorAll("input").forEach((input) => {
        input.id = input.id.replace(/occasion-\d+-/, `occasion-${index}-`);
        input.name = input.name.replace(/occasion-\d+-/, `occasion-${index}-`);
        input.value = "";
      });
      rows.appendChild(row);
      count.value = String(index + 1);
      row.querySelector("input").focus();
    });
  }
}
