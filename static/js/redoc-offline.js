/* Redoc page only (templates/api_docs/redoc.html), loaded before the Redoc bundle. The bundle
   shows an image from its vendor's CDN in the menu footer (set both as the attribute and as
   the property of an <img>); the portal loads nothing from a CDN (offline intranet; the
   Content-Security-Policy's img-src 'self' data: refuses it and the browser logs the refusal),
   so that one address is replaced by an empty image before it is requested. Any other
   address passes unchanged. The browser tests fail if the bundle finds another way. */
(function () {
  "use strict";
  var CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  var EMPTY = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";
  var local = function (value) { return value === CDN_LOGO ? EMPTY : value; };
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, name === "src" ? local(value) : value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) { src.set.call(this, local(value)); }
  });
})();
