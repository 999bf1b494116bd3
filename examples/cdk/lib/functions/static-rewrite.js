// CloudFront Function (cloudfront-js-2.0), viewer request, default (S3) behaviour only.
// Never attach it to /api/*.
//
// S3 serves exact keys only, and through Origin Access Control a missing key answers 403.
// A Next.js static export writes the page /signin as
//   signin/index.html  with `trailingSlash: true` (the interop app's setting), or
//   signin.html        with `trailingSlash: false` (Next.js's default),
// so requests for extensionless paths are mapped to the exported file here.
//
// The stack puts `var TRAILING_SLASH = true|false;` in front of this file.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last === '') {
    // "/" or "/docs/"
    request.uri = TRAILING_SLASH || uri === '/' ? uri + 'index.html' : uri.slice(0, -1) + '.html';
  } else if (last.indexOf('.') === -1) {
    // "/docs": no extension, so a page rather than a file
    request.uri = TRAILING_SLASH ? uri + '/index.html' : uri + '.html';
  }
  return request;
}
