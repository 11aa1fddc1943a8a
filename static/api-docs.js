// The API docs page: Swagger UI over the page's own OpenAPI document, when
// JavaScript runs. The server-rendered list stays for readers without it and
// is hidden once the renderer has drawn. No remote call: the validator badge
// (validator.swagger.io) is off, and the document comes from this site.
(function () {
  'use strict';
  var holder = document.getElementById('swagger-ui');
  if (!holder || typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  window.SwaggerUIBundle({
    url: holder.getAttribute('data-url'),
    domNode: holder,
    validatorUrl: null,
    deepLinking: false,
    defaultModelsExpandDepth: 1,
    defaultModelExpandDepth: 2,
    onComplete: function () {
      var plain = document.getElementById('api-operations');
      if (plain) {
        plain.hidden = true;
      }
      holder.hidden = false;
    }
  });
}());
