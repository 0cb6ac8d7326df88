// The language menu in the top bar applies the choice at once (a button does it without JavaScript).
document.addEventListener("change", (event) => {
  const select = event.target.closest(".lang-form select");
  if (select) select.form.submit();
});
