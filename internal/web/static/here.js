// Fills a form's latitude and longitude fields with the device's position when
// the person presses the button marked data-here (it stays hidden without
// JavaScript or geolocation; the fields can always be typed).
(function () {
  var b = document.querySelector('[data-here]');
  if (!b || !navigator.geolocation) return;
  b.hidden = false;
  b.addEventListener('click', function () {
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById(b.getAttribute('data-lat')).value = p.coords.latitude.toFixed(6);
      document.getElementById(b.getAttribute('data-lon')).value = p.coords.longitude.toFixed(6);
    });
  });
})();
