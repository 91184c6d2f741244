// Builds OpenICS's front-end assets into openics/web/static/build and copies
// the vendor files it serves: no CDN, everything pinned by package-lock.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const modules = join(root, "node_modules");
const out = join(here, "static", "build");
const vendor = join(here, "static", "vendor");

mkdirSync(out, { recursive: true });
const css = sass.compile(join(here, "assets", "openics.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  loadPaths: [root],
  quietDeps: true,
  logger: sass.Logger.silent,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(out, "openics.css"), css.css);

// MOJ Frontend's own CSS loads no font files but names GDS Transport, the
// GOV.UK brand font: name the same system font stack as ours instead.
const systemFonts = 'system-ui,"Segoe UI",Roboto,Helvetica,Arial,sans-serif';
const mojCss = readFileSync(join(modules, "@ministryofjustice/frontend/moj/moj-frontend.min.css"), "utf8")
  .replaceAll("GDS Transport,arial,sans-serif", systemFonts)
  .replace(/\/\*# sourceMappingURL=.*\*\//, "");
writeFileSync(join(out, "moj.css"), mojCss);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["govuk-frontend/dist/govuk/assets/images", "govuk/assets/images"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj/moj-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets", "moj/assets"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
];
for (const [from, to] of copies) {
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target, { recursive: true });
}
// axe-core is for the accessibility tests only; it is served to no one.
mkdirSync(join(root, "var"), { recursive: true });
cpSync(join(modules, "axe-core", "axe.min.js"), join(root, "var", "axe.min.js"));
console.log("front-end assets built");
