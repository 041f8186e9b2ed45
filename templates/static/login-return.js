// A link such as /avvikelser/<id>#kommentarer (from a mail) reaches the login page with its fragment still in the
// address bar, but browsers never send fragments to the server, so the way back after signing in (the form's
// "nasta") lacks it. This carries it over; without script the way back is the page itself, at the top.
(function () {
  var hash = window.location.hash;
  if (!/^#[A-Za-z0-9_-]{1,64}$/.test(hash)) return;
  var field = document.querySelector('input[name="nasta"]');
  if (field && field.value.indexOf('#') === -1) field.value = field.value + hash;
})();
