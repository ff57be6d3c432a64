/* global window, SwaggerUIBundle */
// Starts Swagger UI on /api/docs. A script file of Amina's own, not an inline one: the
// Content-Security-Policy allows only the server's own scripts.
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Swagger UI would ask the public validator (validator.swagger.io) for a badge: Amina works without the internet.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  // A token typed into "Authorize" stays in this page only, never in the browser's storage.
  persistAuthorization: false,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
});
