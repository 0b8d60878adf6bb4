// The story header's "Publish now" and "Schedule": they save the form as it
// is, with what was asked (articles/desk/forms.py, asked_go_live), through
// "Save and continue editing", so nothing typed is left behind. Buttons,
// not submit buttons: pressing Enter in a field never publishes.
// And the withdrawal reason shows only for a story being withdrawn.
(function () {
  const asked = document.getElementById("go-live");
  if (asked) {
    const form = asked.form;
    document.querySelectorAll("[data-go-live]").forEach((button) => {
      button.addEventListener("click", () => {
        asked.value = button.dataset.goLive;
        const save =
          form.querySelector("input[name=_continue]") || form.querySelector("[type=submit]");
        save.click();
      });
    });
  }

  const status = document.getElementById("id_status");
  const reason = document.querySelector(".form-row.field-withdrawal_reason");
  if (status && reason) {
    const text = reason.querySelector("textarea, input");
    const sync = () => {
      reason.hidden = status.value !== "withdrawn" && !(text && text.value.trim());
    };
    status.addEventListener("change", sync);
    sync();
  }
})();
