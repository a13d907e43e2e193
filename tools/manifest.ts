/** npm run manifest: writes graders/manifest.json (see integrity.ts). */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { MANIFEST, computeManifest } from "../graders/harness/core/integrity.ts";
import { REPO_ROOT } from "../graders/harness/core/paths.ts";

const manifest = computeManifest();
writeFileSync(path.join(REPO_ROOT, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
console.log(`${MANIFEST}: ${Object.keys(manifest).length} files`);
