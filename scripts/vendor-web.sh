#!/bin/sh
# vendor-web.sh — copies the built front-end libraries of web/package.json (installed with
# `npm ci` in web/) into web/vendor/, with their licenses. Run it after changing a version
# in web/package.json; the vendored files are committed, so building and serving need no
# Node.js.
set -eu
cd "$(dirname "$0")/../web"
npm ci --no-audit --no-fund
cp node_modules/uplot/dist/uPlot.iife.min.js vendor/uplot.iife.min.js
cp node_modules/uplot/dist/uPlot.min.css vendor/uplot.min.css
cp node_modules/uplot/LICENSE vendor/uplot.LICENSE
cp node_modules/cytoscape/dist/cytoscape.min.js vendor/cytoscape.min.js
cp node_modules/cytoscape/LICENSE vendor/cytoscape.LICENSE
node -e 'const p = require("./package-lock.json").packages;
for (const k of ["uplot", "cytoscape"]) console.log(k, p["node_modules/" + k].version)' >vendor/VERSIONS
