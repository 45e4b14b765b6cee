// "Leave this site quickly": replace this page in the history so Back does not return to it.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-quick-exit]");
  if (!link) { return; }
  event.preventDefault();
  window.location.replace(link.href);
});
