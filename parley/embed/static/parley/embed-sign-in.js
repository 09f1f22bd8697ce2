// The sign-in popup's last page: hand the reader token to the widget that opened it, on
// the host page's origin only, then close. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var data = document.body.dataset;
  if (!data.parleyToken || !window.opener) return;
  window.opener.postMessage(
    {
      type: "parley:signed-in",
      token: data.parleyToken,
      name: data.parleyName,
      expires_at: data.parleyExpires,
    },
    data.parleyOrigin
  );
  window.close();
})();
