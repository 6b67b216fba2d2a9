// Swagger UI for GuardOps: loads the API description this server generates from its route table.
// A separate file, not an inline script, so that the page's Content-Security-Policy can forbid inline code.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "../openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // never send the document to validator.swagger.io: nothing leaves this server's origin
    validatorUrl: null
  });
};
