// Tells GOV.UK Frontend's styles that JavaScript runs ("js-enabled") and, in browsers that run
// its modules, that its components will start ("govuk-frontend-supported"). Loaded at the top of
// <body> as a file, not an inline script, so the Content-Security-Policy forbids inline scripts.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
