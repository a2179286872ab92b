// Sign in: the token goes to the gateway as JSON (state-changing requests must be JSON, which no
// other site's form or no-cors request can send), and the gateway answers with the session cookie.
"use strict";

document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.hidden = true;
  const response = await fetch("/dashboard/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: document.getElementById("token").value }),
  });
  if (response.ok) {
    location.href = "/dashboard";
  } else {
    error.hidden = false;
  }
});
